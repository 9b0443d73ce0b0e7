import { afterAll, afterEach, expect, test } from 'bun:test'
import { configYaml, startTestGateway, type TestGateway } from '../support/gateway'
import { storedJobs } from '../support/stored'
import { waitFor } from '../support/wait'
import { receiver } from './loopback'

// The wall clock (deps.now) steps hours while retries wait: due times are
// stored as wall-clock instants, so without care a step back strands every
// retry for hours and a step forward fires hours of retries at once.
const HOUR = 3_600_000
let failFirst = new Set<string>()
const rx = receiver(async (req) => {
	const path = new URL(req.url).pathname
	// slow enough that the steps below come while jobs wait and tries run
	if (path === '/swing') await Bun.sleep(40)
	if (failFirst.has(path) && rx.on(path).length === 1) return new Response('no', { status: 503 })
	return new Response('ok')
})
afterAll(() => rx.stop())
const open: TestGateway[] = []
afterEach(async () => { for (const g of open.splice(0)) await g.stop(); failFirst = new Set() })

let offset = 0
const start = async (schedule: string, endpoints: string[], extra = '') => {
	offset = 0
	const g = await startTestGateway(configYaml(`  - id: shop
    name: Shop
    envelope: standard
    ingestTokens: [test-ingest-token]
    retrySchedule: [${schedule}]
    endpoints:
${endpoints.map((e) => `      - { id: ${e}, url: "http://127.0.0.1:${rx.port}/${e}", signing: { scheme: none }${extra} }\n`).join('')}`), { now: () => Date.now() + offset })
	open.push(g)
	return g
}
const pending = async (g: TestGateway) => (await storedJobs(g.run.store, { statuses: ['pending'] })).length

test('a step of the wall clock hours back strands no retry', async () => {
	failFirst = new Set(['/back-a', '/back-b'])
	const g = await start('1s', ['back-a', 'back-b'])
	await g.post('/v1/flows/shop/events', { id: 'evt-1', type: 'x' })
	await waitFor(async () => rx.on('/back-a').length === 1 && rx.on('/back-b').length === 1 && (await pending(g)) === 2, 5000, 'first tries failed')
	const failedAt = Date.now()
	offset = -5 * HOUR
	await waitFor(() => rx.on('/back-a').length === 2 && rx.on('/back-b').length === 2, 4000, 'the retries after the step back')
	// due one second after the failure: tried by then plus the one-second promise
	expect(Date.now() - failedAt).toBeLessThan(2500)
	expect(await pending(g)).toBe(0)
	// what arrives after the step is delivered at once too
	await g.post('/v1/flows/shop/events', { id: 'evt-2', type: 'x' })
	await waitFor(() => rx.on('/back-a').length === 3, 2000, 'an event ingested after the step')
})

test('a step of the wall clock hours forward fires no retry early', async () => {
	failFirst = new Set(['/fwd-a', '/fwd-b', '/fwd-c'])
	const g = await start('2s', ['fwd-a', 'fwd-b', 'fwd-c'])
	await g.post('/v1/flows/shop/events', { id: 'evt-1', type: 'x' })
	await waitFor(async () => (await pending(g)) === 3 && ['a', 'b', 'c'].every((e) => rx.on(`/fwd-${e}`).length === 1), 5000, 'first tries failed')
	const failedAt = Date.now()
	offset = 7 * HOUR
	// the retries are due two seconds after the failure, in real time, not at once
	await Bun.sleep(1200)
	expect(['a', 'b', 'c'].map((e) => rx.on(`/fwd-${e}`).length)).toEqual([1, 1, 1])
	await waitFor(() => ['a', 'b', 'c'].every((e) => rx.on(`/fwd-${e}`).length === 2), 4000, 'the retries after the step forward')
	expect(Date.now() - failedAt).toBeGreaterThanOrEqual(1900)
	expect(Date.now() - failedAt).toBeLessThan(3500)
	// and an event ingested after the step is not held back by it
	await g.post('/v1/flows/shop/events', { id: 'evt-2', type: 'x' })
	await waitFor(() => rx.on('/fwd-a').length === 3, 2000, 'an event ingested after the step')
})

test('steps back and forth while tries are in flight neither strand nor repeat them', async () => {
	const g = await start('300ms, 300ms', ['swing'], ', concurrency: 1')
	for (let i = 0; i < 20; i++) await g.post('/v1/flows/shop/events', { id: `evt-${i}`, type: 'x' })
	for (const step of [-3 * HOUR, 5 * HOUR, -9 * HOUR, 2 * HOUR, -4 * HOUR]) {
		offset += step
		await Bun.sleep(150)
	}
	await waitFor(async () => (await storedJobs(g.run.store, { statuses: ['succeeded'] })).length === 20, 4000, 'all delivered')
	// one try each: no lease read as expired by a step forward
	expect(rx.on('/swing').length).toBe(20)
})

test('a job written while the clock ran ahead is not stranded when it steps back unseen', async () => {
	// forward and back again between two looks of the dispatcher: it sees no step at all, while the
	// job ingested in between is due five hours ahead (the dispatcher held still to make the gap certain)
	const g = await start('1s', ['ahead'])
	await g.run.dispatcher.stop(1000)
	offset = 5 * HOUR
	await g.post('/v1/flows/shop/events', { id: 'evt-1', type: 'x' })
	offset = 0
	await g.run.dispatcher.start()
	await waitFor(() => rx.on('/ahead').length === 1, 2000, 'the job written under the clock that ran ahead')
	const [job] = await storedJobs(g.run.store)
	expect(job.updatedAt).toBeLessThan(Date.now() + 2000)
})
