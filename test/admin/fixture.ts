// A gateway with two flows for the admin tests, delivering to a loopback receiver.
import { receiver, type Receiver } from '../dispatch/loopback'
import { configYaml, startTestGateway, type TestGateway } from '../support/gateway'
import { adminClient, type Admin } from './support'

export const YAML_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'
export const YAML_HEADER_VALUE = 'yaml-api-key-98765'

export interface Fixture {
	gw: TestGateway
	rx: Receiver
	admin: Admin
	stop(): Promise<void>
}

/** `answer` decides what the receiver says; `extra` is YAML for more flows (indented by 2). */
export async function startFixture(opts: { answer?: (req: Request) => Response | Promise<Response>; extra?: string; settings?: string } = {}): Promise<Fixture> {
	const rx = receiver(opts.answer ?? (() => new Response('ok')))
	const gw = await startTestGateway(configYaml(`  - id: billing
    name: Billing
    envelope: standard
    events: [invoice.paid, invoice.failed]
    ingestTokens: [test-ingest-token]
    endpoints:
      - id: crm
        url: http://127.0.0.1:${rx.port}/crm
        signing: { scheme: standard-webhooks, secret: ${YAML_SECRET} }
        headers: { X-Api-Key: ${YAML_HEADER_VALUE} }
      - id: paused
        url: http://127.0.0.1:${rx.port}/paused
        enabled: false
        signing: { scheme: none }
  - id: actions
    name: Platform
    envelope: platform-action
    ingestTokens: [test-ingest-token]
${opts.extra ?? ''}`, opts.settings ?? ''))
	const admin = await adminClient(gw)
	return {
		gw, rx, admin,
		async stop() {
			await gw.stop()
			rx.stop()
		},
	}
}

/** Sends events through the ingest API. */
export async function ingest(gw: TestGateway, flow: string, events: unknown[]): Promise<Array<{ id: string; deliveries: Array<{ id: string; endpoint: string }> }>> {
	const res = await gw.post(`/v1/flows/${flow}/events/batch`, { events })
	if (res.status !== 202) throw new Error(`ingest answered ${res.status}: ${await res.text()}`)
	return ((await res.json()) as { events: Array<{ id: string; deliveries: Array<{ id: string; endpoint: string }> }> }).events
}
