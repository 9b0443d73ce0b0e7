// PostgreSQL-only checks that read tables directly (the conformance suite
// never does): migrations under the advisory lock, and what a lease writes.
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { readdirSync } from 'node:fs'
import { pgMigrationsFolder } from '../../../src/store/postgres/open'
import { PostgresStore } from '../../../src/store/postgres/store'
import { createTempDatabase, type TempDatabase } from '../../support/postgres'
import { waitFor } from '../../support/wait'

let db: TempDatabase
let stores: PostgresStore[] = []
beforeAll(async () => { db = await createTempDatabase() })
afterAll(async () => {
	await Promise.all(stores.map((s) => s.close()))
	await db?.drop()
})

test('instances starting together on an empty database migrate it once, in turn', async () => {
	stores = await Promise.all(['A', 'B', 'C', 'D'].map((instanceId) => PostgresStore.open({ url: db.url, poolSize: 2, instanceId })))
	const files = readdirSync(pgMigrationsFolder()).filter((f) => f.endsWith('.sql'))
	const [{ n }] = await stores[0].sql`SELECT COUNT(*)::int AS n FROM drizzle.__drizzle_migrations`
	expect(n).toBe(files.length)
	const tables = await stores[0].sql`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1`
	expect([...tables].map((t) => t.table_name)).toEqual(['attempts', 'deliveries', 'endpoint_state', 'endpoint_tokens', 'endpoints', 'events', 'heartbeat', 'job_counts', 'op_marks', 'portal_keys', 'sessions', 'svix_apps', 'svix_event_types', 'svix_idempotency', 'svix_manual_tries', 'svix_messages', 'svix_tasks'])
})

test('a claim writes owner and lease end in the row; finishing clears the owner', async () => {
	const [a] = stores
	const out = await a.ingest('f', [{ event: { id: 'e', type: 't', sessionId: null, occurredAt: null, success: true, data: {} }, endpoints: ['x'] }], 1000)
	expect(out.ok).toBe(true)
	const [job] = await a.claim('f', 'x', 5, 1000, 42_000)
	expect([...await a.sql`SELECT status, owner, next_attempt_at::int AS lease FROM deliveries WHERE pk = ${job.pk}`])
		.toEqual([{ status: 'delivering', owner: 'A', lease: 42_000 }])
	await a.complete([{ pk: job.pk, now: 2000, nextAttemptAt: 2000, status: 'succeeded', attempt: {
		n: 1, startedAt: 1500, url: 'http://127.0.0.1:9/', requestHeaders: {}, requestBody: '', status: 204, responseHeaders: {},
		responseBody: '', responseTruncated: false, durationMs: 3, error: null,
	} }])
	expect([...await a.sql`SELECT status, owner FROM deliveries WHERE pk = ${job.pk}`]).toEqual([{ status: 'succeeded', owner: null }])
})

test('a claim locks its rows with SKIP LOCKED: rows another transaction holds are passed over, not waited for', async () => {
	const [a, b] = stores
	for (let i = 0; i < 4; i++) await a.ingest('g', [{ event: { id: `e${i}`, type: 't', sessionId: null, occurredAt: null, success: true, data: {} }, endpoints: ['x'] }], 1000 + i)
	const conn = await a.sql.reserve()
	try {
		await conn`BEGIN`
		// another instance's claim in progress: it holds the two oldest rows
		await conn`SELECT pk FROM deliveries WHERE flow = 'g' ORDER BY next_attempt_at LIMIT 2 FOR UPDATE`
		const taken = await b.claim('g', 'x', 10, 5000, 60_000)
		expect(taken).toHaveLength(2)
		await conn`ROLLBACK`
	} finally {
		conn.release()
	}
	expect(await b.claim('g', 'x', 10, 5000, 60_000)).toHaveLength(2)
})

test('a task run exclusively runs on one instance at a time; the lock is free again after', async () => {
	const [a, b] = stores
	let release!: () => void
	const held = new Promise<void>((r) => { release = r })
	let inside = false
	const first = a.exclusive('retention', async () => { inside = true; await held; return 'a' })
	await waitFor(() => inside, 2000, 'the first instance to lead')
	expect(await b.exclusive('retention', async () => 'b')).toBeNull()
	expect(await b.exclusive('other-task', async () => 'b')).toBe('b')
	release()
	expect(await first).toBe('a')
	expect(await b.exclusive('retention', async () => 'b')).toBe('b')
})

test('claims with shared limits: instances claiming at once never hold more than the cap or spend more than the tokens', async () => {
	const ev = (i: number) => ({ event: { id: `s${i}`, type: 't', sessionId: null, occurredAt: null, success: true, data: {} }, endpoints: ['x', 'y'] })
	await stores[0].ingest('s', Array.from({ length: 40 }, (_, i) => ev(i)), 1000)
	const claimAll = (endpoint: string, limits: { cap: number; rate: number | null }) =>
		Promise.all(stores.map((s) => s.claim('s', endpoint, 10, 5000, 60_000, undefined, limits)))
	// four instances each asking for 10 under a cap of 6: the advisory lock makes them count in turn
	const capped = await claimAll('x', { cap: 6, rate: null })
	expect(capped.flat()).toHaveLength(6)
	// a lease that ran out does not count against the cap: its try is dead
	expect((await claimAll('x', { cap: 6, rate: null })).flat()).toHaveLength(0)
	expect((await Promise.all(stores.map((s) => s.claim('s', 'x', 10, 70_000, 130_000, undefined, { cap: 6, rate: null })))).flat()).toHaveLength(6)
	// a bucket of 5 a second, full at first: five across all four, then about none until it refills
	const rated = await claimAll('y', { cap: 100, rate: 5 })
	expect(rated.flat()).toHaveLength(5)
	expect((await claimAll('y', { cap: 100, rate: 5 })).flat().length).toBeLessThanOrEqual(1)
	await Bun.sleep(450)
	expect((await claimAll('y', { cap: 100, rate: 5 })).flat().length).toBeGreaterThanOrEqual(1)
})

test('putting back jobs not in hand leaves a test job alone: the admin request sends it, no dispatcher', async () => {
	const [a] = stores
	const t = await a.insertTestJob({ flow: 'tj', endpoint: 'x', event: { id: 'tj', type: 't', sessionId: null, occurredAt: null, success: true, data: {} }, now: 1000, leaseUntil: 60_000 })
	await a.releaseUnheld([], 2000)
	expect([...await a.sql`SELECT status, owner FROM deliveries WHERE pk = ${t!.job.pk}`]).toEqual([{ status: 'delivering', owner: 'A' }])
})
