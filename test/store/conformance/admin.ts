// Conformance: admin reads and changes, endpoints, housekeeping.
import { beforeAll, describe, expect, test } from 'bun:test'
import type { Store } from '../../../src/store/store'
import type { Harness } from './harness'
import { makeEndpoint } from '../../support/fixtures'
import { attempt, done, event, ingestMany, newFlow } from './values'

export function adminTests(harness: () => Harness) {
	let store: Store
	let peer: Store
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
	})

	describe('job counts', () => {
		type Count = { flow: string; endpoint: string; status: string; count: number }
		const sorted = (rows: Count[]) => [...rows].sort((a, b) => `${a.endpoint} ${a.status}`.localeCompare(`${b.endpoint} ${b.status}`))
		/** what counting the job list (test jobs included) says */
		async function listed(flow: string): Promise<Count[]> {
			const tally = new Map<string, number>()
			let beforePk: number | null = null
			for (;;) {
				const page = await store.listJobs({ flow }, { beforePk, limit: 100 })
				if (page.length === 0) break
				for (const j of page) tally.set(`${j.endpoint} ${j.status}`, (tally.get(`${j.endpoint} ${j.status}`) ?? 0) + 1)
				beforePk = page[page.length - 1].pk
			}
			return sorted([...tally].map(([k, count]) => ({ flow, endpoint: k.split(' ')[0], status: k.split(' ')[1], count })))
		}
		async function expectCounts(flow: string, expected: Array<[string, string, number]>) {
			const want = sorted(expected.map(([endpoint, status, count]) => ({ flow, endpoint, status, count })))
			expect(await listed(flow)).toEqual(want)
			expect(sorted(await store.jobCounts(flow))).toEqual(want)
			expect(sorted(await peer.jobCounts(flow))).toEqual(want)
			expect(sorted((await peer.jobCounts(null)).filter((c) => c.flow === flow))).toEqual(want)
		}

		test('job counts stay what the job list says through ingest, claim, completion, retry, replay, cancel, test jobs, a deleted endpoint and the purge, from either instance', async () => {
			const flow = newFlow()
			await ingestMany(store, flow, 6, ['x', 'y'], 1000)
			const batch = await peer.ingest(flow, [{ event: event('b0'), endpoints: ['x'] }, { event: event('b1'), endpoints: ['x'] }], 1010)
			expect(batch.ok).toBe(true)
			// a resend adds no job
			await ingestMany(store, flow, 1, ['x', 'y'], 1000)
			await expectCounts(flow, [['x', 'pending', 8], ['y', 'pending', 6]])

			const xs = await store.claim(flow, 'x', 5, 2000, 60_000, 'A')
			const ys = await peer.claim(flow, 'y', 2, 2000, 60_000, 'B')
			expect([xs.length, ys.length]).toEqual([5, 2])
			await expectCounts(flow, [['x', 'pending', 3], ['x', 'delivering', 5], ['y', 'pending', 4], ['y', 'delivering', 2]])

			await store.complete([
				...xs.slice(0, 3).map((j) => done(j, 3000, 'A')),
				{ ...done(xs[3], 3000, 'A'), status: 'failed' as const },
				{ ...done(xs[4], 3000, 'A'), status: 'pending' as const, nextAttemptAt: 9000 },
			])
			await peer.complete(ys.map((j) => done(j, 3000, 'B')))
			await expectCounts(flow, [['x', 'pending', 4], ['x', 'succeeded', 3], ['x', 'failed', 1], ['y', 'pending', 4], ['y', 'succeeded', 2]])

			expect((await store.replayJob(xs[3].id, 4000)).kind).toBe('changed')
			expect((await peer.replayJob(xs[0].id, 4000)).kind).toBe('changed')
			const yPending = (await store.listJobs({ flow, endpoint: 'y', statuses: ['pending'] }, { beforePk: null, limit: 1 }))[0]
			expect((await peer.cancelJob(yPending.id, 4000)).kind).toBe('changed')
			await expectCounts(flow, [['x', 'pending', 6], ['x', 'succeeded', 2], ['y', 'pending', 3], ['y', 'succeeded', 2], ['y', 'cancelled', 1]])

			// test jobs count as the job list shows them
			const tested = await store.insertTestJob({ flow, endpoint: 'x', event: event('t'), now: 4000, leaseUntil: 70_000 })
			expect(tested).not.toBeNull()
			await ingestMany(store, flow, 2, ['api'], 4000, 'a')
			await expectCounts(flow, [['x', 'pending', 6], ['x', 'delivering', 1], ['x', 'succeeded', 2], ['y', 'pending', 3], ['y', 'succeeded', 2], ['y', 'cancelled', 1], ['api', 'pending', 2]])

			// a deleted API endpoint's pending jobs are cancelled
			await store.saveApiEndpoint(flow, makeEndpoint({ id: 'api', url: 'http://127.0.0.1:9/x', managedBy: 'api', createdAt: 500 }), 4000)
			expect(await peer.deleteApiEndpoint(flow, 'api', 4500)).toBe(2)
			// the test send's try, written as the admin API writes it
			await store.complete([{ pk: tested!.job.pk, attempt: attempt(1, 5000), status: 'failed', nextAttemptAt: 5000, now: 5000 }])
			await expectCounts(flow, [['x', 'pending', 6], ['x', 'succeeded', 2], ['x', 'failed', 1], ['y', 'pending', 3], ['y', 'succeeded', 2], ['y', 'cancelled', 1], ['api', 'cancelled', 2]])

			// the purge takes every finished job: groups left empty are not listed
			for (let r = await store.purgeFinishedJobs(10_000, 3); r.jobs > 0; r = await peer.purgeFinishedJobs(10_000, 3)) {}
			await expectCounts(flow, [['x', 'pending', 6], ['y', 'pending', 3]])
		})
	})

	describe('endpoints', () => {
		test('API endpoints and endpoint state are saved, read back and deleted; deleting cancels pending jobs', async () => {
			const flow = newFlow()
			const e = makeEndpoint({ id: 'api1', url: 'http://127.0.0.1:9/x', managedBy: 'api', createdAt: 500 })
			await store.saveApiEndpoint(flow, e, 1000)
			expect((await peer.apiEndpoints()).filter((r) => r.flow === flow)).toEqual([{ flow, endpoint: e }])
			const state = { flow, endpoint: 'api1', enabled: false, disabledReason: 'failing', disabledAt: 900, consecutiveFailures: 3, failingSince: 800, updatedAt: 1000 }
			await store.saveEndpointState(state)
			await store.saveEndpointState({ ...state, consecutiveFailures: 4 })
			expect((await peer.endpointStates()).filter((s) => s.flow === flow)).toEqual([{ ...state, consecutiveFailures: 4, episodeSince: null }])
			await ingestMany(store, flow, 3, ['api1'], 1000)
			expect(await store.deleteApiEndpoint(flow, 'api1', 2000)).toBe(3)
			expect((await store.apiEndpoints()).filter((r) => r.flow === flow)).toEqual([])
			expect((await store.endpointStates()).filter((s) => s.flow === flow)).toEqual([])
			expect(await store.jobCounts(flow)).toEqual([{ flow, endpoint: 'api1', status: 'cancelled', count: 3 }])
		})
	})

	describe('housekeeping', () => {
		test('retention purges old finished jobs with their attempts, then events left without jobs; unfinished ones stay', async () => {
			const flow = newFlow()
			await ingestMany(store, flow, 3, ['x'], 1000, 'old')
			await ingestMany(store, flow, 1, ['x'], 1800, 'keep')
			const jobs = await store.claim(flow, 'x', 3, 1002, 60_000, 'A')
			expect(jobs).toHaveLength(3)
			await store.complete(jobs.map((j) => done(j, 1500, 'A')))
			expect((await store.backlog()).filter((b) => b.flow === flow)).toEqual([{ flow, endpoint: 'x', pending: 1, oldestCreatedAt: 1800 }])
			let purged = { jobs: 0, attempts: 0 }
			for (;;) {
				const r = await store.purgeFinishedJobs(2000, 2)
				if (r.jobs === 0) break
				purged = { jobs: purged.jobs + r.jobs, attempts: purged.attempts + r.attempts }
			}
			expect(purged.jobs).toBeGreaterThanOrEqual(3)
			expect(await store.jobCounts(flow)).toEqual([{ flow, endpoint: 'x', status: 'pending', count: 1 }])
			expect(await store.jobAttempts(jobs[0].pk)).toEqual([])
			let cursor = null
			do cursor = (await store.purgeOrphanEvents(2000, cursor, 2)).next
			while (cursor !== null)
			const left = await store.listEvents({ flow }, { beforePk: null, limit: 10 })
			expect(left.map((e) => e.id)).toEqual(['keep0'])
		})

		test('a write probe succeeds on a healthy store and leaves nothing behind', async () => {
			await store.probeWrite()
			expect((await store.endpointStates()).filter((s) => s.flow === '')).toEqual([])
			const size = await store.sizeBytes()
			expect(size.db).toBeGreaterThan(0)
		})
	})
}
