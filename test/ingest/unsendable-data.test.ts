// Values a URL placeholder could not send as they read are refused at ingest
// with 422 invalid_data, before anything is stored; events stored before the
// rule (or before the URL changed) fail their job, never the endpoint.
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { receiver, type Receiver } from '../dispatch/loopback'
import { configYaml, startTestGateway, type TestGateway } from '../support/gateway'

let gw: TestGateway
let rx: Receiver
beforeAll(async () => {
	rx = receiver(() => new Response('ok'))
	gw = await startTestGateway(configYaml(`  - id: shop
    name: Shop
    envelope: standard
    ingestTokens: [test-ingest-token]
    endpoints:
      - id: hook
        url: http://127.0.0.1:${rx.port}/hooks/{{ event.data.x }}/tail?s={{ session.metadata.s }}
        signing: { scheme: none }
`))
})
afterAll(async () => {
	await gw.stop()
	rx.stop()
})

const adminCall = (method: string, path: string, body?: unknown) =>
	fetch(`${gw.url}/admin/v1${path}`, { method, headers: { authorization: 'Bearer test-admin-token', 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) })
const errorOf = async (res: Response) => ((await res.json()) as { error: { code: string; message: string; field?: string } }).error

test('a . or .. path segment is 422 invalid_data naming the field, and nothing is stored', async () => {
	for (const x of ['..', '.']) {
		const res = await gw.post('/v1/flows/shop/events', { id: `dots-${x.length}`, type: 't', data: { x } })
		expect(res.status).toBe(422)
		const error = await errorOf(res)
		expect(error).toMatchObject({ code: 'invalid_data', field: 'data.x' })
		expect(error.message).toContain('"." or ".."')
	}
	expect((await adminCall('GET', '/events/dots-2?flow=shop')).status).toBe(404)
})

test('a lone surrogate in a URL value is 422 invalid_data; in a batch, with its index', async () => {
	const single = await gw.post('/v1/flows/shop/events', null, { raw: '{"type":"t","data":{"x":"a\\ud800"}}' })
	expect(single.status).toBe(422)
	expect(await errorOf(single)).toMatchObject({ code: 'invalid_data', field: 'data.x' })
	const batch = await gw.post('/v1/flows/shop/events/batch', null, { raw: '{"events":[{"type":"t","data":{"x":"ok"}},{"type":"t","data":{"x":"\\udc00"}}]}' })
	expect(batch.status).toBe(422)
	expect(await errorOf(batch)).toMatchObject({ code: 'invalid_data', index: 1 })
})

test("a session's metadata is checked where the URL uses it", async () => {
	expect((await gw.post('/v1/flows/shop/sessions', { id: 's-dots', metadata: { s: '..' } })).status).toBe(201)
	// in the query, dots are ordinary text
	expect((await gw.post('/v1/flows/shop/events', { type: 't', sessionId: 's-dots', data: { x: 'fine' } })).status).toBe(202)
	expect((await gw.post('/v1/flows/shop/sessions', { id: 's-sur', metadata: { s: '\ud800' } })).status).toBe(201)
	const res = await gw.post('/v1/flows/shop/events', { type: 't', sessionId: 's-sur', data: { x: 'fine' } })
	expect(res.status).toBe(422)
	expect(await errorOf(res)).toMatchObject({ code: 'invalid_data', field: 'session.metadata.s' })
})

test('an event stored before its URL could not take it fails its job; the endpoint stays enabled', async () => {
	const add = await adminCall('POST', '/flows/shop/endpoints', { id: 'later', url: `http://127.0.0.1:${rx.port}/later/{{ event.data.y }}`, signing: { scheme: 'none' }, enabled: false })
	expect(add.status).toBe(201)
	// z is in no URL yet, so its value is just data
	const sent = await gw.post('/v1/flows/shop/events', { id: 'old-1', type: 't', data: { x: 'fine', y: 'ok', z: '..' } })
	expect(sent.status).toBe(202)
	const patched = await adminCall('PATCH', '/flows/shop/endpoints/later', { url: `http://127.0.0.1:${rx.port}/later/{{ event.data.z }}/{{ event.data.y }}` })
	expect(patched.status).toBe(200)
	const ev = await (await adminCall('GET', '/events/old-1?flow=shop')).json() as { deliveries: Array<{ id: string; endpoint: string }> }
	const job = ev.deliveries.find((d) => d.endpoint === 'later')!
	expect((await adminCall('POST', '/flows/shop/endpoints/later/enable')).status).toBe(200)
	let status = ''
	for (let i = 0; i < 100 && status !== 'failed'; i++) {
		await Bun.sleep(50)
		status = ((await (await adminCall('GET', `/jobs/${job.id}`)).json()) as { status: string }).status
	}
	expect(status).toBe('failed')
	const endpoint = await (await adminCall('GET', '/flows/shop/endpoints/later')).json() as { enabled: boolean }
	expect(endpoint.enabled).toBe(true)
	expect(rx.hits.filter((h) => h.path.startsWith('/later'))).toEqual([])
})
