// Conformance: what operational signals need to be decided once across
// instances — marks moved by compare-and-set — and the reads of
// delivery.exhausted and the daily report.
import { beforeAll, describe, expect, test } from 'bun:test'
import type { IngestStore } from '../../../src/ingest/store'
import type { JobQueue } from '../../../src/dispatch/queue'
import type { SignalStore } from '../../../src/ops/signals/store'
import type { Harness } from './harness'
import { attempt, ingestMany, newFlow } from './values'

/** what is tested, and what makes the rows it reads */
type Subject = SignalStore & IngestStore & Pick<JobQueue, 'claim' | 'complete'>

export function signalsTests(harness: () => Harness) {
	let store: Subject
	let peer: Subject
	beforeAll(() => { ({ store, peer } = harness()) })

	describe('operational signals', () => {
		test('a mark moves only from the value the caller read: one of two racing callers wins', async () => {
			const key = `k-${newFlow()}`
			expect(await store.mark(key)).toBeNull()
			const first = await Promise.all([store.moveMark(key, null, 10), peer.moveMark(key, null, 11)])
			expect(first.filter(Boolean)).toHaveLength(1)
			const at = await store.mark(key)
			const second = await Promise.all([store.moveMark(key, at, 20), peer.moveMark(key, at, 21)])
			expect(second.filter(Boolean)).toHaveLength(1)
			expect([20, 21]).toContain((await peer.mark(key))!)
			expect(await store.moveMark(key, 5, 30)).toBe(false)
		})

		test('failed jobs of a window: count, first ids oldest first, when the first failed, the last error', async () => {
			const flow = newFlow()
			await ingestMany(store, flow, 5, ['x'], 1000)
			const jobs = await store.claim(flow, 'x', 10, 2000, 60_000)
			for (const [i, j] of jobs.entries()) {
				await store.complete([{ pk: j.pk, attempt: attempt(1, 3000 + i, { status: 503, error: { class: 'http_status', message: `503 number ${i}` } }), status: i < 4 ? 'failed' : 'succeeded', nextAttemptAt: 0, now: 3000 + i }])
			}
			const r = await store.failedJobs(flow, 'x', 3000, 10_000, 2)
			expect(r).toEqual({ count: 3, ids: [jobs[1].id, jobs[2].id], since: 3001, lastError: { class: 'http_status', message: '503 number 3', status: 503 } })
			expect((await store.failedJobs(flow, 'x', 3003, 10_000, 100)).count).toBe(0)
		})

		test('the undelivered report counts failed jobs of the window and old pending jobs, with their error classes', async () => {
			const flow = newFlow()
			await ingestMany(store, flow, 4, ['x'], 1000)
			await ingestMany(store, flow, 2, ['y'], 50_000, 'late')
			const jobs = await store.claim(flow, 'x', 2, 2000, 60_000)
			for (const j of jobs) await store.complete([{ pk: j.pk, attempt: attempt(1, 3000, { status: null, error: { class: 'timeout', message: 't' } }), status: 'failed', nextAttemptAt: 0, now: 3000 }])
			const rows = (await peer.undelivered(2500, 4000, 10_000)).filter((r) => r.flow === flow)
			expect(rows).toEqual([{ flow, endpoint: 'x', failed: 2, pendingOverAnHour: 2, errors: { timeout: 2 } }])
			expect((await store.undelivered(3000, 4000, 500)).filter((r) => r.flow === flow)).toEqual([])
		})
	})
}
