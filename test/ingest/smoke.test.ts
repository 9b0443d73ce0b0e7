import { afterAll, expect, test } from 'bun:test'
import { configYaml, startTestGateway } from '../support/gateway'
import { receiver } from '../dispatch/loopback'

const rx = receiver(() => new Response('ok'))
afterAll(() => rx.stop())

test('an accepted event reaches the endpoint signed and shaped', async () => {
	const gw = await startTestGateway(configYaml(`  - id: billing
    name: Billing
    envelope: standard
    ingestTokens: [test-ingest-token]
    endpoints:
      - id: crm
        url: http://127.0.0.1:${rx.port}/hook
        signing: { scheme: standard-webhooks, secret: whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw }
`))
	try {
		const res = await gw.post('/v1/flows/billing/events', { id: 'evt_1', type: 'invoice.paid', occurredAt: '2026-03-14T14:55:50.094Z', data: { a: 1 } })
		expect(res.status).toBe(202)
		const body = await res.json() as { id: string; deliveries: Array<{ endpoint: string; status: string }> }
		expect(body.id).toBe('evt_1')
		expect(body.deliveries.map((d) => d.endpoint)).toEqual(['crm'])
		for (let i = 0; i < 100 && rx.on('/hook').length === 0; i++) await Bun.sleep(10)
		const hit = rx.on('/hook')[0]
		expect(hit.body).toBe('{"type":"invoice.paid","timestamp":"2026-03-14T14:55:50.094Z","data":{"a":1}}')
		expect(hit.headers['webhook-id']).toBe('evt_1')
	} finally {
		await gw.stop()
	}
})
