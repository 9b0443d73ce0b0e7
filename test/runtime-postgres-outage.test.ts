// PostgreSQL connections killed under load (pg_terminate_backend): ingest
// answers 503 with Retry-After while the pool reconnects, and every accepted
// event is still delivered, with nothing left in flight.
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { SQL } from 'bun'
import { receiver, type Receiver } from './dispatch/loopback'
import { ADMIN_TOKEN, configYaml, INGEST_TOKEN, startTestGateway, type TestGateway } from './support/gateway'
import { createTempDatabase, onPostgres, PG_SERVER, type TempDatabase } from './support/postgres'
import { waitFor } from './support/wait'

let db: TempDatabase
let rx: Receiver
let gw: TestGateway
let killer: SQL

beforeAll(async () => {
	db = await createTempDatabase()
	rx = receiver(() => new Response('ok'))
	gw = await startTestGateway(onPostgres(configYaml(`  - id: shop
    envelope: standard
    ingestTokens: [${INGEST_TOKEN}]
    endpoints:
      - { id: a, url: "http://127.0.0.1:${rx.port}/a", signing: { scheme: none } }
`), db.url), { env: { ...process.env, HOOKGATE_INSTANCE_ID: 'outage' } })
	// from the server's own database, so it is not among the connections it kills
	killer = new SQL({ url: PG_SERVER, max: 1 })
}, 30_000)

afterAll(async () => {
	await gw?.stop()
	rx?.stop()
	await killer?.close()
	await db?.drop()
})

test('every hookgate connection killed twice during ingest: 503s or 202s only, then every accepted event delivered', async () => {
	const accepted: string[] = []
	const statuses = new Set<number>()
	let retryAfterSeen = true
	let sending = true
	const sender = (async () => {
		for (let i = 0; sending; i++) {
			const id = `ev-${i}`
			const r = await gw.post('/v1/flows/shop/events', { id, type: 'order.created', data: { i } })
			statuses.add(r.status)
			if (r.status === 202 || r.status === 200) accepted.push(id)
			else if (r.status === 503 && !r.headers.get('retry-after')) retryAfterSeen = false
			await r.arrayBuffer()
		}
	})()
	for (let round = 0; round < 2; round++) {
		await waitFor(() => accepted.length >= (round + 1) * 30, 10_000, 'events accepted before the cut')
		const killed = await killer`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = ${db.name} AND pid <> pg_backend_pid()`
		expect(killed.length).toBeGreaterThan(0)
	}
	await waitFor(() => accepted.length >= 90, 10_000, 'ingest after the cuts')
	sending = false
	await sender
	expect([...statuses].filter((s) => s !== 202 && s !== 503)).toEqual([])
	expect(retryAfterSeen).toBe(true)
	const delivered = () => new Set(rx.on('/a').map((h) => h.headers['webhook-id']))
	await waitFor(() => accepted.every((id) => delivered().has(id)), 20_000, 'every accepted event delivered')
	// the last tries' outcomes are written in batches: none may stay in flight for good
	const inFlight = async () => {
		const r = await fetch(`${gw.url}/admin/v1/jobs?flow=shop&status=delivering&limit=10`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })
		return ((await r.json()) as { items: unknown[] }).items.length
	}
	await waitFor(async () => (await inFlight()) === 0, 10_000, 'no job left delivering')
}, 60_000)

test('a database that refuses connections: ingest 503 with Retry-After, /readyz says why, and both recover by themselves', async () => {
	await killer.unsafe(`ALTER DATABASE ${db.name} ALLOW_CONNECTIONS false`)
	try {
		await killer`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = ${db.name} AND pid <> pg_backend_pid()`
		const refused = await waitFor(async () => {
			const r = await gw.post('/v1/flows/shop/events', { id: 'while-down', type: 'order.created', data: {} })
			return r.status === 503 ? r : null
		}, 10_000, 'ingest to refuse')
		expect(refused!.headers.get('retry-after')).toMatch(/^\d+$/)
		const ready = await fetch(`${gw.url}/readyz`)
		expect(ready.status).toBe(503)
		expect(((await ready.json()) as { reason: string }).reason).toContain('store write failed')
	} finally {
		await killer.unsafe(`ALTER DATABASE ${db.name} ALLOW_CONNECTIONS true`)
	}
	// as a load balancer would: a passing readiness probe also lifts the store refusal ingest keeps after a failed one
	const back = await waitFor(async () => {
		await fetch(`${gw.url}/readyz`)
		const r = await gw.post('/v1/flows/shop/events', { id: 'after-down', type: 'order.created', data: {} })
		return r.status === 202 ? r : null
	}, 15_000, 'ingest to accept again')
	expect(back!.status).toBe(202)
	await waitFor(() => rx.on('/a').some((h) => h.headers['webhook-id'] === 'after-down'), 10_000, 'the delivery after the outage')
	expect((await fetch(`${gw.url}/readyz`)).status).toBe(200)
}, 60_000)
