// Two flows for the portal tests: portal tokens are minted for `billing` and
// must never reach `other`. The clock is the real one plus a skew tests move.
import { receiver, type Receiver } from '../dispatch/loopback'
import { configYaml, startTestGateway, type TestGateway } from '../support/gateway'
import { ingest } from './fixture'
import { adminClient, until, type Admin, type Answer } from './support'

export interface World {
	gw: TestGateway
	rx: Receiver
	admin: Admin
	clock: { skew: number }
	/** ids of one delivered job and one event per flow */
	jobs: { billing: string; other: string }
	/** an event id that only `other` holds */
	otherOnlyEvent: string
	mint(flow: string, capabilities: string[], ttl?: string): Promise<string>
	/** calls with a portal token */
	as(token: string, method: string, path: string, body?: unknown, raw?: string): Promise<Answer<any>>
	stop(): Promise<void>
}

export async function startWorld(settings = ''): Promise<World> {
	const rx = receiver(() => new Response('ok'))
	const clock = { skew: 0 }
	const gw = await startTestGateway(configYaml(`  - id: billing
    envelope: standard
    ingestTokens: [test-ingest-token]
    endpoints:
      - id: crm
        url: http://127.0.0.1:${rx.port}/crm
        signing: { scheme: none }
  - id: other
    envelope: standard
    ingestTokens: [test-ingest-token]
    endpoints:
      - id: ledger
        url: http://127.0.0.1:${rx.port}/ledger
        signing: { scheme: none }
`, settings), { now: () => Date.now() + clock.skew })
	const admin = await adminClient(gw)
	const [b] = await ingest(gw, 'billing', [{ id: 'shared-1', type: 'invoice.paid', data: {} }])
	const [o] = await ingest(gw, 'other', [{ id: 'shared-1', type: 'invoice.paid', data: {} }, { id: 'only-other', type: 'invoice.paid', data: {} }])
	await until(() => rx.hits.length, (n) => n >= 3)
	// settle: replay and cancel answers depend on the jobs being finished
	await until(async () => (await admin.get('/admin/v1/jobs?status=succeeded')).body.items.length, (n) => n === 3)
	return {
		gw, rx, admin, clock,
		jobs: { billing: b.deliveries[0].id, other: o.deliveries[0].id },
		otherOnlyEvent: 'only-other',
		async mint(flow, capabilities, ttl) {
			const res = await admin.post(`/admin/v1/flows/${flow}/portal-links`, { capabilities, ...(ttl ? { ttl } : {}) })
			if (res.status !== 201) throw new Error(`mint answered ${res.status}: ${res.text}`)
			return res.body.token as string
		},
		as: (token, method, path, body, raw) => admin.call(method, path, body, { token, raw }),
		async stop() {
			await gw.stop()
			rx.stop()
		},
	}
}
