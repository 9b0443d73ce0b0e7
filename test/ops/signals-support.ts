// A gateway with an operations flow whose endpoint is a real loopback
// receiver, and helpers to read what that receiver got, verified.
import { createHmac, timingSafeEqual } from 'node:crypto'
import { Webhook } from 'standardwebhooks'
import { receiver, type Receiver } from '../dispatch/loopback'
import { configYaml, type TestGateway } from '../support/gateway'

export const OPS_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'

export interface OpsEvent {
	id: string
	type: string
	timestamp: string
	data: Record<string, any>
}

/** the operations receiver: answers with `status()` and keeps what it got */
export function opsReceiver(status: () => number = () => 200) {
	return receiver(() => new Response('', { status: status() }))
}

/** The Standard Webhooks signature by hand, for a gateway whose clock a test moved (the library refuses a timestamp far from its own clock). */
function verifyByHand(body: string, headers: Record<string, string>): unknown {
	const key = Buffer.from(OPS_SECRET.slice('whsec_'.length), 'base64')
	const expected = createHmac('sha256', key).update(`${headers['webhook-id']}.${headers['webhook-timestamp']}.${body}`).digest()
	const ok = headers['webhook-signature'].split(' ').some((s) => {
		const got = Buffer.from(s.replace(/^v1,/, ''), 'base64')
		return got.length === expected.length && timingSafeEqual(got, expected)
	})
	if (!ok) throw new Error('signature does not verify')
	return JSON.parse(body)
}

/** Every event the receiver got, each checked against its Standard Webhooks signature (throws when one does not verify). */
export function received(rx: Receiver, path = '/ops', opts: { movedClock?: boolean } = {}): OpsEvent[] {
	const wh = new Webhook(OPS_SECRET)
	const seen = new Map<string, OpsEvent>()
	for (const h of rx.on(path)) {
		const body = (opts.movedClock ? verifyByHand(h.body, h.headers) : wh.verify(h.body, h.headers)) as Omit<OpsEvent, 'id'>
		// a retry of the same event carries the same webhook-id
		seen.set(h.headers['webhook-id'], { id: h.headers['webhook-id'], ...body })
	}
	return [...seen.values()]
}

export const ofType = (events: OpsEvent[], type: string) => events.filter((e) => e.type === type)

/** A config whose flow `ops` receives operational events at `opsPort`; `flows` adds the watched flows (YAML, indented by 2). */
export function opsConfig(opsPort: number, flows: string, extra = '', delivery = '') {
	return configYaml(`  - id: ops
    envelope: standard
    ingestTokens: [ops-token]
    endpoints:
      - { id: pager, url: "http://127.0.0.1:${opsPort}/ops", signing: { secret: ${OPS_SECRET} } }
${flows}`, `operations:
  flow: ops
${extra}`).replace('  jitter: 0\n', `  jitter: 0\n${delivery}`)
}

export async function admin(gw: TestGateway, method: string, path: string, body?: unknown): Promise<Response> {
	const { ADMIN_TOKEN } = await import('../support/gateway')
	return fetch(`${gw.url}/admin/v1${path}`, {
		method, headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
		body: body === undefined ? undefined : JSON.stringify(body),
	})
}

/** waitFor for a value: the first truthy answer, typed without its falsy cases */
export async function eventually<T>(check: () => T | null | false | undefined, timeoutMs: number, what: string): Promise<T> {
	const { waitFor } = await import('../support/wait')
	return (await waitFor(check, timeoutMs, what)) as T
}
