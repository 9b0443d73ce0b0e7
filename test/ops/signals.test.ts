// Operational events end to end: an endpoint that fails until it is disabled,
// then heals after an enable, seen by a real receiver on the operations flow.
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { receiver, type Receiver } from '../dispatch/loopback'
import { startTestGateway, type TestGateway } from '../support/gateway'
import { waitFor } from '../support/wait'
import { admin, ofType, opsConfig, opsReceiver, received } from './signals-support'

const COALESCE_MS = 400
let ops: Receiver
let shop: Receiver
let healthy = false
let gw: TestGateway

beforeAll(async () => {
	ops = opsReceiver()
	shop = receiver(() => new Response('down', { status: healthy ? 200 : 503 }))
	gw = await startTestGateway(opsConfig(ops.port, `  - id: shop
    envelope: standard
    ingestTokens: [test-ingest-token]
    endpoints:
      - { id: a, url: "http://127.0.0.1:${shop.port}/a", signing: { scheme: none }, retrySchedule: [20ms] }
`, '', '  failingAfter: 3\n  disableAfter: 1s\n'), { opsCoalesceMs: COALESCE_MS })
})

afterAll(async () => {
	await gw?.stop()
	ops?.stop()
	shop?.stop()
})

const iso = (s: string) => Date.parse(s)

test('an outage says failing once, disabled once, exhausted coalesced; enable and the first success say enabled and recovered once', async () => {
	let n = 0
	const send = () => gw.post('/v1/flows/shop/events', { id: `o${n++}`, type: 'order.created', data: {} })
	// keep failing past disableAfter: the endpoint is disabled by a failure at least 1 s after the first
	while (ofType(received(ops), 'endpoint.disabled').length === 0) {
		expect((await send()).status).toBe(202)
		await Bun.sleep(100)
		if (n > 200) throw new Error('never disabled')
	}
	// jobs taken in before the disable finish failing; the coalesced exhausted events follow
	await Bun.sleep(COALESCE_MS * 3)
	healthy = true
	expect((await admin(gw, 'POST', '/flows/shop/endpoints/a/enable', {})).status).toBe(200)
	expect((await send()).status).toBe(202)
	expect((await send()).status).toBe(202)
	await waitFor(() => ofType(received(ops), 'endpoint.recovered').length > 0, 10_000, 'recovered')
	// the last coalesced delivery.exhausted goes out one interval after the job it counts
	const failedJobs = ((await (await admin(gw, 'GET', '/jobs?flow=shop&status=failed&limit=500')).json()) as { items: Array<{ id: string }> }).items
	const reported = () => ofType(received(ops), 'delivery.exhausted').reduce((sum, e) => sum + e.data.count, 0)
	await waitFor(() => reported() >= failedJobs.length, 10_000, 'every failed job reported')
	await Bun.sleep(300)

	const all = received(ops)
	expect(all.every((e) => e.id.startsWith('op_'))).toBe(true)
	expect(all.every((e) => e.data.flow === 'shop')).toBe(true)

	const [failing, ...moreFailing] = ofType(all, 'endpoint.failing')
	expect(moreFailing).toHaveLength(0)
	expect(failing.data).toEqual({
		flow: 'shop', endpoint: 'a', failingSince: expect.any(String), consecutiveFailures: 3,
		lastError: { class: 'http_status', message: expect.any(String), status: 503 }, pending: expect.any(Number), disableAt: expect.any(String),
	})
	expect(iso(failing.data.disableAt) - iso(failing.data.failingSince)).toBe(1000)

	const disabled = ofType(all, 'endpoint.disabled')
	expect(disabled).toHaveLength(1)
	expect(disabled[0].data).toEqual({ flow: 'shop', endpoint: 'a', reason: expect.stringContaining('failing continuously'), disabledAt: expect.any(String), pending: expect.any(Number) })
	expect(iso(disabled[0].data.disabledAt)).toBeGreaterThanOrEqual(iso(failing.data.disableAt))

	expect(ofType(all, 'endpoint.enabled').map((e) => e.data)).toEqual([{ flow: 'shop', endpoint: 'a', by: 'api' }])
	expect(ofType(all, 'endpoint.recovered').map((e) => e.data)).toEqual([{ flow: 'shop', endpoint: 'a', failingSince: failing.data.failingSince, recoveredAt: expect.any(String) }])

	// every job that ran out of tries is counted once, in events at least the coalescing interval apart
	const exhausted = ofType(all, 'delivery.exhausted')
	expect(exhausted.length).toBeGreaterThanOrEqual(1)
	const counted = exhausted.flatMap((e) => e.data.jobs as string[])
	expect(exhausted.reduce((sum, e) => sum + e.data.count, 0)).toBe(failedJobs.length)
	expect(new Set(counted).size).toBe(counted.length)
	// coalesced: fewer events than jobs
	expect(exhausted.length).toBeLessThan(counted.length)
	expect(counted.sort()).toEqual(failedJobs.map((j) => j.id).sort())
	for (const e of exhausted) {
		expect(e.data).toEqual({ flow: 'shop', endpoint: 'a', count: expect.any(Number), jobs: expect.any(Array), lastError: { class: 'http_status', message: expect.any(String), status: 503 }, since: expect.any(String) })
	}
	const times = exhausted.map((e) => iso(e.timestamp)).sort((a, b) => a - b)
	// (less the time one report takes to read its jobs, between its window's end and its timestamp)
	for (let i = 1; i < times.length; i++) expect(times[i] - times[i - 1]).toBeGreaterThanOrEqual(COALESCE_MS - 100)

	// the operational events are ordinary events of the flow: listed by the admin API
	const listed = ((await (await admin(gw, 'GET', '/events?flow=ops&limit=100')).json()) as { items: Array<{ id: string }> }).items
	expect(listed.map((e) => e.id).sort()).toEqual(all.map((e) => e.id).sort())
}, 30_000)
