// Conformance: the admin API's reads and changes of jobs and events.
import { beforeAll, describe, expect, test } from 'bun:test'
import type { AdminStore } from '../../../src/admin/store'
import type { IngestStore } from '../../../src/ingest/store'
import type { JobQueue } from '../../../src/dispatch/queue'
import type { Harness } from './harness'
import { attempt, done, event, ingestMany, newFlow } from './values'

/** what is tested, and what makes the rows it reads */
type Subject = AdminStore & IngestStore & Pick<JobQueue, 'claim'>

export function adminTests(harness: () => Harness) {
	let store: Subject
	let peer: Subject
	beforeAll(() => { ({ store, peer } = harness()) })

	describe('admin reads and changes', () => {
		test('job and event lists page newest first without gaps or repeats, and filter', async () => {
			const flow = newFlow()
			await ingestMany(store, flow, 25, ['x', 'y'], 1000)
			const seen: string[] = []
			let beforePk: number | null = null
			for (;;) {
				const page = await store.listJobs({ flow, endpoint: 'x' }, { beforePk, limit: 10 })
				if (page.length === 0) break
				seen.push(...page.map((j) => j.eventId))
				beforePk = page[page.length - 1].pk
			}
			expect(seen).toEqual(Array.from({ length: 25 }, (_, i) => `e${24 - i}`))
			expect(await store.listJobs({ flow, eventId: 'e3' }, { beforePk: null, limit: 10 })).toHaveLength(2)
			expect(await store.listJobs({ flow, statuses: ['succeeded'] }, { beforePk: null, limit: 10 })).toEqual([])
			expect(await store.listJobs({ flow, since: 1010, until: 1012 }, { beforePk: null, limit: 10 })).toHaveLength(4)
			const events = await store.listEvents({ flow }, { beforePk: null, limit: 5 })
			expect(events.map((e) => e.id)).toEqual(['e24', 'e23', 'e22', 'e21', 'e20'])
			const next = await store.listEvents({ flow }, { beforePk: events[4].pk, limit: 5 })
			expect(next[0].id).toBe('e19')
			expect(await store.jobCounts(flow)).toEqual(expect.arrayContaining([
				{ flow, endpoint: 'x', status: 'pending', count: 25 }, { flow, endpoint: 'y', status: 'pending', count: 25 },
			]))
			expect(await store.lastJobPk()).toBeGreaterThanOrEqual(beforePk ?? 0)
			expect(await store.getJob('job_missing')).toBeNull()
		})

		test('replay and cancel change a job only when its state allows', async () => {
			const flow = newFlow()
			await ingestMany(store, flow, 2, ['x'], 1000)
			const [pending, inFlight] = await store.listJobs({ flow }, { beforePk: null, limit: 10 })
			await store.claim(flow, 'x', 1, 1000, 60_000, 'A')
			const delivering = (await store.getJob(inFlight.id))!.status === 'delivering' ? inFlight : pending
			const other = delivering === inFlight ? pending : inFlight
			expect((await store.replayJob(delivering.id, 2000)).kind).toBe('refused')
			expect((await store.cancelJob(other.id, 2000)).kind).toBe('changed')
			expect((await store.cancelJob(other.id, 2000)).kind).toBe('refused')
			const replayed = await store.replayJob(other.id, 3000)
			expect(replayed.kind === 'changed' && replayed.job).toMatchObject({ status: 'pending', nextAttemptAt: 3000 })
			expect((await store.replayJob('job_missing', 3000)).kind).toBe('missing')
		})

		test('a bulk replay goes in chunks over finished jobs and leaves jobs in flight alone', async () => {
			const flow = newFlow()
			await ingestMany(store, flow, 5, ['x'], 1000)
			const jobs = await store.claim(flow, 'x', 5, 2000, 60_000, 'A')
			await store.complete(jobs.slice(0, 4).map((j) => ({ ...done(j, 3000, 'A'), status: 'failed' as const })))
			const maxPk = await store.lastJobPk()
			const filter = { flow, statuses: ['failed' as const], since: 0, until: 10_000, maxPk }
			let after = 0
			let total = 0
			for (let guard = 0; guard < 10; guard++) {
				const r = await store.replayJobsChunk(filter, after, 3, 4000)
				total += r.replayed
				if (r.next === null) break
				after = r.next
			}
			expect(total).toBe(4)
			expect(await store.jobCounts(flow)).toEqual(expect.arrayContaining([
				{ flow, endpoint: 'x', status: 'pending', count: 4 }, { flow, endpoint: 'x', status: 'delivering', count: 1 },
			]))
		})

		test('stats count jobs and attempts per endpoint, leaving test jobs out', async () => {
			const flow = newFlow()
			await ingestMany(store, flow, 4, ['x'], 10_000)
			const jobs = await store.claim(flow, 'x', 4, 10_010, 60_000, 'A')
			await store.complete(jobs.map((j, i) => ({ ...done(j, 10_000 + i, 'A'), attempt: attempt(1, 10_000, { durationMs: (i + 1) * 10 }) })))
			await store.insertTestJob({ flow, endpoint: 'x', event: event('t'), now: 10_000, leaseUntil: 60_000 })
			const s = await store.endpointStats({ flow, since: 0, seriesStart: 0 })
			expect(s.counts).toEqual([{ flow, endpoint: 'x', status: 'succeeded', count: 4 }])
			expect(s.latency).toEqual([{ flow, endpoint: 'x', p50: 20, p95: 40, p99: 40 }])
			expect(s.backlog).toEqual([])
			expect(s.series).toEqual([{ flow, endpoint: 'x', bucket: 0, succeeded: 4, failed: 0 }])
		})

		test('latency is the nearest-rank percentile of every try; a finished test job\'s tries do not count', async () => {
			const flow = newFlow()
			const now = 10 * 3_600_000
			await ingestMany(store, flow, 100, ['ep'], now)
			const jobs = await store.claim(flow, 'ep', 100, now + 100, now + 60_000, 'A')
			// 1..100 shuffled
			await store.complete(jobs.map((j, i) => ({ ...done(j, now + 200, 'A'), attempt: attempt(1, now + 200, { durationMs: ((i * 37) % 100) + 1 }) })))
			const t = await store.insertTestJob({ flow, endpoint: 'ep', event: event('t'), now: now + 200, leaseUntil: now + 60_000 })
			await store.complete([{ pk: t!.job.pk, attempt: attempt(1, now + 300, { durationMs: 100_000 }), status: 'succeeded', nextAttemptAt: now + 300, now: now + 300 }])
			const s = await store.endpointStats({ flow, since: now - 60_000, seriesStart: now - 3_600_000 })
			expect(s.latency).toEqual([{ flow, endpoint: 'ep', p50: 50, p95: 95, p99: 99 }])
			expect(s.counts).toEqual([{ flow, endpoint: 'ep', status: 'succeeded', count: 100 }])
			expect(s.series).toEqual([{ flow, endpoint: 'ep', bucket: 1, succeeded: 100, failed: 0 }])
		})
	})
}
