// A key named __proto__ is data wherever a producer sends JSON: kept in event
// data and in session metadata alike (it was dropped from metadata), stored,
// compared and delivered as sent, and never reaching any prototype.
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { receiver, type Receiver } from '../dispatch/loopback'
import { configYaml, startTestGateway, type TestGateway } from '../support/gateway'

let gw: TestGateway
let rx: Receiver
beforeAll(async () => {
	rx = receiver(() => new Response('ok'))
	gw = await startTestGateway(configYaml(`  - id: f
    name: F
    envelope: flow-event
    ingestTokens: [test-ingest-token]
    endpoints:
      - id: hook
        url: http://127.0.0.1:${rx.port}/hook
        signing: { scheme: none }
`))
})
afterAll(async () => {
	await gw.stop()
	rx.stop()
})

const read = async (res: Response) => ({ status: res.status, text: await res.text() })

test('session metadata keeps __proto__ on create, on the same create again, on read and through a merge patch', async () => {
	const created = await read(await gw.post('/v1/flows/f/sessions', null, { raw: '{"id":"s1","metadata":{"__proto__":{"polluted":true},"b":2}}' }))
	expect(created.status).toBe(201)
	expect(JSON.parse(created.text).metadata).toEqual(JSON.parse('{"__proto__":{"polluted":true},"b":2}'))
	expect(created.text).toContain('"__proto__":{"polluted":true}')
	// the same metadata is the same session; without the key it is other metadata
	expect((await gw.post('/v1/flows/f/sessions', null, { raw: '{"id":"s1","metadata":{"b":2,"__proto__":{"polluted":true}}}' })).status).toBe(200)
	expect((await gw.post('/v1/flows/f/sessions', null, { raw: '{"id":"s1","metadata":{"b":2}}' })).status).toBe(409)
	const patched = await read(await gw.post('/v1/flows/f/sessions/s1', null, { method: 'PATCH', raw: '{"metadata":{"__proto__":{"c":1}}}' }))
	expect(patched.text).toContain('"metadata":{"__proto__":{"polluted":true,"c":1},"b":2}')
	const got = await fetch(`${gw.url}/v1/flows/f/sessions/s1`, { headers: { authorization: 'Bearer test-ingest-token' } })
	expect(await got.text()).toContain('"__proto__":{"polluted":true,"c":1}')
	expect(({} as Record<string, unknown>).polluted).toBeUndefined()
})

test('event data keeps __proto__ the same way, and both reach the receiver as sent', async () => {
	const sent = await gw.post('/v1/flows/f/events', null, { raw: '{"id":"e1","type":"t","sessionId":"s1","data":{"__proto__":{"d":1},"x":1}}' })
	expect(sent.status).toBe(202)
	expect((await gw.post('/v1/flows/f/events', null, { raw: '{"id":"e1","type":"t","sessionId":"s1","data":{"x":1,"__proto__":{"d":1}}}' })).status).toBe(200)
	expect((await gw.post('/v1/flows/f/events', null, { raw: '{"id":"e1","type":"t","sessionId":"s1","data":{"x":1}}' })).status).toBe(409)
	for (let i = 0; i < 100 && rx.on('/hook').length === 0; i++) await Bun.sleep(20)
	const body = rx.on('/hook')[0]!.body
	expect(body).toContain('"data":{"__proto__":{"d":1},"x":1}')
	expect(body).toContain('"metadata":{"__proto__":{"polluted":true,"c":1},"b":2}')
})

test('an admin endpoint body keeps __proto__ as a field too', async () => {
	const res = await fetch(`${gw.url}/admin/v1/flows/f/endpoints`, {
		method: 'POST', headers: { authorization: 'Bearer test-admin-token', 'content-type': 'application/json' },
		body: '{"id":"extra","url":"http://127.0.0.1:9/x","signing":{"scheme":"none"},"enabled":false,"body":{"__proto__":{"e":1},"source":"hg"}}',
	})
	expect(res.status).toBe(201)
	expect(await res.text()).toContain('"body":{"__proto__":{"e":1},"source":"hg"}')
})
