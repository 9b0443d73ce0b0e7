import { afterAll, beforeAll, expect, test } from 'bun:test'
import { configYaml, startTestGateway, type TestGateway } from '../support/gateway'
import { receiver } from '../dispatch/loopback'

const rx = receiver(() => new Response('ok'))
let gw: TestGateway
beforeAll(async () => {
	gw = await startTestGateway(configYaml(`  - id: onboarding
    name: Customer onboarding
    envelope: flow-event
    ingestTokens: [test-ingest-token]
    endpoints:
      - { id: crm, url: "http://127.0.0.1:${rx.port}/crm", signing: { scheme: none } }
`))
})
afterAll(async () => { await gw.stop(); rx.stop() })

test('a session is created, read, merge-updated, and its metadata travels with events', async () => {
	const created = await gw.post('/v1/flows/onboarding/sessions', { id: 's-1', metadata: { customerRef: 'c-42', tier: 'gold', drop: 1 } })
	expect(created.status).toBe(201)
	expect(await created.json()).toMatchObject({ id: 's-1', metadata: { customerRef: 'c-42', tier: 'gold', drop: 1 } })
	const again = await gw.post('/v1/flows/onboarding/sessions', { id: 's-1', metadata: { drop: 1, tier: 'gold', customerRef: 'c-42' } })
	expect(again.status).toBe(200)
	const conflict = await gw.post('/v1/flows/onboarding/sessions', { id: 's-1', metadata: { tier: 'silver' } })
	expect(conflict.status).toBe(409)
	const patched = await gw.post('/v1/flows/onboarding/sessions/s-1', { metadata: { drop: null, extra: { a: 1 } } },
		{ method: 'PATCH', headers: { 'content-type': 'application/merge-patch+json' } })
	expect(patched.status).toBe(200)
	expect(((await patched.json()) as { metadata: unknown }).metadata).toEqual({ customerRef: 'c-42', tier: 'gold', extra: { a: 1 } })
	const read = await fetch(`${gw.url}/v1/flows/onboarding/sessions/s-1`, { headers: { authorization: 'Bearer test-ingest-token' } })
	expect(read.status).toBe(200)
	expect(await read.json()).toMatchObject({ id: 's-1', metadata: { tier: 'gold', extra: { a: 1 } } })
	const ev = await gw.post('/v1/flows/onboarding/events', { id: 'e-1', type: 'flow.start', sessionId: 's-1', occurredAt: '2026-03-14T14:55:50.094Z' })
	expect(ev.status).toBe(202)
	for (let i = 0; i < 100 && rx.on('/crm').length === 0; i++) await Bun.sleep(10)
	expect(rx.on('/crm')[0].body).toBe('{"id":"e-1","event":"flow.start","session_id":"s-1","created":1773500150,"success":true,"flow_name":"Customer onboarding","metadata":{"customerRef":"c-42","tier":"gold","extra":{"a":1}},"data":{}}')
})

test('a session that does not exist is 404; a generated one is ses_', async () => {
	const missing = await fetch(`${gw.url}/v1/flows/onboarding/sessions/nope`, { headers: { authorization: 'Bearer test-ingest-token' } })
	expect(missing.status).toBe(404)
	const unauth = await fetch(`${gw.url}/v1/flows/onboarding/sessions/nope`)
	expect(unauth.status).toBe(401)
	const created = await gw.post('/v1/flows/onboarding/sessions', { metadata: {} })
	expect(((await created.json()) as { id: string }).id).toMatch(/^ses_/)
	const patchMissing = await gw.post('/v1/flows/onboarding/sessions/none', { metadata: {} }, { method: 'PATCH' })
	expect(patchMissing.status).toBe(404)
})
