// Group commit on PostgreSQL: ingest requests that arrive together share one
// transaction, each answered only after its COMMIT; one request's failure is
// its own, a failed COMMIT or a killed connection is everyone's in the group.
// Triggers on the test database hold a COMMIT open, make it fail, or hold an
// INSERT, so the tests can act at that moment.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { SQL } from 'bun'
import { waves } from '../../../src/store/postgres/group-commit'
import { PostgresStore } from '../../../src/store/postgres/store'
import type { IngestOutcome } from '../../../src/store/types'
import { createTempDatabase, type TempDatabase } from '../../support/postgres'
import { waitFor } from '../../support/wait'
import { event, newFlow } from '../conformance/values'

let db: TempDatabase
let store: PostgresStore
let peer: PostgresStore
let observer: SQL

beforeAll(async () => {
	db = await createTempDatabase()
	// poolSize 4: one group in flight at a time, so what is sent together is one group
	store = await PostgresStore.open({ url: db.url, poolSize: 4, instanceId: 'A' })
	peer = await PostgresStore.open({ url: db.url, poolSize: 4, instanceId: 'B' })
	observer = new SQL({ url: db.url, max: 2 })
	await observer.unsafe(`
		CREATE FUNCTION test_hold() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(1); RETURN NULL; END $$;
		CREATE FUNCTION test_slow() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(0.005); RETURN NULL; END $$;
		CREATE FUNCTION test_refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused at commit'; END $$;
		CREATE CONSTRAINT TRIGGER hold_commit AFTER INSERT ON events DEFERRABLE INITIALLY DEFERRED
			FOR EACH ROW WHEN (NEW.type = 'hold.commit') EXECUTE FUNCTION test_hold();
		CREATE CONSTRAINT TRIGGER refuse_commit AFTER INSERT ON events DEFERRABLE INITIALLY DEFERRED
			FOR EACH ROW WHEN (NEW.type = 'refuse.commit') EXECUTE FUNCTION test_refuse();
		CREATE TRIGGER slow_insert AFTER INSERT ON events FOR EACH ROW WHEN (NEW.type = 'slow.insert') EXECUTE FUNCTION test_slow();
		CREATE TRIGGER hold_insert AFTER INSERT ON events FOR EACH ROW WHEN (NEW.type = 'hold.insert') EXECUTE FUNCTION test_hold();
	`)
})
afterAll(async () => {
	await observer?.close()
	await store?.close()
	await peer?.close()
	await db?.drop()
})

const stored = async (flow: string) => (await observer`SELECT id FROM events WHERE flow = ${flow} ORDER BY id`).map((r: { id: string }) => r.id)
const one = (s: PostgresStore, flow: string, id: string, type = 'order.created', endpoints = ['x']) =>
	s.ingest(flow, [{ event: event(id, { type }), endpoints }], 1000)
/** The backend of this database now running `query` (the group's connection), once it is there. */
const backendRunning = (query: string) => waitFor(async () => {
	const [r] = await observer`SELECT pid FROM pg_stat_activity WHERE datname = ${db.name} AND state = 'active' AND query LIKE ${query} AND pid <> pg_backend_pid()`
	return r?.pid as number | undefined
}, 5000, `a backend running ${query}`)
const settle = (all: Array<Promise<IngestOutcome>>) => Promise.allSettled(all)

describe('postgres group commit', () => {
	test('requests sent together are written in one transaction, and none is answered before its COMMIT returns', async () => {
		const flow = newFlow()
		const answered: string[] = []
		const ids = Array.from({ length: 40 }, (_, i) => `e${String(i).padStart(2, '0')}`)
		// the first one's deferred trigger holds the group's COMMIT open for a moment
		const all = ids.map((id, i) => one(store, flow, id, i === 0 ? 'hold.commit' : 'order.created').then((o) => { answered.push(id); return o }))
		await backendRunning('COMMIT')
		expect(answered).toEqual([])
		expect(await stored(flow)).toEqual([])
		const outs = await Promise.all(all)
		expect(outs.every((o) => o.ok && !o.events[0].duplicate)).toBe(true)
		expect(await stored(flow)).toEqual(ids)
		// every row has the same inserting transaction
		const [r] = await observer`SELECT count(DISTINCT xmin::text)::int AS n FROM events WHERE flow = ${flow}`
		expect(r.n).toBe(1)
		expect(await store.jobCounts(flow)).toEqual([{ flow, endpoint: 'x', status: 'pending', count: 40 }])
	})

	test('a conflict, a row the database refuses and an unknown session fail alone; the requests grouped with them are stored', async () => {
		const flow = newFlow()
		expect((await one(store, flow, 'taken')).ok).toBe(true)
		const all = [
			one(store, flow, 'g0'),
			store.ingest(flow, [{ event: event('taken', { data: { n: 'other' } }), endpoints: ['x'] }], 1000),
			one(store, flow, 'g1'),
			// a NUL character cannot be stored in PostgreSQL text
			one(store, flow, 'nul', 'order.\u0000'),
			one(store, flow, 'g2'),
			store.ingest(flow, [{ event: event('s1', { sessionId: 'nope' }), endpoints: ['x'] }], 1000),
			one(store, flow, 'taken'),
			one(store, flow, 'g3'),
		]
		const outs = await settle(all)
		const value = (i: number) => (outs[i] as PromiseFulfilledResult<IngestOutcome>).value
		for (const i of [0, 2, 4, 7]) expect(value(i)).toMatchObject({ ok: true, events: [{ duplicate: false }] })
		expect(value(1)).toEqual({ ok: false, index: 0, code: 'id_conflict' })
		expect(outs[3].status).toBe('rejected')
		expect(value(5)).toEqual({ ok: false, index: 0, code: 'unknown_session' })
		expect(value(6)).toMatchObject({ ok: true, events: [{ duplicate: true }] })
		expect(await stored(flow)).toEqual(['g0', 'g1', 'g2', 'g3', 'taken'])
		expect(await store.jobCounts(flow)).toEqual([{ flow, endpoint: 'x', status: 'pending', count: 5 }])
	})

	test('a COMMIT that fails fails every request of its group, and stores none of them', async () => {
		const flow = newFlow()
		const all = Array.from({ length: 10 }, (_, i) => one(store, flow, `c${i}`, i === 5 ? 'refuse.commit' : 'order.created'))
		const outs = await settle(all)
		expect(outs.map((o) => o.status)).toEqual(Array(10).fill('rejected'))
		expect(String((outs[0] as PromiseRejectedResult).reason)).toContain('refused at commit')
		expect(await stored(flow)).toEqual([])
		expect(await store.jobCounts(flow)).toEqual([])
		// the store goes on: the same ids are taken now
		expect((await one(store, flow, 'c0')).ok).toBe(true)
	})

	for (const [moment, type, query] of [['during its COMMIT', 'hold.commit', 'COMMIT'], ['during a statement', 'hold.insert', 'INSERT INTO events%']]) {
		test(`the group's connection killed ${moment} fails every request of the group and stores none`, async () => {
			const flow = newFlow()
			// answers are awaited from the start: they may come before the kill's own answer
			const answers = settle(Array.from({ length: 10 }, (_, i) => one(store, flow, `k${i}`, i === 3 ? type : 'order.created')))
			const pid = await backendRunning(query)
			await observer`SELECT pg_terminate_backend(${pid})`
			const outs = await answers
			expect(outs.map((o) => o.status)).toEqual(Array(10).fill('rejected'))
			expect(await stored(flow)).toEqual([])
			expect((await one(store, flow, 'k0')).ok).toBe(true)
		})
	}

	test('the same id many times in one group is one event; every answer names its jobs', async () => {
		const flow = newFlow()
		const outs = await Promise.all(Array.from({ length: 12 }, () => one(store, flow, 'same')))
		const fresh = outs.filter((o) => o.ok && !o.events[0].duplicate)
		expect(fresh).toHaveLength(1)
		const jobIds = new Set(outs.map((o) => (o.ok ? o.events[0].deliveries.map((d) => d.id).join() : 'refused')))
		expect(jobIds.size).toBe(1)
		expect(await stored(flow)).toEqual(['same'])
	})

	test('the same ids sent to two instances at the same moment, in groups of many, are one event each', async () => {
		const flow = newFlow()
		const ids = Array.from({ length: 30 }, (_, i) => `x${String(i).padStart(2, '0')}`)
		// each instance gets every id twice, the two in opposite orders, and each insert is slowed, so their groups overlap on every key
		const sends = [
			...[...ids, ...ids.toReversed()].map((id) => ({ s: store, id })),
			...[...ids.toReversed(), ...ids].map((id) => ({ s: peer, id })),
		]
		const outs = await Promise.all(sends.map(({ s, id }) => one(s, flow, id, 'slow.insert').then((o) => ({ id, o }))))
		for (const id of ids) {
			const mine = outs.filter((x) => x.id === id).map((x) => x.o)
			expect(mine.every((o) => o.ok)).toBe(true)
			expect(mine.filter((o) => o.ok && !o.events[0].duplicate)).toHaveLength(1)
			expect(new Set(mine.map((o) => (o.ok ? o.events[0].deliveries[0].id : '')))).toHaveProperty('size', 1)
		}
		expect(await stored(flow)).toEqual(ids)
		expect(await store.jobCounts(flow)).toEqual([{ flow, endpoint: 'x', status: 'pending', count: 30 }])
	})

	test('committed events reach onCommitted listeners after COMMIT, the duplicates of a group not', async () => {
		const flow = newFlow()
		const seen: string[] = []
		store.onCommitted((evs) => { for (const e of evs) if (e.stored?.flow === flow) seen.push(e.id) })
		await Promise.all([one(store, flow, 'a'), one(store, flow, 'a'), one(store, flow, 'b')])
		expect(seen.sort()).toEqual(['a', 'b'])
	})
})

test('operations that share a key run in waves, in arrival order; the others together, ordered by key', () => {
	const ops = [['f\nc'], ['f\na'], ['f\nc'], ['f\nd', 'f\na'], ['f\nc'], ['f\nb']].map((keys) => ({ keys }))
	expect(waves(ops)).toEqual([[1, 5, 0], [3, 2], [4]])
})
