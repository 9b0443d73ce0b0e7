import { afterAll, expect, test } from 'bun:test'
import { receiver } from '../dispatch/loopback'
import { configYaml, startTestGateway, INGEST_TOKEN } from '../support/gateway'
import { storedAttempts, storedEvents, storedJobs } from '../support/stored'
import { histogramCount, sample, scrape, waitFor } from './support'

const ok = receiver(() => new Response('ok'))
const broken = receiver(() => new Response('down', { status: 500 }))
afterAll(() => { ok.stop(); broken.stop() })

const flows = `  - id: shop
    envelope: standard
    events: [order.paid, order.refunded]
    ingestTokens: [${INGEST_TOKEN}]
    endpoints:
      - id: ledger
        url: http://127.0.0.1:${ok.port}/ledger
        signing: { scheme: none }
      - id: audit
        url: http://127.0.0.1:${broken.port}/audit
        events: [order.refunded]
        signing: { scheme: none }
`

/** rows grouped by all their fields, each with how many there were (n) */
function countBy<R extends Record<string, unknown>>(rows: R[]): Array<R & { n: number }> {
	const groups = new Map<string, R & { n: number }>()
	for (const r of rows) {
		const k = JSON.stringify(r)
		const g = groups.get(k)
		if (g) g.n++
		else groups.set(k, { ...r, n: 1 })
	}
	return [...groups.values()]
}

test('metrics counters match the stored jobs after a run', async () => {
	const gw = await startTestGateway(configYaml(flows))
	try {
		for (let i = 0; i < 6; i++) expect((await gw.post('/v1/flows/shop/events', { id: `p${i}`, type: 'order.paid', data: {} })).status).toBe(202)
		for (let i = 0; i < 3; i++) expect((await gw.post('/v1/flows/shop/events', { id: `r${i}`, type: 'order.refunded', data: {} })).status).toBe(202)
		expect((await gw.post('/v1/flows/shop/events/batch', { events: [{ id: 'b1', type: 'order.paid' }, { id: 'p0', type: 'order.paid', data: {} }] })).status).toBe(202)
		expect((await gw.post('/v1/flows/shop/events', { id: 'p1', type: 'order.paid', data: {} })).status).toBe(200)
		expect((await gw.post('/v1/flows/shop/events', { type: 'order.paid' }, { token: 'wrong' })).status).toBe(401)
		expect((await gw.post('/v1/flows/shop/events', { type: 'order.shipped' })).status).toBe(422)
		expect((await gw.post('/v1/flows/shop/events', null, { raw: '{nope' })).status).toBe(400)
		expect((await gw.post('/v1/flows/no-such-flow/events', { type: 'x' })).status).toBe(404)

		const store = gw.run.store
		await waitFor(async () => (await storedJobs(store, { statuses: ['pending', 'delivering'] })).length === 0, 10_000, 'every job to finish')
		const m = await scrape(gw.url)

		expect(sample(m, 'hookgate_events_accepted_total', { flow: 'shop' })).toBe((await storedEvents(store, { flow: 'shop' })).length)
		expect(sample(m, 'hookgate_events_accepted_total', { flow: 'shop' })).toBe(10)
		expect(sample(m, 'hookgate_events_duplicate_total', { flow: 'shop' })).toBe(2)
		expect(sample(m, 'hookgate_events_rejected_total', { flow: 'shop', code: 'unauthorized' })).toBe(1)
		expect(sample(m, 'hookgate_events_rejected_total', { flow: 'shop', code: 'unknown_event_type' })).toBe(1)
		expect(sample(m, 'hookgate_events_rejected_total', { flow: 'shop', code: 'malformed_json' })).toBe(1)
		// a flow id nobody configured is the client's text: never a label value
		expect(sample(m, 'hookgate_events_rejected_total', { flow: '', code: 'unknown_flow' })).toBe(1)
		expect(JSON.stringify(m)).not.toContain('no-such-flow')

		const table = countBy((await storedJobs(store)).map((j) => ({ endpoint: j.endpoint, status: j.status })))
		expect(table.length).toBeGreaterThan(0)
		for (const r of table) expect(sample(m, 'hookgate_deliveries_total', { flow: 'shop', endpoint: r.endpoint, outcome: r.status })).toBe(r.n)
		expect(sample(m, 'hookgate_deliveries_total', { endpoint: 'ledger', outcome: 'succeeded' })).toBe(10)
		expect(sample(m, 'hookgate_deliveries_total', { endpoint: 'audit', outcome: 'failed' })).toBe(3)

		const attempts = countBy((await storedAttempts(store)).map((a) => ({ endpoint: a.job.endpoint, ok: a.error === null })))
		for (const r of attempts) {
			expect(sample(m, 'hookgate_delivery_attempts_total', { endpoint: r.endpoint, result: r.ok ? 'success' : 'http_status' })).toBe(r.n)
			expect(histogramCount(m, 'hookgate_delivery_attempt_duration_seconds', { flow: 'shop', endpoint: r.endpoint })).toBe(r.n)
		}
		// three tries for each audit job: the first and the two of its retry schedule
		expect(sample(m, 'hookgate_delivery_attempts_total', { endpoint: 'audit', result: 'http_status' })).toBe(9)
		expect(sample(m, 'hookgate_backlog_deliveries', { flow: 'shop', endpoint: 'ledger' })).toBe(0)
		expect(sample(m, 'hookgate_dispatcher_attempts_in_flight')).toBe(0)
		expect(sample(m, 'hookgate_sqlite_database_size_bytes')).toBeGreaterThan(0)
	} finally {
		await gw.stop()
	}
})

test('metrics show the backlog and the age of the oldest pending job per endpoint', async () => {
	let t = Date.parse('2026-01-01T00:00:00Z')
	const gw = await startTestGateway(configYaml(flows.replace(`url: http://127.0.0.1:${ok.port}/ledger`, `url: http://127.0.0.1:${ok.port}/ledger\n        enabled: false`)), { now: () => t })
	try {
		for (let i = 0; i < 4; i++) expect((await gw.post('/v1/flows/shop/events', { type: 'order.paid' })).status).toBe(202)
		t += 90_000
		const m = await scrape(gw.url)
		expect(sample(m, 'hookgate_backlog_deliveries', { flow: 'shop', endpoint: 'ledger' })).toBe(4)
		expect(sample(m, 'hookgate_oldest_pending_age_seconds', { flow: 'shop', endpoint: 'ledger' })).toBe(90)
		expect(sample(m, 'hookgate_backlog_deliveries', { flow: 'shop', endpoint: 'audit' })).toBe(0)
	} finally {
		await gw.stop()
	}
})

test('every metric family is hookgate_* and follows the Prometheus naming conventions', async () => {
	const gw = await startTestGateway(configYaml(flows))
	try {
		const m = await scrape(gw.url)
		for (const f of m) {
			expect(f.name).toStartWith('hookgate_')
			expect(f.name).toMatch(/^[a-z_][a-z0-9_]*$/)
			if (f.type === 'COUNTER') expect(f.name).toEndWith('_total')
			else expect(f.name).not.toEndWith('_total')
			expect(f.help.length).toBeGreaterThan(0)
		}
		const names = m.map((f) => f.name)
		for (const n of ['hookgate_process_resident_memory_bytes', 'hookgate_process_cpu_seconds_total', 'hookgate_process_open_fds',
			'hookgate_process_start_time_seconds', 'hookgate_process_event_loop_lag_seconds']) expect(names).toContain(n)
		expect(sample(m, 'hookgate_process_resident_memory_bytes')).toBeGreaterThan(1 << 20)
		if (process.platform === 'linux') {
			expect(names).toContain('hookgate_process_anonymous_memory_bytes')
			expect(sample(m, 'hookgate_process_anonymous_memory_bytes')).toBeGreaterThan(1 << 20)
			expect(sample(m, 'hookgate_process_anonymous_memory_bytes')).toBeLessThan(sample(m, 'hookgate_process_resident_memory_bytes'))
		}
		expect(Math.abs(sample(m, 'hookgate_process_start_time_seconds') - Date.now() / 1000)).toBeLessThan(3600)
	} finally {
		await gw.stop()
	}
})

test('with metrics.token set, /metrics answers 401 without the token and 200 with it', async () => {
	const gw = await startTestGateway(configYaml(flows, 'metrics:\n  token: scrape-secret-1234'))
	try {
		const none = await fetch(`${gw.url}/metrics`)
		expect(none.status).toBe(401)
		expect(((await none.json()) as { error: { code: string } }).error.code).toBe('unauthorized')
		expect((await fetch(`${gw.url}/metrics`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401)
		const good = await fetch(`${gw.url}/metrics`, { headers: { authorization: 'Bearer scrape-secret-1234' } })
		expect(good.status).toBe(200)
		expect(good.headers.get('content-type')).toStartWith('text/plain')
		expect(await good.text()).toContain('hookgate_build_info')
	} finally {
		await gw.stop()
	}
})
