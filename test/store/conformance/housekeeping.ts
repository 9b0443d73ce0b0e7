// Conformance: retention's purges, and a whole retention run through the
// store's own housekeeping hooks (what they do there is the store's business).
import { beforeAll, describe, expect, test } from 'bun:test'
import type { AdminStore } from '../../../src/admin/store'
import type { JobQueue } from '../../../src/dispatch/queue'
import type { IngestStore } from '../../../src/ingest/store'
import type { Housekeeping } from '../../../src/ops/housekeeping'
import type { MetricsStore } from '../../../src/ops/metrics'
import { purge } from '../../../src/ops/retention'
import type { Harness } from './harness'
import { done, ingestMany, newFlow } from './values'

/** what is tested, and what makes and reads the rows it purges */
type Subject = Housekeeping & IngestStore & Pick<JobQueue, 'claim' | 'complete'> & Pick<AdminStore, 'jobCounts' | 'jobAttempts' | 'listEvents'> & MetricsStore

export function housekeepingTests(harness: () => Harness) {
	let store: Subject
	beforeAll(() => { ({ store } = harness()) })

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

		test('a retention run purges through the store\'s hooks and stops between batches when told to', async () => {
			const flow = newFlow()
			const day = 86_400_000
			await ingestMany(store, flow, 4, ['x'], 1000, 'gone')
			const jobs = await store.claim(flow, 'x', 4, 1100, 60_000, 'A')
			await store.complete(jobs.map((j) => done(j, 1500, 'A')))
			const stopped = await purge({ store, now: () => 2000 + day, days: 1, batchSize: 1, pause: async () => {}, aborted: () => true })
			expect(stopped).toMatchObject({ jobs: 0, aborted: true })
			expect(await store.jobCounts(flow)).toEqual([{ flow, endpoint: 'x', status: 'succeeded', count: 4 }])
			const r = await purge({ store, now: () => 2000 + day, days: 1, batchSize: 1, pause: async () => {} })
			expect(r).toMatchObject({ aborted: false })
			expect(r.jobs).toBeGreaterThanOrEqual(4)
			expect(r.reclaimed).toBeGreaterThanOrEqual(0)
			expect(await store.jobCounts(flow)).toEqual([])
			expect(await store.listEvents({ flow }, { beforePk: null, limit: 10 })).toEqual([])
		})
	})
}
