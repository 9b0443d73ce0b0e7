// Leases across instances on PostgreSQL: a dead instance's jobs come back
// within seconds through any live instance, and an instance starting up takes
// back only what it left itself.
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { receiver, type Receiver } from './dispatch/loopback'
import { configYaml, INGEST_TOKEN, startTestGateway, type TestGateway } from './support/gateway'
import { createTempDatabase, onPostgres, type TempDatabase } from './support/postgres'
import { waitFor } from './support/wait'
import { PostgresStore } from '../src/store/postgres/store'

let db: TempDatabase
let rx: Receiver
let other: PostgresStore
let gw: TestGateway | undefined

const event = (id: string) => ({ event: { id, type: 't', sessionId: null, occurredAt: null, success: true, data: {} }, endpoints: ['a'] })

beforeAll(async () => {
	db = await createTempDatabase()
	rx = receiver(() => new Response('ok'))
	// the other instances, as the database sees them: their claims, their owner names
	other = await PostgresStore.open({ url: db.url, poolSize: 2, instanceId: 'dead' })
}, 30_000)

afterAll(async () => {
	await gw?.stop()
	await other?.close()
	rx?.stop()
	await db?.drop()
})

test('a dead instance\'s lease is taken back within seconds; a live one\'s is left alone at start-up', async () => {
	const now = Date.now()
	await other.ingest('shop', [event('dead-1'), event('dead-2')], now)
	await other.ingest('shop', [event('alive-1')], now)
	// "dead" claimed two and died: their lease ends a moment from now; "alive" holds one for a minute
	const dead = await other.claim('shop', 'a', 2, now, now + 300, 'dead')
	const alive = await other.claim('shop', 'a', 1, now, now + 60_000, 'alive')
	expect(dead.length + alive.length).toBe(3)

	const yaml = onPostgres(configYaml(`  - id: shop
    envelope: standard
    ingestTokens: [${INGEST_TOKEN}]
    endpoints:
      - { id: a, url: "http://127.0.0.1:${rx.port}/a", signing: { scheme: none } }
`), db.url)
	const started = Date.now()
	gw = await startTestGateway(yaml, { env: { ...process.env, HOOKGATE_INSTANCE_ID: 'one' } })
	const ids = () => rx.on('/a').map((h) => h.headers['webhook-id']).sort()
	await waitFor(() => ids().length >= 2, 12_000, 'the dead instance\'s two jobs')
	// the reclaim runs every 5 s: well inside the minute it used to take
	expect(Date.now() - started).toBeLessThan(8_000)
	expect(ids()).toEqual(['dead-1', 'dead-2'])
	// the live instance's job is still its own, in flight
	expect((await other.getJob(alive[0].id))?.status).toBe('delivering')
	// only the owner of a lease can extend it
	expect(await other.extendLease([alive[0].pk], now + 60_000, 'alive')).toBe(1)
}, 30_000)
