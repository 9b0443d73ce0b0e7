import { afterAll, expect, test } from 'bun:test'
import { join } from 'node:path'
import { SqliteStore } from '../../../src/store/sqlite/store'
import { tempDir } from '../../support/gateway'

// The dispatcher's statements must stay index seeks: their cost must not grow
// with the backlog (a bench figure measures it; this test keeps the plans).
const store = new SqliteStore({ path: join(tempDir(), 'plan.db'), synchronous: 'full', maxSizeBytes: 0 })
afterAll(() => store.close())

const plan = (sql: string) => (store.client.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as Array<{ detail: string }>).map((r) => r.detail).join('\n')

test('claiming seeks the (flow, endpoint, status, due) index and scans no table', () => {
	const p = plan(`UPDATE deliveries SET status = 'delivering' WHERE pk IN (SELECT pk FROM deliveries
		WHERE flow = 'f' AND endpoint = 'e' AND status = 'pending' AND next_attempt_at <= 1 ORDER BY next_attempt_at LIMIT 100)`)
	expect(p).toContain('USING COVERING INDEX deliveries_claim')
	expect(p).not.toMatch(/SCAN deliveries(?! USING)/)
	expect(p).not.toContain('TEMP B-TREE')
})

test('the next due time of an endpoint is one index seek', () => {
	const p = plan(`SELECT MIN(next_attempt_at) FROM deliveries WHERE flow = 'f' AND endpoint = 'e' AND status = 'pending'`)
	expect(p).toContain('deliveries_claim')
	expect(p).not.toMatch(/SCAN deliveries(?! USING)/)
})

test('a duplicate check and an event\'s jobs are index seeks', () => {
	expect(plan(`SELECT pk FROM events WHERE flow = 'f' AND id = 'x'`)).toContain('events_flow_id')
	expect(plan(`SELECT id FROM deliveries WHERE event_pk = 1 AND test = 0 ORDER BY pk`)).toContain('deliveries_event')
})

test('crash recovery finds in-flight jobs through the status index', () => {
	expect(plan(`UPDATE deliveries SET status = 'pending' WHERE status = 'delivering'`)).toContain('deliveries_status')
})
