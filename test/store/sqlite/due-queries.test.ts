import { afterAll, expect, test } from 'bun:test'
import { join } from 'node:path'
import { SqliteStore } from '../../../src/store/sqlite/store'
import { tempDir } from '../../support/gateway'

const store = new SqliteStore({ path: join(tempDir(), 'due.db'), synchronous: 'normal', maxSizeBytes: 0 })
afterAll(() => store.close())
const event = (id: string) => ({ id, type: 't', sessionId: null, occurredAt: null, success: true, data: {} })

test('the sweep reads each endpoint\'s earliest pending due time in the order asked, null where nothing is pending', async () => {
	await store.ingest('f', [{ event: event('a1'), endpoints: ['a', 'b'] }], 3000)
	await store.ingest('f', [{ event: event('a2'), endpoints: ['a'] }], 2000)
	await store.ingest('g', [{ event: event('c1'), endpoints: ['c'] }], 7000)
	// b's only job is in flight: nothing pending there
	expect(await store.claim('f', 'b', 10, 3000, 60_000)).toHaveLength(1)
	expect(await store.nextDueAll([['g', 'c'], ['f', 'b'], ['f', 'a'], ['f', 'nope']])).toEqual([7000, null, 2000, null])
	expect(await store.nextDueAll([])).toEqual([])
	const plan = (store.client.prepare(`EXPLAIN QUERY PLAN SELECT (SELECT MIN(next_attempt_at) FROM deliveries
		WHERE flow = json_extract(t.value, '$[0]') AND endpoint = json_extract(t.value, '$[1]') AND status = 'pending') FROM json_each('[]') AS t`)
		.all() as Array<{ detail: string }>).map((r) => r.detail).join('\n')
	expect(plan).toContain('USING COVERING INDEX deliveries_claim')
})

test('a clock step moves due times and leases of rows written up to a time, and only those', async () => {
	const s = new SqliteStore({ path: join(tempDir(), 'shift.db'), synchronous: 'normal', maxSizeBytes: 0 })
	try {
		await s.ingest('f', [{ event: event('old'), endpoints: ['a', 'b'] }], 1000)
		await s.claim('f', 'b', 10, 1000, 61_000)
		await s.ingest('f', [{ event: event('new'), endpoints: ['a'] }], 50_000)
		const all = () => s.client.prepare('SELECT endpoint, status, next_attempt_at AS due, updated_at AS at FROM deliveries ORDER BY pk').all()
		// forward by 10 s: the rows written up to 2000 (under the old clock) move, the one written after stays
		expect(await s.shiftDue(10_000, 2000)).toBe(2)
		expect(all()).toEqual([
			{ endpoint: 'a', status: 'pending', due: 11_000, at: 11_000 },
			{ endpoint: 'b', status: 'delivering', due: 71_000, at: 11_000 },
			{ endpoint: 'a', status: 'pending', due: 50_000, at: 50_000 },
		])
		// back: everything moves
		expect(await s.shiftDue(-5000, null)).toBe(3)
		expect((all() as Array<{ due: number }>).map((r) => r.due)).toEqual([6000, 66_000, 45_000])
	} finally {
		s.close()
	}
})

test('rows written under a clock since set back follow it, keeping their delay', async () => {
	const s = new SqliteStore({ path: join(tempDir(), 'ahead.db'), synchronous: 'normal', maxSizeBytes: 0 })
	try {
		await s.ingest('f', [{ event: event('now'), endpoints: ['a'] }], 1000)
		await s.claim('f', 'a', 10, 1000, 61_000)
		// written while the clock read five hours on: a retry 3 s later, a lease 60 s on
		await s.ingest('f', [{ event: event('ahead'), endpoints: ['a', 'b'] }], 18_001_000)
		s.client.prepare(`UPDATE deliveries SET next_attempt_at = updated_at + 3000 WHERE endpoint = 'b'`).run()
		const all = () => s.client.prepare('SELECT endpoint, status, next_attempt_at AS due, updated_at AS at FROM deliveries ORDER BY pk').all()
		// the clock reads 2000 again: within a tolerance of 20,000,000 nothing counts as ahead
		expect(await s.shiftDue(0, null, 2000, 20_000_000)).toBe(0)
		expect(await s.shiftDue(0, null, 2000, 2000)).toBe(2)
		expect(all()).toEqual([
			{ endpoint: 'a', status: 'delivering', due: 61_000, at: 1000 },
			{ endpoint: 'a', status: 'pending', due: 2000, at: 2000 },
			{ endpoint: 'b', status: 'pending', due: 5000, at: 2000 },
		])
		expect(await s.shiftDue(0, null, 2000, 2000)).toBe(0)
	} finally {
		s.close()
	}
})
