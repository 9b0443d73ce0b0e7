// One suite every store must pass unchanged, written against the Store
// interface only: no table is read here (tests that read tables live in
// test/store/sqlite/ and test/store/postgres/). Each test works in a flow of
// its own, so the tests of one run share a database without seeing each other.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import type { Store } from '../../../src/store/store'
import type { AttemptRecord, ClaimedJob, NewEvent } from '../../../src/store/types'
import { makeEndpoint } from '../../support/fixtures'
import type { Harness, NewHarness } from './harness'

let flows = 0
const newFlow = () => `flow${++flows}_${Math.random().toString(36).slice(2, 6)}`

const event = (id: string, over: Partial<NewEvent> = {}): NewEvent => ({
	id, type: 'order.created', sessionId: null, occurredAt: null, success: true, data: { n: id }, ...over,
})

const attempt = (n: number, startedAt: number, over: Partial<AttemptRecord> = {}): AttemptRecord => ({
	n, startedAt, url: 'http://127.0.0.1:9/hook', requestHeaders: { 'content-type': 'application/json' }, requestBody: '{}',
	status: 200, responseHeaders: {}, responseBody: 'ok', responseTruncated: false, durationMs: 12, error: null, ...over,
})

async function ingestMany(store: Store, flow: string, n: number, endpoints: string[], now: number, prefix = 'e') {
	for (let i = 0; i < n; i++) {
		const out = await store.ingest(flow, [{ event: event(`${prefix}${i}`), endpoints }], now + i)
		if (!out.ok) throw new Error(`ingest refused: ${out.code}`)
	}
}

const done = (job: ClaimedJob, now: number, owner?: string) => ({
	pk: job.pk, attempt: attempt(job.attemptCount + 1, now), status: 'succeeded' as const, nextAttemptAt: now, now, owner,
})

export function runConformance(driver: string, newHarness: NewHarness) {
	describe(`${driver} store conformance`, () => {
		let h: Harness
		let store: Store
		let peer: Store
		beforeAll(async () => {
			h = await newHarness()
			store = h.store
			peer = h.peer
		})
		afterAll(async () => { await h?.close() })

		describe('ingest', () => {
			test('a new event is stored with one pending job per matched endpoint, and read back by id', async () => {
				const flow = newFlow()
				const out = await store.ingest(flow, [{ event: event('a', { occurredAt: 500 }), endpoints: ['x', 'y'] }], 1000)
				if (!out.ok) throw new Error('refused')
				const [e] = out.events
				expect(e.duplicate).toBe(false)
				expect(e.deliveries.map((d) => [d.endpoint, d.status])).toEqual([['x', 'pending'], ['y', 'pending']])
				expect(e.stored).toMatchObject({ flow, id: 'a', type: 'order.created', occurredAt: 500, acceptedAt: 1000, data: { n: 'a' } })
				const [found] = await store.findEvents('a', flow)
				expect(found).toMatchObject({ pk: e.stored!.pk, occurredAt: 500, success: true, metadata: {} })
				const jobs = await store.jobsOfEvents([found.pk])
				expect(jobs.map((j) => j.id)).toEqual(e.deliveries.map((d) => d.id))
			})

			test('the same id with the same body is a duplicate with the first jobs; another body is a conflict', async () => {
				const flow = newFlow()
				const first = await store.ingest(flow, [{ event: event('a'), endpoints: ['x'] }], 1000)
				const again = await store.ingest(flow, [{ event: event('a', { data: { n: 'a' } }), endpoints: ['x', 'y'] }], 2000)
				if (!first.ok || !again.ok) throw new Error('refused')
				expect(again.events[0].duplicate).toBe(true)
				expect(again.events[0].stored).toBeUndefined()
				expect(again.events[0].deliveries).toEqual(first.events[0].deliveries)
				expect(await store.ingest(flow, [{ event: event('a', { data: { n: 'other' } }), endpoints: ['x'] }], 3000))
					.toEqual({ ok: false, index: 0, code: 'id_conflict' })
				expect(await store.ingest(flow, [{ event: event('a', { occurredAt: 1000 }), endpoints: ['x'] }], 3000))
					.toEqual({ ok: false, index: 0, code: 'id_conflict' })
			})

			test('a batch is all or nothing: an unknown session in the second event stores neither', async () => {
				const flow = newFlow()
				const out = await store.ingest(flow, [
					{ event: event('ok'), endpoints: ['x'] },
					{ event: event('bad', { sessionId: 'nope' }), endpoints: ['x'] },
				], 1000)
				expect(out).toEqual({ ok: false, index: 1, code: 'unknown_session' })
				expect(await store.findEvents('ok', flow)).toEqual([])
				expect(await store.jobCounts(flow)).toEqual([])
			})

			test('one id twice in a batch: the second is a duplicate of the first, or a conflict at its index', async () => {
				const flow = newFlow()
				const same = await store.ingest(flow, [
					{ event: event('a'), endpoints: ['x'] }, { event: event('b'), endpoints: [] }, { event: event('a'), endpoints: ['x', 'y'] },
				], 1000)
				if (!same.ok) throw new Error('refused')
				expect(same.events.map((e) => e.duplicate)).toEqual([false, false, true])
				expect(same.events[2].deliveries).toEqual(same.events[0].deliveries)
				const other = await store.ingest(flow, [
					{ event: event('c'), endpoints: ['x'] }, { event: event('c', { data: { n: 'other' } }), endpoints: ['x'] },
					{ event: event('d', { sessionId: 'nope' }), endpoints: [] },
				], 2000)
				expect(other).toEqual({ ok: false, index: 1, code: 'id_conflict' })
				expect(await store.findEvents('c', flow)).toEqual([])
				expect(await store.jobCounts(flow)).toEqual([{ flow, endpoint: 'x', status: 'pending', count: 1 }])
			})

			test('the same id sent at the same moment through two connections makes one event', async () => {
				const flow = newFlow()
				for (let round = 0; round < 20; round++) {
					const id = `same${round}`
					const outs = await Promise.all([store, peer, store, peer].map((s) => s.ingest(flow, [{ event: event(id), endpoints: ['x'] }], 1000)))
					const fresh = outs.filter((o) => o.ok && !o.events[0].duplicate)
					expect(fresh).toHaveLength(1)
					const ids = new Set(outs.map((o) => (o.ok ? o.events[0].deliveries[0].id : 'refused')))
					expect([...ids]).toHaveLength(1)
					expect(await store.findEvents(id, flow)).toHaveLength(1)
				}
				expect(await store.jobCounts(flow)).toEqual([{ flow, endpoint: 'x', status: 'pending', count: 20 }])
			})

			test('committed fresh events reach onCommitted listeners; duplicates do not', async () => {
				const flow = newFlow()
				const seen: string[] = []
				store.onCommitted((evs) => { for (const e of evs) if (e.stored?.flow === flow) seen.push(e.id) })
				await store.ingest(flow, [{ event: event('a'), endpoints: ['x'] }], 1000)
				await store.ingest(flow, [{ event: event('a'), endpoints: ['x'] }], 1000)
				expect(seen).toEqual(['a'])
			})
		})

		describe('sessions', () => {
			test('create, create again, conflict, update, and events carry the metadata', async () => {
				const flow = newFlow()
				const c = await store.createSession(flow, 's1', { tier: 'gold' }, 1000)
				expect(c).toEqual({ kind: 'created', session: { flow, id: 's1', metadata: { tier: 'gold' }, createdAt: 1000, updatedAt: 1000 } })
				expect((await peer.createSession(flow, 's1', { tier: 'gold' }, 2000)).kind).toBe('existing')
				expect((await store.createSession(flow, 's1', { tier: 'iron' }, 2000)).kind).toBe('conflict')
				await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? peer : store)
					.updateSession(flow, 's1', (m) => ({ ...m, n: ((m.n as number) ?? 0) + 1 }), 3000)))
				expect(await store.getSession(flow, 's1')).toMatchObject({ metadata: { tier: 'gold', n: 10 }, updatedAt: 3000 })
				expect(await store.updateSession(flow, 'nope', (m) => m, 3000)).toBeNull()
				const out = await store.ingest(flow, [{ event: event('e', { sessionId: 's1' }), endpoints: [] }], 4000)
				expect(out.ok && out.events[0].stored?.metadata).toEqual({ tier: 'gold', n: 10 })
			})
		})

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

			test('two owners claiming at once never take the same job', async () => {
				const flow = newFlow()
				await ingestMany(store, flow, 300, ['x'], 1000)
				const taken: Record<string, number[]> = { A: [], B: [] }
				const worker = async (s: Store, owner: 'A' | 'B') => {
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

		describe('endpoints', () => {
			test('API endpoints and endpoint state are saved, read back and deleted; deleting cancels pending jobs', async () => {
				const flow = newFlow()
				const e = makeEndpoint({ id: 'api1', url: 'http://127.0.0.1:9/x', managedBy: 'api', createdAt: 500 })
				await store.saveApiEndpoint(flow, e, 1000)
				expect((await peer.apiEndpoints()).filter((r) => r.flow === flow)).toEqual([{ flow, endpoint: e }])
				const state = { flow, endpoint: 'api1', enabled: false, disabledReason: 'failing', disabledAt: 900, consecutiveFailures: 3, failingSince: 800, updatedAt: 1000 }
				await store.saveEndpointState(state)
				await store.saveEndpointState({ ...state, consecutiveFailures: 4 })
				expect((await peer.endpointStates()).filter((s) => s.flow === flow)).toEqual([{ ...state, consecutiveFailures: 4 }])
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
	})
}
