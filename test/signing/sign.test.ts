import { afterEach, describe, expect, setSystemTime, test } from 'bun:test'
import { createHmac } from 'node:crypto'
import { Webhook as StandardWebhook } from 'standardwebhooks'
import { Webhook as SvixWebhook } from 'svix'
// a copy of /work/shared/research/standard-webhooks-vectors.json, kept beside the test so it runs from the repo alone
import vectorsFile from './standard-webhooks-vectors.json'
import { signingHeaders } from '../../src/signing/sign'
import { makeSigning } from '../support/fixtures'

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'
const OTHER = 'whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD'
const RECORD_BODY = '{"event":"CONVERSATION_STARTED","eventId":"abc123-def456-ghi789","eventTimestamp":"2024-01-15T10:30:00.000Z","data":{"recordId":"conv_abc123","organizationId":"org_xyz789","channel":"web"}}'

afterEach(() => setSystemTime())

function standardHeaders(body: string, now: number, secret = SECRET, previous: { secret: string; until: number } | null = null) {
	return signingHeaders({ signing: makeSigning({ scheme: 'standard-webhooks', secret, previous }), eventId: 'evt_1', body, now })
}

describe('standard-webhooks signing', () => {
	test('signs the ENVELOPES.md standard example exactly', () => {
		const body = '{"type":"invoice.paid","timestamp":"2026-03-14T14:55:50.094Z","data":{"invoice":"in_1","amount":1250}}'
		const headers = signingHeaders({
			signing: makeSigning({ scheme: 'standard-webhooks', secret: SECRET }),
			eventId: 'evt_2Xq9',
			body,
			now: 1773500150_000 + 999,
		})
		expect(headers).toEqual({
			'webhook-id': 'evt_2Xq9',
			'webhook-timestamp': '1773500150',
			'webhook-signature': 'v1,0XHqJRyVh5oEUwXAxVeG4XkhJAYTLJDJfyn5LlbQWZE=',
		})
	})

	const vectors = vectorsFile.vectors.map((v) => [v.name, v.secret, v.msg_id, v.timestamp, v.payload, v.expected_signature] as const)
	const derived = vectorsFile.derived_vectors_not_upstream.vectors
		.filter((v) => 'expected_signature' in v)
		.map((v) => {
			const payload = 'payload_utf8_hex' in v && v.payload_utf8_hex ? Buffer.from(v.payload_utf8_hex, 'hex').toString('utf8') : v.payload!
			return [v.name, v.secret!, v.msg_id, v.timestamp, payload, v.expected_signature!] as const
		})

	test.each([...vectors, ...derived])('matches vector %s', (_, secret, id, timestamp, payload, expected) => {
		const headers = signingHeaders({ signing: makeSigning({ scheme: 'standard-webhooks', secret }), eventId: id, body: payload, now: timestamp * 1000 })
		expect(headers['webhook-signature']).toBe(expected)
		expect(headers['webhook-timestamp']).toBe(String(timestamp))
	})

	test('matches the derived rotation vector, new secret first', () => {
		const v = vectorsFile.derived_vectors_not_upstream.vectors.find((x) => x.name === 'derived-rotation')!
		const headers = signingHeaders({
			signing: makeSigning({ scheme: 'standard-webhooks', secret: v.secrets!.new, previous: { secret: v.secrets!.old, until: (v.timestamp + 1) * 1000 } }),
			eventId: v.msg_id,
			body: v.payload!,
			now: v.timestamp * 1000,
		})
		expect(headers['webhook-signature']).toBe(v.expected_signature_header!)
	})

	test('what we send verifies with the standardwebhooks package', () => {
		const body = '{"type":"a","data":{"name":"Zoë 🚀"}}'
		const headers = standardHeaders(body, Date.now())
		expect(new StandardWebhook(SECRET).verify(body, headers)).toEqual(JSON.parse(body))
	})

	test('what we send verifies with the svix package, under webhook-* and svix-* names', () => {
		const body = '{"type":"a"}'
		const headers = standardHeaders(body, Date.now())
		const svix = new SvixWebhook(SECRET)
		expect(() => svix.verify(body, headers)).not.toThrow()
		expect(() => svix.verify(body, {
			'svix-id': headers['webhook-id']!,
			'svix-timestamp': headers['webhook-timestamp']!,
			'svix-signature': headers['webhook-signature']!,
		})).not.toThrow()
	})

	test('a changed body does not verify', () => {
		const headers = standardHeaders('{"a":1}', Date.now())
		expect(() => new StandardWebhook(SECRET).verify('{"a":2}', headers)).toThrow()
	})

	test('during a rotation each secret alone verifies the header', () => {
		const now = Date.now()
		const body = '{"type":"rotation"}'
		const headers = standardHeaders(body, now, OTHER, { secret: SECRET, until: now + 60_000 })
		expect(headers['webhook-signature']!.split(' ')).toHaveLength(2)
		expect(headers['webhook-signature']!.split(' ')[0]).toBe(standardHeaders(body, now, OTHER)['webhook-signature']!)
		expect(() => new StandardWebhook(OTHER).verify(body, headers)).not.toThrow()
		expect(() => new StandardWebhook(SECRET).verify(body, headers)).not.toThrow()
		expect(() => new SvixWebhook(SECRET).verify(body, headers)).not.toThrow()
	})

	test('the previous secret stops signing at until', () => {
		const now = Date.now()
		const body = '{"type":"rotation"}'
		const headers = standardHeaders(body, now, OTHER, { secret: SECRET, until: now })
		expect(headers['webhook-signature']!.split(' ')).toHaveLength(1)
		expect(() => new StandardWebhook(OTHER).verify(body, headers)).not.toThrow()
		expect(() => new StandardWebhook(SECRET).verify(body, headers)).toThrow()
	})

	test('the timestamp is the attempt time, verified with a pinned clock', () => {
		setSystemTime(new Date(1773500150_000))
		const body = '{"x":1}'
		const headers = standardHeaders(body, 1773500150_000)
		expect(() => new StandardWebhook(SECRET).verify(body, headers)).not.toThrow()
		setSystemTime(new Date(1773500150_000 + 10 * 60_000))
		expect(() => new StandardWebhook(SECRET).verify(body, headers)).toThrow()
	})
})

describe('hmac-sha256 signing', () => {
	const hmac = (overrides: Parameters<typeof makeSigning>[0] = {}, now = 0) =>
		signingHeaders({ signing: makeSigning({ scheme: 'hmac-sha256', secret: 'popp-test-secret', ...overrides }), eventId: 'abc123-def456-ghi789', body: RECORD_BODY, now })

	test('signs the ENVELOPES.md record-event example in hex', () => {
		expect(hmac()).toEqual({ 'x-signature': '8d10842479e72317ae314671ab481f55902aa6ec18207e2db2c49ab5f87bfda7' })
	})

	test('signs it in base64 when asked', () => {
		expect(hmac({ encoding: 'base64' })).toEqual({ 'x-signature': 'jRCEJHnnIxeuMUZxq0gfVZAqpuwYIH4tssSatfh7/ac=' })
	})

	test('agrees with a plain crypto.createHmac over the body bytes', () => {
		const body = '{"name":"Zoë 🚀"}'
		const headers = signingHeaders({ signing: makeSigning({ scheme: 'hmac-sha256', secret: 'sëcret-key' }), eventId: 'e', body, now: 0 })
		const expected = createHmac('sha256', Buffer.from('sëcret-key', 'utf8')).update(Buffer.from(body, 'utf8')).digest('hex')
		expect(headers['x-signature']).toBe(expected)
	})

	test('uses the configured header name, lowercased, and falls back to x-signature', () => {
		expect(Object.keys(hmac({ header: 'X-Hub-Signature' }))).toEqual(['x-hub-signature'])
		expect(Object.keys(hmac({ header: '' }))).toEqual(['x-signature'])
	})

	test('during a rotation sends both values, new first, space-separated, until until', () => {
		const both = hmac({ secret: 'new-secret-1', previous: { secret: 'popp-test-secret', until: 1000 } }, 999)['x-signature']!
		const [first, second] = both.split(' ')
		expect(first).toBe(createHmac('sha256', 'new-secret-1').update(RECORD_BODY).digest('hex'))
		expect(second).toBe('8d10842479e72317ae314671ab481f55902aa6ec18207e2db2c49ab5f87bfda7')
		expect(hmac({ secret: 'new-secret-1', previous: { secret: 'popp-test-secret', until: 1000 } }, 1000)['x-signature']).toBe(first!)
	})
})

describe('scheme none', () => {
	test('adds no headers', () => {
		expect(signingHeaders({ signing: makeSigning({ scheme: 'none' }), eventId: 'e', body: '{}', now: 0 })).toEqual({})
	})
})
