// An endpoint's concurrency cap and rate limit hold for every instance on one
// PostgreSQL database together, not for each: three gateways in this process,
// one receiver counting what reaches it.
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { receiver, type Receiver } from './dispatch/loopback'
import { configYaml, INGEST_TOKEN, startTestGateway, type TestGateway } from './support/gateway'
import { createTempDatabase, onPostgres, startInstances, type TempDatabase } from './support/postgres'
import { waitFor } from './support/wait'

const CAP = 3
const RATE = 20
const EVENTS = 60

let db: TempDatabase
let rx: Receiver
let gws: TestGateway[] = []
let inFlight = 0
let maxInFlight = 0
const ratedAt: number[] = []

beforeAll(async () => {
	db = await createTempDatabase()
	rx = receiver(async (req) => {
		if (new URL(req.url).pathname === '/rated') { ratedAt.push(performance.now()); return new Response('ok') }
		inFlight++
		maxInFlight = Math.max(maxInFlight, inFlight)
		await Bun.sleep(60)
		inFlight--
		return new Response('ok')
	})
	const yaml = onPostgres(configYaml(`  - id: shop
    envelope: standard
    ingestTokens: [${INGEST_TOKEN}]
    endpoints:
      - { id: capped, url: "http://127.0.0.1:${rx.port}/capped", concurrency: ${CAP}, signing: { scheme: none } }
      - { id: rated, url: "http://127.0.0.1:${rx.port}/rated", rateLimit: ${RATE}, signing: { scheme: none } }
`), db.url)
	gws = await startInstances(yaml, ['one', 'two', 'three'])
}, 30_000)

afterAll(async () => {
	await Promise.all(gws.map((g) => g.stop()))
	rx?.stop()
	await db?.drop()
})

test('the endpoint cap and the rate limit hold for all instances together', async () => {
	// sent in one burst through all three, so each instance has work for both endpoints at once
	const answers = await Promise.all(Array.from({ length: EVENTS }, (_, i) =>
		gws[i % 3].post('/v1/flows/shop/events', { id: `e-${i}`, type: 'order.created', data: { i } })))
	expect(answers.map((r) => r.status)).toEqual(answers.map(() => 202))
	await waitFor(() => rx.on('/capped').length >= EVENTS && ratedAt.length >= EVENTS, 20_000, 'every delivery')

	// per instance the cap would let 3 × CAP through at once
	expect(maxInFlight).toBeLessThanOrEqual(CAP)

	// a full bucket lets RATE through at once, then RATE a second: the last request cannot come before
	// (EVENTS − RATE) / RATE seconds (2 s here; per instance, three buckets would empty the queue at once).
	// Tolerance: 10% for timer granularity between instances.
	const span = (ratedAt[ratedAt.length - 1] - ratedAt[0]) / 1000
	expect(span).toBeGreaterThanOrEqual(((EVENTS - RATE) / RATE) * 0.9)
	// and no one-second window holds more than a full bucket plus a second's refill
	for (const t of ratedAt) {
		const inWindow = ratedAt.filter((u) => u >= t && u < t + 1000).length
		expect(inWindow).toBeLessThanOrEqual(2 * RATE)
	}
}, 40_000)
