// Conformance: ingest (idempotency, batches, concurrent resends) and sessions.
import { beforeAll, describe, expect, test } from 'bun:test'
import type { IngestStore } from '../../../src/ingest/store'
import type { JobQueue } from '../../../src/dispatch/queue'
import type { AdminStore } from '../../../src/admin/store'
import type { Harness } from './harness'
import { event, newFlow } from './values'

/** what is tested, and the reads that show what ingest stored */
type Subject = IngestStore & Pick<JobQueue, 'onCommitted' | 'events'> & Pick<AdminStore, 'findEvents' | 'jobsOfEvents' | 'jobCounts'>

export function ingestTests(harness: () => Harness) {
	let store: Subject
	let peer: Subject
	beforeAll(() => { ({ store, peer } = harness()) })

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

		test('an event keeps the trace context it was accepted under, for retries hours later', async () => {
			const flow = newFlow()
			const tc = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'
			const out = await store.ingest(flow, [{ event: event('t1', { traceContext: tc }), endpoints: ['x'] }, { event: event('t2'), endpoints: ['x'] }], 1000)
			if (!out.ok) throw new Error('ingest refused')
			const pks = out.events.map((e) => e.stored!.pk)
			const read = await peer.events(pks)
			expect(read.get(pks[0])?.traceContext).toBe(tc)
			expect(read.get(pks[1])?.traceContext ?? null).toBeNull()
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
}
