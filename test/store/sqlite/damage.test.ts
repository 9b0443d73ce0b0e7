import { expect, test } from 'bun:test'
import { closeSync, openSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { SqliteStore } from '../../../src/store/sqlite/store'
import { tempDir } from '../../support/gateway'

test('a read of the dispatcher that meets damaged pages marks the store damaged, the reason ingest and /readyz then give', async () => {
	const path = join(tempDir(), 'hookgate.db')
	let store = new SqliteStore({ path, synchronous: 'normal', maxSizeBytes: 0 })
	for (let i = 0; i < 50; i++) {
		await store.ingest('f', [{ event: { id: `e${i}`, type: 't', sessionId: null, occurredAt: null, success: true, data: { pad: 'x'.repeat(3000) } }, endpoints: ['a'] }], 1)
	}
	const pages = (store.client.prepare("SELECT pageno FROM dbstat WHERE name = 'events' AND pagetype = 'leaf'").all() as Array<{ pageno: number }>).map((r) => r.pageno)
	await store.close()
	const fd = openSync(path, 'r+')
	for (const p of pages) writeSync(fd, Buffer.alloc(64, 0xa5), 0, 64, (p - 1) * 4096)
	closeSync(fd)

	store = new SqliteStore({ path, synchronous: 'normal', maxSizeBytes: 0 })
	try {
		expect(store.refusal()).toBeNull()
		const jobs = await store.claim('f', 'a', 10, 2, 1000)
		expect(jobs.length).toBe(10)
		await expect(store.events(jobs.map((j) => j.eventPk))).rejects.toThrow('database disk image is malformed')
		expect(store.refusal()).toBe(`the database ${path} is damaged (database disk image is malformed): stop hookgate and restore it from a backup, or recover it with sqlite3 ".recover"`)
	} finally {
		await store.close()
	}
}, 20_000)
