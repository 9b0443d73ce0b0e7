import { afterAll, afterEach, expect, test } from 'bun:test'
import { createHmac } from 'node:crypto'
import { Webhook } from 'standardwebhooks'
import { configYaml, startTestGateway, type TestGateway } from '../support/gateway'
import { storedAttempts, storedJobs } from '../support/stored'
import { waitFor } from '../support/wait'
import { receiver } from './loopback'

const WHSEC = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'
const HMAC = 'hmac-test-secret'
let answers: Record<string, Array<() => Response>> = {}
const rx = receiver((req) => {
	const path = new URL(req.url).pathname
	const next = answers[path]?.shift()
	return next ? next() : new Response('ok')
})
afterAll(() => rx.stop())
const open: TestGateway[] = []
afterEach(async () => { for (const g of open.splice(0)) await g.stop(); answers = {} })

const flow = (endpoints: string, extra = '') => `  - id: shop
    name: Shop
    envelope: standard
    ingestTokens: [test-ingest-token]
${extra}    endpoints:
${endpoints}`
const start = async (endpoints: string, extraTop = '') => {
	const g = await startTestGateway(configYaml(flow(endpoints), extraTop))
	open.push(g)
	return g
}
const jobs = async (g: TestGateway) => (await storedJobs(g.run.store)).map((j) => ({ endpoint: j.endpoint, status: j.status, attempt_count: j.attemptCount, next_attempt_at: j.nextAttemptAt }))
const attempts = async (g: TestGateway) => (await storedAttempts(g.run.store))
	.map((a) => ({ n: a.n, status: a.status, error_class: a.error?.class ?? null, request_headers: JSON.stringify(a.requestHeaders) }))

test('500 then 200: retried, succeeded with 2 attempts, same webhook-id both times', async () => {
	answers['/flaky'] = [() => new Response('no', { status: 500 })]
	const g = await start(`      - { id: flaky, url: "http://127.0.0.1:${rx.port}/flaky", signing: { scheme: none } }\n`)
	await g.post('/v1/flows/shop/events', { id: 'r-1', type: 'x' })
	await waitFor(async () => (await jobs(g))[0]?.status === 'succeeded', 5000, 'success')
	expect((await jobs(g))[0].attempt_count).toBe(2)
	expect((await attempts(g)).map((a) => [a.n, a.status, a.error_class])).toEqual([[1, 500, 'http_status'], [2, 200, null]])
	const hits = rx.on('/flaky')
	expect(hits.map((h) => h.headers['webhook-id'])).toEqual(['r-1', 'r-1'])
	expect(hits[0].body).toBe(hits[1].body)
})

test('a schedule that runs out leaves the job failed after 1 + schedule tries', async () => {
	answers['/down'] = Array.from({ length: 5 }, () => () => new Response('no', { status: 503 }))
	const g = await start(`      - { id: down, url: "http://127.0.0.1:${rx.port}/down", signing: { scheme: none } }\n`)
	await g.post('/v1/flows/shop/events', { id: 'f-1', type: 'x' })
	await waitFor(async () => (await jobs(g))[0]?.status === 'failed', 5000, 'failed')
	expect((await jobs(g))[0].attempt_count).toBe(3)
})

test('429 with Retry-After pushes the next try out by the hint', async () => {
	answers['/busy'] = [() => new Response('slow down', { status: 429, headers: { 'retry-after': '120' } })]
	const g = await start(`      - { id: busy, url: "http://127.0.0.1:${rx.port}/busy", signing: { scheme: none } }\n`)
	const before = Date.now()
	await g.post('/v1/flows/shop/events', { id: 'ra-1', type: 'x' })
	await waitFor(async () => (await jobs(g))[0]?.attempt_count === 1 && (await jobs(g))[0].status === 'pending', 5000, 'first try')
	const due = (await jobs(g))[0].next_attempt_at - before
	expect(due).toBeGreaterThanOrEqual(119_000)
	expect(due).toBeLessThan(125_000)
})

test('410 Gone fails the job, disables the endpoint, and its other jobs wait pending', async () => {
	answers['/gone'] = [() => new Response('gone', { status: 410 })]
	const g = await start(`      - { id: gone, url: "http://127.0.0.1:${rx.port}/gone", signing: { scheme: none } }\n`)
	await g.post('/v1/flows/shop/events', { id: 'g-1', type: 'x' })
	await waitFor(async () => (await jobs(g))[0]?.status === 'failed', 5000, 'failed')
	expect(g.run.catalog.state('shop', 'gone')).toMatchObject({ enabled: false, disabledReason: expect.stringContaining('410') })
	const res = await g.post('/v1/flows/shop/events', { id: 'g-2', type: 'x' })
	expect(res.status).toBe(202)
	await Bun.sleep(300)
	expect((await jobs(g))[1].status).toBe('pending')
	expect(rx.on('/gone').length).toBe(1)
	// enabling it again lets the waiting job go
	await g.run.catalog.saveState({ ...g.run.catalog.state('shop', 'gone'), enabled: true, disabledReason: null, disabledAt: null })
	await waitFor(async () => (await jobs(g))[1]?.status === 'succeeded', 5000, 'resumed')
})

test('a 302 is a failed try and its Location is never visited', async () => {
	answers['/moved'] = [() => new Response(null, { status: 302, headers: { location: `http://127.0.0.1:${rx.port}/target` } })]
	const g = await start(`      - { id: moved, url: "http://127.0.0.1:${rx.port}/moved", signing: { scheme: none } }\n`)
	await g.post('/v1/flows/shop/events', { id: 'm-1', type: 'x' })
	await waitFor(async () => (await attempts(g)).length >= 1, 5000, 'attempt')
	expect((await attempts(g))[0].error_class).toBe('redirect')
	expect(rx.on('/target').length).toBe(0)
})

test('a loopback endpoint without allowPrivateNetworks is blocked once and disabled, no retry storm', async () => {
	const g = await startTestGateway(configYaml(flow(`      - { id: local, url: "http://127.0.0.1:${rx.port}/local", signing: { scheme: none } }\n`)).replace('allowPrivateNetworks: [127.0.0.0/8]', 'allowPrivateNetworks: false'))
	open.push(g)
	await g.post('/v1/flows/shop/events', { id: 'b-1', type: 'x' })
	await waitFor(async () => (await attempts(g)).length >= 1, 5000, 'attempt')
	await Bun.sleep(400)
	expect((await attempts(g)).map((a) => a.error_class)).toEqual(['blocked'])
	expect(rx.on('/local').length).toBe(0)
	expect(g.run.catalog.state('shop', 'local')).toMatchObject({ enabled: false })
})

test('standard-webhooks and hmac-sha256 signatures verify at the receiver; custom headers arrive; secrets are redacted in attempts', async () => {
	const g = await start(`      - id: sw
        url: "http://127.0.0.1:${rx.port}/sw"
        signing: { scheme: standard-webhooks, secret: ${WHSEC} }
        headers: { X-Api-Key: { value: key-abcdef-9876, sensitive: true }, X-Plain: visible }
      - id: hm
        url: "http://127.0.0.1:${rx.port}/hm"
        signing: { scheme: hmac-sha256, secret: ${HMAC} }
`)
	await g.post('/v1/flows/shop/events', { id: 's-1', type: 'invoice.paid', data: { amount: 5 } })
	await waitFor(() => rx.on('/sw').length === 1 && rx.on('/hm').length === 1, 5000, 'both')
	const sw = rx.on('/sw')[0]
	expect(() => new Webhook(WHSEC).verify(sw.body, sw.headers)).not.toThrow()
	expect(sw.headers['user-agent']).toMatch(/^hookgate\/\d/)
	expect(sw.headers['content-type']).toBe('application/json')
	expect(sw.headers['x-api-key']).toBe('key-abcdef-9876')
	expect(sw.headers['x-plain']).toBe('visible')
	const hm = rx.on('/hm')[0]
	expect(hm.headers['x-signature']).toBe(createHmac('sha256', HMAC).update(hm.body).digest('hex'))
	expect(hm.headers['webhook-id']).toBe('s-1')
	await waitFor(async () => (await attempts(g)).length === 2, 5000, 'attempts stored')
	const stored = (await attempts(g)).map((a) => a.request_headers).join('\n')
	expect(stored).not.toContain('key-abcdef-9876')
	expect(stored).toContain('…9876')
})

test('one slow endpoint does not hold back another', async () => {
	let release!: () => void
	const gate = new Promise<void>((r) => { release = r })
	answers['/slow'] = Array.from({ length: 20 }, () => () => new Response('late'))
	const slowRx = receiver(async () => { await gate; return new Response('late') })
	try {
		const g = await start(`      - { id: slow, url: "http://127.0.0.1:${slowRx.port}/slow", concurrency: 2, signing: { scheme: none } }
      - { id: fast, url: "http://127.0.0.1:${rx.port}/fast", signing: { scheme: none } }
`)
		for (let i = 0; i < 20; i++) await g.post('/v1/flows/shop/events', { id: `sl-${i}`, type: 'x' })
		await waitFor(() => rx.on('/fast').length === 20, 5000, 'fast endpoint served')
		expect(slowRx.hits.length).toBeLessThanOrEqual(2)
		release()
		await waitFor(() => slowRx.hits.length === 20, 5000, 'slow endpoint drained')
	} finally {
		release()
		slowRx.stop()
	}
})

test('a store that fails writes for a while does not stop the dispatcher: delivery resumes', async () => {
	const g = await start(`      - { id: back, url: "http://127.0.0.1:${rx.port}/back", signing: { scheme: none } }\n`)
	const store = g.run.store as unknown as { faultWrites: Error | null }
	store.faultWrites = new Error('disk full')
	// wake the dispatcher so its claims meet the failing store
	g.run.dispatcher.notify()
	await Bun.sleep(100)
	store.faultWrites = null
	expect(g.run.dispatcher.alive).toBe(true)
	expect((await g.post('/v1/flows/shop/events', { id: 'back-1', type: 'x' })).status).toBe(202)
	await waitFor(() => rx.on('/back').length === 1, 5000, 'delivery after the fault')
})
