import { afterAll, afterEach, expect, test } from 'bun:test'
import { configYaml, startTestGateway, type TestGateway } from '../support/gateway'
import { storedJobs } from '../support/stored'
import { waitFor } from '../support/wait'
import { receiver } from './loopback'

const rx = receiver((req) => {
	const path = new URL(req.url).pathname
	if (path === '/gone') return new Response('gone', { status: 410 })
	if (path === '/moved' && rx.on('/moved').length === 1) return new Response(null, { status: 302, headers: { location: '/elsewhere' } })
	return new Response('ok')
})
afterAll(() => rx.stop())
const open: TestGateway[] = []
afterEach(async () => { for (const g of open.splice(0)) await g.stop() })

const jobs = async (g: TestGateway) => (await storedJobs(g.run.store))
	.map((j) => ({ endpoint: j.endpoint, status: j.status, attempt_count: j.attemptCount, next_attempt_at: j.nextAttemptAt }))

// The outside run of issue 13: one endpoint's try failed (302) and its
// completion was still being written when a sibling's 410 disabled that sibling,
// whose health change made the dispatcher forget what it knew. A pass then read
// the failed job as in flight, wrote "nothing pending" for its endpoint, and the
// completion that made it pending again never told the loop: no second try.
test('a retry whose completion is still being written when a sibling is disabled is tried again', async () => {
	const g = await startTestGateway(configYaml(`  - id: shop
    name: Shop
    envelope: standard
    ingestTokens: [test-ingest-token]
    retrySchedule: [100ms, 100ms]
    endpoints:
      - { id: moved, url: "http://127.0.0.1:${rx.port}/moved", signing: { scheme: none } }
      - { id: gone, url: "http://127.0.0.1:${rx.port}/gone", signing: { scheme: none } }
`))
	open.push(g)
	// hold every completion until the sibling's disable has been seen by a pass
	const store = g.run.store
	const complete = store.complete.bind(store)
	let release!: () => void
	const gate = new Promise<void>((r) => { release = r })
	store.complete = async (items) => { await gate; return complete(items) }

	await g.post('/v1/flows/shop/events', { id: 'evt-1', type: 'x' })
	await waitFor(() => !g.run.catalog.state('shop', 'gone').enabled, 5000, 'the sibling disabled by its 410')
	await waitFor(() => rx.on('/moved').length === 1, 5000, 'the first try')
	// several passes run while the failed try still reads as in flight
	await Bun.sleep(300)
	release()
	await waitFor(async () => (await jobs(g)).find((j) => j.endpoint === 'moved')?.status === 'succeeded', 3000, 'the retry of the 302')
	expect(rx.on('/moved').length).toBe(2)
})
