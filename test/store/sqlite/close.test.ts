import { expect, test } from 'bun:test'
import { readdirSync, readlinkSync } from 'node:fs'
import { join } from 'node:path'
import { SqliteStore } from '../../../src/store/sqlite/store'
import { tempDir } from '../../support/gateway'

// what this process holds open under `dir`
const openFiles = (dir: string) => readdirSync('/proc/self/fd').flatMap((fd) => {
	try { return [readlinkSync(`/proc/self/fd/${fd}`)] } catch { return [] }
}).filter((p) => p.startsWith(dir))

test('a closed store lets go of its files, though its prepared statements are still referenced', async () => {
	const dir = tempDir()
	const store = new SqliteStore({ path: join(dir, 'hookgate.db'), synchronous: 'normal', maxSizeBytes: 1 << 20 })
	const event = { id: 'e1', type: 't', sessionId: null, occurredAt: null, success: true, data: {} }
	expect((await store.ingest('f', [{ event, endpoints: ['a'] }], 1)).ok).toBe(true)
	expect(await store.claim('f', 'a', 10, 1, 1000)).toHaveLength(1)
	await store.probeWrite()
	expect(openFiles(dir)).toContain(join(dir, 'hookgate.db-wal'))
	await store.close()
	expect(openFiles(dir)).toEqual([])
})
