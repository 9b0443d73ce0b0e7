// The daily report.undelivered with an injected clock: the right counts, once
// per tick, and nothing on a quiet day.
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { closedPort, receiver, type Receiver } from '../dispatch/loopback'
import { startTestGateway, type TestGateway } from '../support/gateway'
import { waitFor } from '../support/wait'
import { admin, eventually, ofType, opsConfig, opsReceiver, received } from './signals-support'

const HOUR = 3_600_000
let offset = 0
let ops: Receiver
let ok: Receiver
let gw: TestGateway

beforeAll(async () => {
	ops = opsReceiver()
	ok = receiver(() => new Response('ok'))
	gw = await startTestGateway(opsConfig(ops.port, `  - id: shop
    envelope: standard
    ingestTokens: [test-ingest-token]
    endpoints:
      - { id: bad, url: "http://127.0.0.1:${closedPort()}/x", signing: { scheme: none }, retrySchedule: [] }
      - { id: held, url: "http://127.0.0.1:${ok.port}/held", signing: { scheme: none } }
      - { id: good, url: "http://127.0.0.1:${ok.port}/good", signing: { scheme: none } }
`, '  reportSchedule: "0 8 * * *"\n'), { now: () => Date.now() + offset })
})

afterAll(async () => {
	await gw?.stop()
	ops?.stop()
	ok?.stop()
})

test('a quiet day sends no report', async () => {
	expect(await gw.run.signals.runReport()).toBe(false)
	await Bun.sleep(200)
	expect(ofType(received(ops, '/ops', { movedClock: true }), 'report.undelivered')).toEqual([])
})

test('the report counts per endpoint the jobs failed in the last 24 h and those pending for over an hour, with their error classes, once per tick', async () => {
	expect((await admin(gw, 'POST', '/flows/shop/endpoints/held/disable', {})).status).toBe(200)
	for (let i = 0; i < 3; i++) expect((await gw.post('/v1/flows/shop/events', { id: `r${i}`, type: 'order.created', data: {} })).status).toBe(202)
	const failed = async () => (await gw.run.store.jobCounts('shop')).find((c) => c.endpoint === 'bad' && c.status === 'failed')?.count ?? 0
	await waitFor(async () => (await failed()) === 3, 10_000, 'three failed jobs')
	await waitFor(() => ok.on('/good').length === 3, 10_000, 'three deliveries to good')

	// an hour and a bit later the held jobs count as pending for over an hour
	offset += HOUR + 60_000
	expect(await gw.run.signals.runReport()).toBe(true)
	// the same tick again (another instance, a second run): not sent twice
	expect(await gw.run.signals.runReport()).toBe(false)
	const reports = await eventually(() => { const r = ofType(received(ops, '/ops', { movedClock: true }), 'report.undelivered'); return r.length > 0 && r }, 5000, 'the report')
	await Bun.sleep(200)
	expect(ofType(received(ops, '/ops', { movedClock: true }), 'report.undelivered')).toHaveLength(1)
	const { data } = reports[0]
	expect(Date.parse(data.until) - Date.parse(data.since)).toBe(24 * HOUR)
	expect(Math.abs(Date.parse(data.until) - (Date.now() + offset))).toBeLessThan(5000)
	const byEndpoint = Object.fromEntries((data.endpoints as Array<Record<string, any>>).map((e) => [e.endpoint, e]))
	expect(Object.keys(byEndpoint).sort()).toEqual(['bad', 'held'])
	expect(byEndpoint.bad).toMatchObject({ flow: 'shop', failed: 3, pendingOverAnHour: 0 })
	expect(Object.values(byEndpoint.bad.errors as Record<string, number>)).toEqual([3])
	expect(byEndpoint.held).toEqual({ flow: 'shop', endpoint: 'held', failed: 0, pendingOverAnHour: 3, errors: {} })

	// two days on, the failures are out of the window; the held jobs still wait and are reported
	offset += 48 * HOUR
	expect(await gw.run.signals.runReport()).toBe(true)
	const later = await eventually(() => { const r = ofType(received(ops, '/ops', { movedClock: true }), 'report.undelivered'); return r.length > 1 && r[r.length - 1] }, 5000, 'the second report')
	expect((later.data.endpoints as Array<Record<string, unknown>>).map((e) => [e.endpoint, e.failed, e.pendingOverAnHour])).toEqual([['held', 0, 3]])
}, 30_000)
