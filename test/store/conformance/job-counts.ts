// Conformance: the admin API's job counts (kept as jobs change, not counted)
// agree with the job list through everything that makes or changes a job.
import { beforeAll, describe, expect, test } from 'bun:test'
import type { AdminStore } from '../../../src/admin/store'
import type { JobQueue } from '../../../src/dispatch/queue'
import type { EndpointRegistry } from '../../../src/endpoint-registry'
import type { IngestStore } from '../../../src/ingest/store'
import type { Housekeeping } from '../../../src/ops/housekeeping'
import { makeEndpoint } from '../../support/fixtures'
import type { Harness } from './harness'
import { attempt, done, event, ingestMany, newFlow } from './values'

/** what is tested, and what makes and changes the jobs it counts */
type Subject = AdminStore & IngestStore & JobQueue & EndpointRegistry & Pick<Housekeeping, 'purgeFinishedJobs'>

export function jobCountTests(harness: () => Harness) {
	let store: Subject
	let peer: Subject
	beforeAll(() => { ({ store, peer } = harness()) })

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
}
