// Conformance: the job queue (claims with owners, completion, leases, recovery).
import { beforeAll, describe, expect, test } from 'bun:test'
import type { JobQueue } from '../../../src/dispatch/queue'
import type { IngestStore } from '../../../src/ingest/store'
import type { AdminStore } from '../../../src/admin/store'
import type { Harness } from './harness'
import { attempt, done, event, ingestMany, newFlow } from './values'

/** what is tested, what makes the jobs, and the admin reads that show them */
type Subject = JobQueue & IngestStore & Pick<AdminStore, 'getJob' | 'jobAttempts' | 'insertTestJob' | 'jobCounts' | 'cancelJob'>

export function queueTests(harness: () => Harness) {
	let store: Subject
	let peer: Subject
	beforeAll(() => { ({ store, peer } = harness()) })

	describe('job queue', () => {
		test('claims move due jobs in flight under their owner; jobs not yet due stay', async () => {
			const flow = newFlow()
			await ingestMany(store, flow, 3, ['x'], 1000)
			expect(await store.nextDue(flow, 'x')).toBe(1000)
			const jobs = await store.claim(flow, 'x', 10, 1001, 60_000, 'A')
			expect(jobs.map((j) => j.attemptCount)).toEqual([0, 0])
			const evs = await store.events(jobs.map((j) => j.eventPk))
			expect([...evs.values()].map((e) => e.id).sort()).toEqual(['e0', 'e1'])
			const job = await store.getJob(jobs[0].id)
			expect(job).toMatchObject({ status: 'delivering', nextAttemptAt: 60_000 })
			expect(await store.nextDue(flow, 'x')).toBe(1002)
		})

		test('the sweep reads every endpoint\'s next due time in one call, in the order asked', async () => {
			const flow = newFlow()
			await ingestMany(store, flow, 3, ['x', 'y'], 1000)
			await store.claim(flow, 'y', 10, 5000, 60_000, 'A')
			expect(await store.nextDueAll([[flow, 'y'], [flow, 'x'], [flow, 'none'], ['no-flow', 'x']])).toEqual([null, 1000, null, null])
			expect(await store.nextDueAll([])).toEqual([])
		})

		test('two owners claiming at once never take the same job', async () => {
			const flow = newFlow()
			await ingestMany(store, flow, 300, ['x'], 1000)
			const taken: Record<string, number[]> = { A: [], B: [] }
			const worker = async (s: JobQueue, owner: 'A' | 'B') => {
				for (;;) {
					const jobs = await s.claim(flow, 'x', 7, 5000, 60_000, owner)
					if (jobs.length === 0) return
					taken[owner].push(...jobs.map((j) => j.pk))
				}
			}
			await Promise.all([worker(store, 'A'), worker(peer, 'B'), worker(store, 'A'), worker(peer, 'B')])
			const all = [...taken.A, ...taken.B]
			expect(all).toHaveLength(300)
			expect(new Set(all).size).toBe(300)
			expect(await store.jobCounts(flow)).toEqual([{ flow, endpoint: 'x', status: 'delivering', count: 300 }])
		})

		test('only the owner completes, releases or extends a job', async () => {
			const flow = newFlow()
			await ingestMany(store, flow, 1, ['x'], 1000)
			const [job] = await store.claim(flow, 'x', 1, 1000, 60_000, 'A')
			await peer.complete([done(job, 2000, 'B')])
			await peer.release([job.pk], 2000, 'B')
			expect(await peer.extendLease([job.pk], 90_000, 'B')).toBe(0)
			expect(await store.getJob(job.id)).toMatchObject({ status: 'delivering', attemptCount: 0, nextAttemptAt: 60_000 })
			expect(await store.jobAttempts(job.pk)).toEqual([])
			expect(await store.extendLease([job.pk], 90_000, 'A')).toBe(1)
			await store.complete([done(job, 3000, 'A')])
			expect(await store.getJob(job.id)).toMatchObject({ status: 'succeeded', attemptCount: 1, lastStatus: 200, lastDurationMs: 12 })
			expect((await store.jobAttempts(job.pk)).map((a) => a.n)).toEqual([1])
		})

		test('a failed try goes back to pending at its retry time; a release makes the job due now', async () => {
			const flow = newFlow()
			await ingestMany(store, flow, 2, ['x'], 1000)
			const [a, b] = await store.claim(flow, 'x', 2, 2000, 60_000, 'A')
			await store.complete([{ pk: a.pk, attempt: attempt(1, 2000, { status: 503, error: { class: 'http_status', message: '503' } }), status: 'pending', nextAttemptAt: 9000, now: 2100, owner: 'A' }])
			await store.release([b.pk], 2200, 'A')
			expect(await store.getJob(a.id)).toMatchObject({ status: 'pending', attemptCount: 1, nextAttemptAt: 9000, lastStatus: 503, lastError: { class: 'http_status', message: '503' } })
			expect(await store.getJob(b.id)).toMatchObject({ status: 'pending', attemptCount: 0, nextAttemptAt: 2200 })
			const again = await store.claim(flow, 'x', 5, 3000, 60_000, 'B')
			expect(again.map((j) => j.id)).toEqual([b.id])
		})

		test('a lease that ran out is taken back by anyone; the late try of its first owner is not written', async () => {
			const flow = newFlow()
			await ingestMany(store, flow, 1, ['x'], 1000)
			const [first] = await store.claim(flow, 'x', 1, 1000, 5000, 'A')
			expect(await peer.reclaimExpired(4000)).toBe(0)
			expect(await peer.reclaimExpired(6000)).toBeGreaterThanOrEqual(1)
			const [second] = await peer.claim(flow, 'x', 1, 6000, 70_000, 'B')
			expect(second.pk).toBe(first.pk)
			await store.complete([done(first, 7000, 'A')])
			expect(await store.getJob(first.id)).toMatchObject({ status: 'delivering', attemptCount: 0, nextAttemptAt: 70_000 })
			await peer.complete([done(second, 8000, 'B')])
			expect(await store.getJob(first.id)).toMatchObject({ status: 'succeeded', attemptCount: 1 })
			expect(await store.jobAttempts(first.pk)).toHaveLength(1)
		})

		test('start-up recovery takes back only its own leftovers', async () => {
			const flow = newFlow()
			await ingestMany(store, flow, 2, ['x'], 1000)
			// owners of their own: other tests leave jobs in flight in this database too
			const [a, b] = [`A-${flow}`, `B-${flow}`]
			const [mine] = await store.claim(flow, 'x', 1, 1001, 60_000, a)
			const [theirs] = await peer.claim(flow, 'x', 1, 1001, 60_000, b)
			expect(await store.recoverInFlight(2000, a)).toBe(1)
			expect(await store.getJob(mine.id)).toMatchObject({ status: 'pending', nextAttemptAt: 2000 })
			expect(await store.getJob(theirs.id)).toMatchObject({ status: 'delivering', nextAttemptAt: 60_000 })
			await peer.complete([done(theirs, 3000, b)])
			expect(await store.getJob(theirs.id)).toMatchObject({ status: 'succeeded' })
		})

		test('after a lost answer, jobs an owner holds in the store but not in hand go back to pending; others\' stay', async () => {
			const flow = newFlow()
			await ingestMany(store, flow, 4, ['x'], 1000)
			const [a, b] = [`A-${flow}`, `B-${flow}`]
			const mine = await store.claim(flow, 'x', 3, 1005, 60_000, a)
			const [theirs] = await peer.claim(flow, 'x', 1, 1005, 60_000, b)
			// the first is in hand; the other two were claimed when the answer was lost
			expect(await store.releaseUnheld([mine[0].pk], 2000, a)).toBe(2)
			expect(await store.getJob(mine[0].id)).toMatchObject({ status: 'delivering', nextAttemptAt: 60_000 })
			for (const j of mine.slice(1)) expect(await store.getJob(j.id)).toMatchObject({ status: 'pending', nextAttemptAt: 2000 })
			expect(await store.getJob(theirs.id)).toMatchObject({ status: 'delivering', nextAttemptAt: 60_000 })
			expect(await store.releaseUnheld([], 2000, a)).toBe(1)
		})

		test('a job cancelled in flight keeps its attempt but not the outcome', async () => {
			const flow = newFlow()
			await ingestMany(store, flow, 1, ['x'], 1000)
			const [job] = await store.claim(flow, 'x', 1, 1000, 60_000, 'A')
			expect((await store.cancelJob(job.id, 1500)).kind).toBe('changed')
			await store.complete([done(job, 2000, 'A')])
			expect(await store.getJob(job.id)).toMatchObject({ status: 'cancelled' })
			expect(await store.jobAttempts(job.pk)).toHaveLength(1)
		})

		test('a test job is stored in flight, never claimed, and completed by the store itself', async () => {
			const flow = newFlow()
			const t = await store.insertTestJob({ flow, endpoint: 'x', event: event('t1'), now: 1000, leaseUntil: 60_000 })
			if (!t) throw new Error('no test job')
			expect(t.job).toMatchObject({ status: 'delivering', test: true, eventId: 't1' })
			expect(await store.claim(flow, 'x', 10, 2000, 60_000)).toEqual([])
			await store.complete([{ pk: t.job.pk, attempt: attempt(1, 2000), status: 'succeeded', nextAttemptAt: 2000, now: 2000 }])
			expect(await store.getJob(t.job.id)).toMatchObject({ status: 'succeeded', attemptCount: 1 })
			expect(await store.insertTestJob({ flow, endpoint: 'x', event: event('t2', { sessionId: 'none' }), now: 1000, leaseUntil: 60_000 })).toBeNull()
		})
	})
}
