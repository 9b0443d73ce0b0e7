import { afterAll, expect, test } from 'bun:test'
import { join } from 'node:path'
import { SqliteStore } from '../../../src/store/sqlite/store'
import { tempDir } from '../../support/gateway'

const store = new SqliteStore({ path: join(tempDir(), 'lease.db'), synchronous: 'normal', maxSizeBytes: 0 })
afterAll(() => store.close())

test('a job whose lease ran out goes back to pending; one still leased stays in flight', async () => {
	const event = { id: 'e1', type: 't', sessionId: null, occurredAt: null, success: true, data: {} }
	const out = await store.ingest('f', [{ event, endpoints: ['a', 'b'] }], 1000)
	expect(out.ok).toBe(true)
	const [lost] = await store.claim('f', 'a', 10, 1000, 5000)
	const [alive] = await store.claim('f', 'b', 10, 1000, 90_000)
	expect(lost && alive).toBeTruthy()
	expect(await store.reclaimExpired(6000)).toBe(1)
	const rows = store.client.prepare('SELECT endpoint, status, next_attempt_at AS due FROM deliveries ORDER BY endpoint').all()
	expect(rows).toEqual([{ endpoint: 'a', status: 'pending', due: 6000 }, { endpoint: 'b', status: 'delivering', due: 90_000 }])
})
