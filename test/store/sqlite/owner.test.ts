// SQLite-only checks that read the table: one instance per file (its lock
// file), so leases default to one owner and start-up takes back every job.
import { afterAll, expect, test } from 'bun:test'
import { join } from 'node:path'
import { SqliteStore } from '../../../src/store/sqlite/store'
import { tempDir } from '../../support/gateway'

const store = new SqliteStore({ path: join(tempDir(), 'owner.db'), synchronous: 'normal', maxSizeBytes: 0 })
afterAll(() => store.close())

test('a claim stamps the owner in the row; start-up without an owner takes back every job in flight', async () => {
	for (const id of ['a', 'b']) await store.ingest('f', [{ event: { id, type: 't', sessionId: null, occurredAt: null, success: true, data: {} }, endpoints: ['x'] }], 1000)
	await store.claim('f', 'x', 1, 1000, 60_000)
	await store.claim('f', 'x', 1, 1000, 60_000, 'earlier-run')
	expect(store.client.prepare('SELECT owner FROM deliveries ORDER BY pk').all()).toEqual([{ owner: 'local' }, { owner: 'earlier-run' }])
	expect(await store.recoverInFlight(2000)).toBe(2)
	expect(store.client.prepare('SELECT status, owner FROM deliveries ORDER BY pk').all())
		.toEqual([{ status: 'pending', owner: null }, { status: 'pending', owner: null }])
})
