import { afterAll, expect, test } from 'bun:test'
import { closedPort, receiver } from '../dispatch/loopback'
import { scrape, sample } from '../ops/support'
import { ADMIN_TOKEN, configYaml, INGEST_TOKEN, startTestGateway, tempDir, type TestGateway } from '../support/gateway'
import { storedAttempts, storedJobs } from '../support/stored'
import { waitFor } from '../support/wait'
import { collector, type ExportedSpan } from './collector'

// Every secret the config holds, and a marker in the event body: none may reach the collector.
const SIGNING_SECRET = 'sign-secret-7f3a9c'
const API_KEY = 'api-key-value-88d1'
const SENSITIVE = 'sensitive-value-51c2'
const OTLP_TOKEN = 'otlp-token-4e6b'
const METRICS_TOKEN = 'metrics-token-19af'
const QUERY_SECRET = 'query-secret-77e0'
const BODY_MARKER = 'payload-marker-2b9e'
const SECRETS = [SIGNING_SECRET, API_KEY, SENSITIVE, OTLP_TOKEN, METRICS_TOKEN, QUERY_SECRET, BODY_MARKER, INGEST_TOKEN, ADMIN_TOKEN]

const PRODUCER_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736'
const PRODUCER_SPAN = '00f067aa0ba902b7'

const otlp = collector()
// fails the first try of every event, then takes it
const seen = new Set<string>()
const flaky = receiver(async (req) => {
	const id = req.headers.get('webhook-id') ?? ''
	if (seen.has(id)) return new Response('ok')
	seen.add(id)
	return new Response('try again', { status: 500 })
})
const ok = receiver(() => new Response('ok'))
afterAll(() => { otlp.stop(); flaky.stop(); ok.stop() })

const flow = (port: number, extra = '') => `  - id: shop
    ingestTokens: [${INGEST_TOKEN}]${extra}
    endpoints:
      - id: ledger
        url: http://127.0.0.1:${port}/ledger?key=${QUERY_SECRET}
        signing: { scheme: hmac-sha256, secret: ${SIGNING_SECRET} }
        headers:
          X-Api-Key: ${API_KEY}
          X-Tenant: { value: ${SENSITIVE}, sensitive: true }
`

const tracing = (endpoint: string, more = '') => `tracing:
  otlp:
    endpoint: ${endpoint}
    headers: { authorization: "Bearer ${OTLP_TOKEN}" }
${more}metrics:
  token: ${METRICS_TOKEN}
`
const fast = { tracing: { scheduledDelayMs: 20 } }
const collectorUrl = () => `http://127.0.0.1:${otlp.port}/v1/traces`
const jobsDone = (g: TestGateway, n: number) => async () => (await storedJobs(g.run.store, { statuses: ['succeeded'] })).length === n
const traceContext = async (g: TestGateway, id: string) => (await g.run.store.findEvents(id, 'shop'))[0].traceContext ?? null
const forEvent = (spans: ExportedSpan[], id: string) => spans.filter((s) => s.attributes['hookgate.event.id'] === id)

test('the ingest span is the producer\'s child and each try is a child of the ingest span; the receiver sees its try\'s traceparent', async () => {
	const gw = await startTestGateway(configYaml(flow(flaky.port), tracing(collectorUrl())), fast)
	try {
		const res = await gw.post('/v1/flows/shop/events', { id: 'e1', type: 'order.paid', data: { note: BODY_MARKER } }, {
			headers: { traceparent: `00-${PRODUCER_TRACE}-${PRODUCER_SPAN}-01` },
		})
		expect(res.status).toBe(202)
		await waitFor(jobsDone(gw, 1), 10_000, 'the delivery to succeed on its second try')
		await gw.run.tracing!.flush()
		await waitFor(() => forEvent(otlp.named('hookgate.attempt'), 'e1').length === 2 && forEvent(otlp.named('hookgate.ingest'), 'e1').length === 1, 5000, 'the spans')

		const [ingest] = forEvent(otlp.named('hookgate.ingest'), 'e1')
		expect(ingest.traceId).toBe(PRODUCER_TRACE)
		expect(ingest.parentSpanId).toBe(PRODUCER_SPAN)
		expect(ingest.kind).toBe(2)
		expect(ingest.attributes).toMatchObject({
			'hookgate.flow': 'shop', 'hookgate.event.id': 'e1', 'http.request.method': 'POST',
			'http.route': '/v1/flows/:flow/events', 'http.response.status_code': 202,
		})
		// the context stored with the event is the ingest span's
		expect(await traceContext(gw, 'e1')).toBe(`00-${PRODUCER_TRACE}-${ingest.spanId}-01`)

		const tries = forEvent(otlp.named('hookgate.attempt'), 'e1').sort((a, b) => Number(a.attributes['hookgate.attempt']) - Number(b.attributes['hookgate.attempt']))
		for (const [i, span] of tries.entries()) {
			expect(span.traceId).toBe(PRODUCER_TRACE)
			expect(span.parentSpanId).toBe(ingest.spanId)
			expect(span.kind).toBe(3)
			expect(span.attributes).toMatchObject({
				'hookgate.flow': 'shop', 'hookgate.endpoint': 'ledger', 'hookgate.event.id': 'e1', 'hookgate.attempt': i + 1,
				'http.request.method': 'POST', 'server.address': '127.0.0.1', 'server.port': flaky.port,
				'url.full': `http://127.0.0.1:${flaky.port}/ledger?key=REDACTED`,
			})
		}
		expect(tries[0].attributes).toMatchObject({ 'http.response.status_code': 500, 'error.type': '500' })
		expect(tries[0].status.code).toBe(2)
		expect(tries[1].attributes['http.response.status_code']).toBe(200)
		expect(tries[1].attributes['error.type']).toBeUndefined()

		// each delivery carries the traceparent of its own try's span
		const hits = flaky.hits.filter((h) => h.headers['webhook-id'] === 'e1')
		expect(hits.map((h) => h.headers.traceparent)).toEqual(tries.map((s) => `00-${PRODUCER_TRACE}-${s.spanId}-01`))

		// the collector gets its headers; nothing secret, no body, in any byte it got
		expect(otlp.hits.every((h) => h.headers.authorization === `Bearer ${OTLP_TOKEN}` && h.headers['content-type'] === 'application/json')).toBe(true)
		const exported = otlp.hits.map((h) => h.body).join('\n')
		for (const secret of SECRETS) expect(exported).not.toContain(secret)
		expect(gw.logs.join('')).not.toContain(OTLP_TOKEN)
	} finally {
		await gw.stop()
	}
})

test('a retry by a restarted gateway still joins the trace of the event\'s ingest, from the context stored with it', async () => {
	const dir = tempDir()
	let answer = 503
	const later = receiver(() => new Response('', { status: answer }))
	try {
		const yaml = configYaml(flow(later.port, '\n    retrySchedule: [1s]'), tracing(collectorUrl()))
		const first = await startTestGateway(yaml, { ...fast, dir })
		expect((await first.post('/v1/flows/shop/events', { id: 'r1', type: 'order.paid' })).status).toBe(202)
		await waitFor(async () => (await storedAttempts(first.run.store)).length === 1, 5000, 'the first try')
		// stopping flushes: the spans of the first run arrive without a flush call
		await first.stop()
		const [ingest] = forEvent(otlp.named('hookgate.ingest'), 'r1')
		expect(ingest).toBeDefined()
		expect(forEvent(otlp.named('hookgate.attempt'), 'r1')).toHaveLength(1)

		answer = 200
		const second = await startTestGateway(yaml, { ...fast, dir })
		try {
			await waitFor(jobsDone(second, 1), 10_000, 'the retry to succeed')
			await second.run.tracing!.flush()
			await waitFor(() => forEvent(otlp.named('hookgate.attempt'), 'r1').length === 2, 5000, 'the retry span')
			const retry = forEvent(otlp.named('hookgate.attempt'), 'r1').find((s) => s.attributes['hookgate.attempt'] === 2)!
			expect(retry.traceId).toBe(ingest.traceId)
			expect(retry.parentSpanId).toBe(ingest.spanId)
			expect(later.hits.at(-1)!.headers.traceparent).toBe(`00-${ingest.traceId}-${retry.spanId}-01`)
		} finally {
			await second.stop()
		}
	} finally {
		later.stop()
	}
})

test('a batch is one ingest span with its event count; with propagate: false no delivery carries traceparent', async () => {
	const gw = await startTestGateway(configYaml(flow(ok.port), tracing(collectorUrl(), '  propagate: false\n')), fast)
	try {
		const res = await gw.post('/v1/flows/shop/events/batch', { events: ['b1', 'b2', 'b3'].map((id) => ({ id, type: 'order.paid' })) })
		expect(res.status).toBe(202)
		await waitFor(jobsDone(gw, 3), 10_000, 'three deliveries')
		await gw.run.tracing!.flush()
		await waitFor(() => ['b1', 'b2', 'b3'].every((id) => forEvent(otlp.named('hookgate.attempt'), id).length === 1), 5000, 'three attempt spans')
		const batch = otlp.named('hookgate.ingest').find((s) => s.attributes['hookgate.event.count'] === 3)!
		expect(batch.attributes['http.route']).toBe('/v1/flows/:flow/events/batch')
		expect(batch.parentSpanId).toBe('')
		for (const id of ['b1', 'b2', 'b3']) {
			const [span] = forEvent(otlp.named('hookgate.attempt'), id)
			expect(span.parentSpanId).toBe(batch.spanId)
			expect(span.traceId).toBe(batch.traceId)
		}
		const hits = ok.hits.filter((h) => h.headers['webhook-id']?.startsWith('b'))
		expect(hits).toHaveLength(3)
		for (const h of hits) expect(h.headers.traceparent).toBeUndefined()

		// a refused request is traced too; a flow id nobody configured is the client's text, no attribute
		expect((await gw.post('/v1/flows/nope-flow/events', { type: 'x' })).status).toBe(404)
		await gw.run.tracing!.flush()
		await waitFor(() => otlp.named('hookgate.ingest').some((s) => s.attributes['http.response.status_code'] === 404), 5000, 'the 404 span')
		const refused = otlp.named('hookgate.ingest').find((s) => s.attributes['http.response.status_code'] === 404)!
		expect(refused.attributes['hookgate.flow']).toBeUndefined()
		expect(refused.attributes['url.path']).toBe('/v1/flows/nope-flow/events')
		expect(refused.status.code ?? 0).toBe(0)
	} finally {
		await gw.stop()
	}
})

test('sampleRatio 0 exports no span of its own yet follows a sampled producer, and deliveries still carry a traceparent', async () => {
	const gw = await startTestGateway(configYaml(flow(ok.port), tracing(collectorUrl(), '  sampleRatio: 0\n')), fast)
	try {
		expect((await gw.post('/v1/flows/shop/events', { id: 's0', type: 'order.paid' })).status).toBe(202)
		expect((await gw.post('/v1/flows/shop/events', { id: 's1', type: 'order.paid' }, { headers: { traceparent: `00-${PRODUCER_TRACE}-${PRODUCER_SPAN}-01` } })).status).toBe(202)
		await waitFor(jobsDone(gw, 2), 10_000, 'two deliveries')
		await gw.run.tracing!.flush()
		await waitFor(() => forEvent(otlp.named('hookgate.attempt'), 's1').length === 1, 5000, 'the sampled attempt span')
		expect(forEvent(otlp.spans(), 's0')).toEqual([])
		const unsampled = ok.hits.find((h) => h.headers['webhook-id'] === 's0')!.headers.traceparent
		expect(unsampled).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-00$/)
		const sampled = ok.hits.find((h) => h.headers['webhook-id'] === 's1')!.headers.traceparent
		expect(sampled).toBe(`00-${PRODUCER_TRACE}-${forEvent(otlp.named('hookgate.attempt'), 's1')[0].spanId}-01`)
	} finally {
		await gw.stop()
	}
})

test('without tracing.otlp.endpoint: no SDK, no traceparent, no stored context', async () => {
	const gw = await startTestGateway(configYaml(flow(ok.port)))
	try {
		expect(gw.run.tracing).toBeNull()
		const res = await gw.post('/v1/flows/shop/events', { id: 'off1', type: 'order.paid' }, { headers: { traceparent: `00-${PRODUCER_TRACE}-${PRODUCER_SPAN}-01` } })
		expect(res.status).toBe(202)
		await waitFor(() => ok.hits.some((h) => h.headers['webhook-id'] === 'off1'), 5000, 'the delivery')
		expect(ok.hits.find((h) => h.headers['webhook-id'] === 'off1')!.headers.traceparent).toBeUndefined()
		expect(await traceContext(gw, 'off1')).toBeNull()
		expect(sample(await scrape(gw.url), 'hookgate_tracing_spans_dropped_total')).toBe(0)
	} finally {
		await gw.stop()
	}
})

test('with the collector down every delivery still succeeds and every lost span is counted', async () => {
	const down = `http://127.0.0.1:${closedPort()}/v1/traces`
	const gw = await startTestGateway(configYaml(flow(ok.port), tracing(down)), { tracing: { scheduledDelayMs: 20, maxQueueSize: 8, exportTimeoutMs: 300 } })
	try {
		for (let i = 0; i < 10; i++) expect((await gw.post('/v1/flows/shop/events', { id: `d${i}`, type: 'order.paid' })).status).toBe(202)
		await waitFor(jobsDone(gw, 10), 10_000, 'ten deliveries')
		await gw.run.tracing!.flush()
		// ten ingest spans and ten attempt spans, none of which reached a collector
		await waitFor(async () => sample(await scrape(gw.url, METRICS_TOKEN), 'hookgate_tracing_spans_dropped_total') === 20, 10_000, 'twenty dropped spans')
		const logs = gw.logs.join('')
		expect(logs).toContain('trace spans dropped')
		expect(logs).not.toContain(OTLP_TOKEN)
	} finally {
		await gw.stop()
	}
})
