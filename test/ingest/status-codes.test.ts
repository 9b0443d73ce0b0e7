import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { configYaml, startTestGateway, type TestGateway } from '../support/gateway'
import { storedEvents } from '../support/stored'

// Endpoints point at a closed loopback port: these tests are about what is
// stored, not what is sent.
const FLOWS = `  - id: shop
    name: Shop
    envelope: record-event
    events: [order.created, order.paid]
    ingestTokens: [test-ingest-token, second-token]
    endpoints:
      - id: all
        url: http://127.0.0.1:9/all
        signing: { scheme: none }
      - id: paid
        url: http://127.0.0.1:9/paid
        events: ["*.paid"]
        signing: { scheme: none }
  - id: other
    name: Other
    envelope: standard
    ingestTokens: [other-token]
`

let gw: TestGateway
const data = { recordId: 'r1', organizationId: 'o1' }
const storedCount = async () => (await storedEvents(gw.run.store)).length
const errorOf = async (res: Response) => ((await res.json()) as { error: { code: string; message: string } }).error

beforeAll(async () => { gw = await startTestGateway(configYaml(FLOWS, 'server:\n  maxBodyBytes: 2048\n  listen: 127.0.0.1:0\n').replace(/^server:\n  listen: 127.0.0.1:0\n  shutdownGrace: 2s\n/, '')) })
afterAll(async () => { await gw.stop() })

describe('ingest answers', () => {
	test('202 with one job per matching endpoint, in endpoint order', async () => {
		const res = await gw.post('/v1/flows/shop/events', { id: 'o-1', type: 'order.paid', data })
		expect(res.status).toBe(202)
		const body = await res.json() as { id: string; deliveries: Array<{ endpoint: string; status: string; id: string }> }
		expect(body.deliveries.map((d) => d.endpoint)).toEqual(['all', 'paid'])
		expect(body.deliveries.every((d) => d.status === 'pending' && d.id.startsWith('job_'))).toBe(true)
		const created = await gw.post('/v1/flows/shop/events', { id: 'o-2', type: 'order.created', data })
		expect(((await created.json()) as { deliveries: Array<{ endpoint: string }> }).deliveries.map((d) => d.endpoint)).toEqual(['all'])
	})

	test('a generated id is evt_ and a ULID', async () => {
		const res = await gw.post('/v1/flows/shop/events', { type: 'order.created', data })
		expect(res.status).toBe(202)
		expect(((await res.json()) as { id: string }).id).toMatch(/^evt_[0-9A-HJKMNP-TV-Z]{26}$/)
	})

	test('200 duplicate for the same id and same body, whatever the key order', async () => {
		await gw.post('/v1/flows/shop/events', { id: 'dup-1', type: 'order.paid', data: { a: 1, ...data } })
		const res = await gw.post('/v1/flows/shop/events', { data: { ...data, a: 1 }, type: 'order.paid', id: 'dup-1' })
		expect(res.status).toBe(200)
		expect(((await res.json()) as { duplicate: boolean }).duplicate).toBe(true)
	})

	test('409 id_conflict for the same id with another body, and the first stays', async () => {
		await gw.post('/v1/flows/shop/events', { id: 'c-1', type: 'order.paid', data })
		const res = await gw.post('/v1/flows/shop/events', { id: 'c-1', type: 'order.paid', data: { ...data, x: 2 } })
		expect(res.status).toBe(409)
		expect((await errorOf(res)).code).toBe('id_conflict')
		expect((await gw.run.store.findEvents('c-1', 'shop')).map((e) => e.data)).toEqual([data])
	})

	test('an absent occurredAt differs from a sent one', async () => {
		await gw.post('/v1/flows/shop/events', { id: 'occ-1', type: 'order.paid', data })
		const res = await gw.post('/v1/flows/shop/events', { id: 'occ-1', type: 'order.paid', occurredAt: '2026-01-01T00:00:00Z', data })
		expect(res.status).toBe(409)
	})

	test('Idempotency-Key stands in for id; a different body id is 400', async () => {
		const res = await gw.post('/v1/flows/shop/events', { type: 'order.paid', data }, { headers: { 'idempotency-key': 'idem-1' } })
		expect(res.status).toBe(202)
		expect(((await res.json()) as { id: string }).id).toBe('idem-1')
		const bad = await gw.post('/v1/flows/shop/events', { id: 'other', type: 'order.paid', data }, { headers: { 'idempotency-key': 'idem-2' } })
		expect(bad.status).toBe(400)
		expect((await errorOf(bad)).code).toBe('invalid_event')
	})

	const cases: Array<[string, () => Promise<Response>, number, string]> = [
		['unknown flow (checked before the token)', () => gw.post('/v1/flows/nope/events', { type: 'x' }, { token: null }), 404, 'unknown_flow'],
		['no token', () => gw.post('/v1/flows/shop/events', { type: 'order.paid', data }, { token: null }), 401, 'unauthorized'],
		['a token of another flow', () => gw.post('/v1/flows/shop/events', { type: 'order.paid', data }, { token: 'other-token' }), 401, 'unauthorized'],
		['text/plain', () => gw.post('/v1/flows/shop/events', null, { headers: { 'content-type': 'text/plain' }, raw: '{}' }), 415, 'unsupported_media_type'],
		['body over maxBodyBytes', () => gw.post('/v1/flows/shop/events', { type: 'order.paid', data: { ...data, pad: 'x'.repeat(4000) } }), 413, 'body_too_large'],
		['not JSON', () => gw.post('/v1/flows/shop/events', null, { raw: '{"type":' }), 400, 'malformed_json'],
		['missing type', () => gw.post('/v1/flows/shop/events', { data }), 400, 'invalid_event'],
		['bad id characters', () => gw.post('/v1/flows/shop/events', { id: 'a b', type: 'order.paid', data }), 400, 'invalid_event'],
		['id over 128 characters', () => gw.post('/v1/flows/shop/events', { id: 'a'.repeat(129), type: 'order.paid', data }), 400, 'invalid_event'],
		['a type holding a NUL character', () => gw.post('/v1/flows/shop/events', { type: 'order.\u0000paid', data }), 400, 'invalid_event'],
		['a type holding a line break', () => gw.post('/v1/flows/shop/events', { type: 'order.\npaid', data }), 400, 'invalid_event'],
		['a type holding a lone surrogate', () => gw.post('/v1/flows/shop/events', { type: 'order.\ud800', data }), 400, 'invalid_event'],
		['data not an object', () => gw.post('/v1/flows/shop/events', { type: 'order.paid', data: [1] }), 400, 'invalid_event'],
		['an unknown top-level key', () => gw.post('/v1/flows/shop/events', { type: 'order.paid', sessionID: 'x', data }), 400, 'invalid_event'],
		['a type the flow does not declare', () => gw.post('/v1/flows/shop/events', { type: 'order.lost', data }), 422, 'unknown_event_type'],
		['a session the flow does not have', () => gw.post('/v1/flows/shop/events', { type: 'order.paid', sessionId: 'nope', data }), 422, 'unknown_session'],
		['data lacking what the envelope needs', () => gw.post('/v1/flows/shop/events', { type: 'order.paid', data: { recordId: 'r1' } }), 422, 'invalid_data'],
	]
	for (const [name, send, status, code] of cases) {
		test(`${status} ${code}: ${name}, and nothing stored`, async () => {
			const before = await storedCount()
			const res = await send()
			expect(res.status).toBe(status)
			const err = await errorOf(res)
			expect(err.code).toBe(code)
			expect(typeof err.message).toBe('string')
			expect(await storedCount()).toBe(before)
		})
	}

	test('error bodies never echo tokens or submitted values', async () => {
		const res = await gw.post('/v1/flows/shop/events', { type: 'order.paid', sessionID: 'secret-value-123', data }, { token: 'test-ingest-token' })
		const text = await res.text()
		expect(text).not.toContain('secret-value-123')
		const unauth = await gw.post('/v1/flows/shop/events', { type: 'x' }, { token: 'wrong-token-xyz' })
		expect(await unauth.text()).not.toContain('wrong-token-xyz')
	})

	test('503 unavailable with Retry-After while the store refuses writes', async () => {
		const store = gw.run.store as unknown as { faultWrites: Error | null }
		store.faultWrites = new Error('disk full')
		try {
			expect((await fetch(`${gw.url}/readyz`)).status).toBe(503)
			const res = await gw.post('/v1/flows/shop/events', { type: 'order.paid', data })
			expect(res.status).toBe(503)
			expect(res.headers.get('retry-after')).not.toBeNull()
			expect((await errorOf(res)).code).toBe('unavailable')
		} finally {
			store.faultWrites = null
		}
		expect((await fetch(`${gw.url}/readyz`)).status).toBe(200)
		expect((await gw.post('/v1/flows/shop/events', { type: 'order.paid', data })).status).toBe(202)
	})
})
