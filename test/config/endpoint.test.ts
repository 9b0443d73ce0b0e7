// normalizeEndpoint as the admin API calls it: a JSON body in, an EndpointConfig
// or path-addressed issues out.

import { describe, expect, test } from 'bun:test'
import { z } from 'zod'
import { normalizeEndpoint, type FlowDefaults, type NormalizeOptions } from '../../src/config/endpoint'
import { endpointToInput } from '../../src/config/endpoint-input'
import { endpointInputSchema } from '../../src/config/schema'
import { validateSecret } from '../../src/signing/secret'

const standard: FlowDefaults = { envelope: { kind: 'builtin', name: 'standard' }, signing: {} }
const api: NormalizeOptions = { managedBy: 'api', now: 42, generateId: () => 'ep_generated' }
const WHSEC = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'

function ok(input: unknown, flow = standard, opts = api) {
	const r = normalizeEndpoint(input, flow, opts)
	if ('issues' in r) throw new Error(JSON.stringify(r.issues))
	return r.endpoint
}

function issues(input: unknown, flow = standard, opts = api) {
	const r = normalizeEndpoint(input, flow, opts)
	if ('endpoint' in r) throw new Error('expected issues')
	return r.issues.map(({ path, message }) => ({ path, message }))
}

describe('normalizeEndpoint for the admin API', () => {
	test('a bare URL gets an id, a generated secret and every default', () => {
		const ep = ok({ url: 'https://example.com/hook' })
		expect(ep).toMatchObject({
			id: 'ep_generated',
			url: 'https://example.com/hook',
			events: null,
			headers: {},
			body: {},
			timeoutMs: null,
			retryScheduleMs: null,
			concurrency: null,
			rateLimit: null,
			enabled: true,
			managedBy: 'api',
			createdAt: 42,
		})
		expect(ep.signing.scheme).toBe('standard-webhooks')
		expect(validateSecret('standard-webhooks', ep.signing.secret!)).toBeNull()
	})

	test('a generated hmac secret is 32 random bytes in hex', () => {
		const ep = ok({ id: 'h', url: 'https://example.com/', signing: { scheme: 'hmac-sha256' } })
		expect(ep.signing.secret).toMatch(/^[0-9a-f]{64}$/)
	})

	test('without generators a missing id and secret are refused', () => {
		expect(issues({ url: 'https://example.com/' }, standard, { managedBy: 'api', now: 0, allowMissingSecret: false })).toEqual([
			{ path: ['id'], message: 'required' },
			{ path: ['signing', 'secret'], message: 'required for scheme standard-webhooks' },
		])
	})

	test("signing merges over the flow's defaults", () => {
		const flow: FlowDefaults = { envelope: standard.envelope, signing: { scheme: 'hmac-sha256', header: 'x-hub-signature', encoding: 'base64' } }
		const ep = ok({ id: 'a', url: 'https://example.com/', signing: { secret: 'long-enough-secret' } }, flow)
		expect(ep.signing).toEqual({
			scheme: 'hmac-sha256',
			secret: 'long-enough-secret',
			header: 'x-hub-signature',
			encoding: 'base64',
			previous: null,
		})
		// the flow's hmac header is reserved for this endpoint too
		expect(issues({ id: 'a', url: 'https://example.com/', headers: { 'X-Hub-Signature': 'v' } }, flow)).toEqual([
			{ path: ['headers', 'X-Hub-Signature'], message: "header X-Hub-Signature carries the endpoint's signature and cannot be overridden" },
		])
	})

	test('durations, headers and a rotation are converted', () => {
		const ep = ok({
			id: 'a',
			url: 'https://example.com/{{ event.type }}?s={{ session.id }}',
			events: ['user.*'],
			signing: { secret: WHSEC, previous: { secret: WHSEC, until: '2026-12-01T00:00:00Z' } },
			headers: { 'X-Api-Key': 'k-123', Authorization: { value: 'Bearer x', sensitive: true } },
			body: { source: 'hookgate' },
			timeout: '5s',
			retrySchedule: ['10s', '1m'],
			concurrency: 4,
			rateLimit: 0.5,
			enabled: false,
		})
		expect(ep).toMatchObject({
			events: ['user.*'],
			headers: { 'X-Api-Key': { value: 'k-123', sensitive: false }, Authorization: { value: 'Bearer x', sensitive: true } },
			body: { source: 'hookgate' },
			timeoutMs: 5_000,
			retryScheduleMs: [10_000, 60_000],
			concurrency: 4,
			rateLimit: 0.5,
			enabled: false,
		})
		expect(ep.signing.previous).toEqual({ secret: WHSEC, until: Date.parse('2026-12-01T00:00:00Z') })
	})

	test('an endpoint as the API shows it (nulls for unset keys) can be sent back', () => {
		const ep = ok({
			id: 'a', url: 'https://example.com/', events: null, signing: { scheme: 'none', previous: null },
			headers: null, body: null, timeout: null, retrySchedule: null, concurrency: null, rateLimit: null, enabled: null,
		})
		expect(ep).toMatchObject({ events: null, headers: {}, body: {}, enabled: true, signing: { scheme: 'none', secret: null } })
	})

	test('issues name the field relative to the endpoint and never the value', () => {
		const found = issues({
			id: 'Bad Id',
			url: 'https://user:hunter2@example.com/',
			headers: { 'Content-Type': 'text/plain', 'X-Ok': 'a\r\nb' },
			body: { data: 1 },
			events: [''],
			surprise: true,
		})
		expect(found).toContainEqual({ path: ['surprise'], message: 'unknown key' })
		expect(found).toContainEqual({ path: ['id'], message: 'must match [a-z0-9][a-z0-9_-]* (lowercase letters, digits, _ and -)' })
		expect(found).toContainEqual({ path: ['events', 0], message: 'must not be empty' })
		expect(JSON.stringify(found)).not.toContain('hunter2')
	})

	test('cross-field rules report every problem at once', () => {
		expect(issues({
			id: 'a',
			url: 'https://user:hunter2@example.com/',
			headers: { 'Content-Type': 'text/plain', 'X-Ok': 'a\r\nb', 'x-ok': 'again' },
			body: { data: 1, extra: 2 },
		})).toEqual([
			{ path: ['url'], message: 'must not carry a user name or password (send credentials in headers)' },
			{ path: ['headers', 'Content-Type'], message: 'header Content-Type is set by hookgate and cannot be overridden' },
			{ path: ['headers', 'X-Ok'], message: 'the value of header X-Ok must be visible ASCII, spaces and tabs (no CR, LF, NUL, control or non-ASCII characters)' },
			{ path: ['headers', 'x-ok'], message: 'duplicate header (names are case-insensitive)' },
			{ path: ['body', 'data'], message: "the flow's envelope already writes data; body fields add, never override" },
		])
	})

	test("a template envelope's top-level keys are reserved too", () => {
		const flow: FlowDefaults = { envelope: { kind: 'template', template: { kind: 'order', id: '{{ event.id }}' } }, signing: {} }
		expect(issues({ id: 'a', url: 'https://example.com/', signing: { scheme: 'none' }, body: { kind: 'x', other: 1 } }, flow)).toEqual([
			{ path: ['body', 'kind'], message: "the flow's envelope already writes kind; body fields add, never override" },
		])
	})

	test('route placeholders in a URL need the platform-action envelope', () => {
		const url = 'https://example.com/run/{{ route.group }}/{{ route.name }}'
		expect(issues({ id: 'a', url, signing: { scheme: 'none' } })).toEqual([
			{ path: ['url'], message: 'placeholder {{ route.group }} needs the platform-action envelope' },
		])
		const platform: FlowDefaults = { envelope: { kind: 'builtin', name: 'platform-action' }, signing: {} }
		expect(ok({ id: 'a', url, signing: { scheme: 'none' } }, platform).url).toBe(url)
	})

	test('config endpoints must bring their own secret', () => {
		expect(issues({ id: 'a', url: 'https://example.com/' }, standard, { managedBy: 'config', now: 0 })).toEqual([
			{ path: ['signing', 'secret'], message: 'required for scheme standard-webhooks' },
		])
	})

	test("the same schema serves the API's OpenAPI document", () => {
		expect(endpointInputSchema.safeParse({ url: 'https://example.com/' }).success).toBe(true)
		const doc = z.toJSONSchema(endpointInputSchema) as { properties: Record<string, unknown>; required: string[] }
		expect(Object.keys(doc.properties)).toContain('signing')
		expect(doc.required).toEqual(['url'])
	})
})

test('endpointToInput gives back an input that normalizes to the same endpoint', () => {
	const ep = ok({
		id: 'a',
		url: 'https://example.com/x',
		signing: { scheme: 'hmac-sha256', secret: 'long-enough-secret', encoding: 'base64', previous: { secret: 'older-secret-1', until: '2026-12-01T00:00:00.000Z' } },
		headers: { 'X-Api-Key': 'k', 'X-Other': { value: 'v', sensitive: true } },
		timeout: '1500ms',
		retrySchedule: ['10s', '1m'],
	})
	expect(ok(endpointToInput(ep))).toEqual(ep)
	const none = ok({ id: 'b', url: 'https://example.com/', signing: { scheme: 'none' } })
	expect(ok(endpointToInput(none))).toEqual(none)
})

describe('header values that could never be sent are refused where they are configured', () => {
	const msg = (name: string) => `the value of header ${name} must be visible ASCII, spaces and tabs (no CR, LF, NUL, control or non-ASCII characters)`
	test.each([
		['snow\u2603man', msg('X-V')],
		['bell\u0007', msg('X-V')],
		['nul\u0000', msg('X-V')],
		['del\u007f', msg('X-V')],
		['lf\nx', msg('X-V')],
		['x'.repeat(8 * 1024 + 1), 'the value of header X-V must be at most 8 KB'],
	])('%#', (value, message) => {
		expect(issues({ url: 'https://example.com/', signing: { scheme: 'none' }, headers: { 'X-V': value } })).toEqual([{ path: ['headers', 'X-V'], message }])
		expect(issues({ url: 'https://example.com/', signing: { scheme: 'none' }, headers: { 'X-V': { value, sensitive: true } } })).toEqual([{ path: ['headers', 'X-V', 'value'], message }])
	})

	test('visible ASCII, spaces and tabs up to 8 KB are taken', () => {
		const value = ' !~\ttab'.padEnd(8 * 1024, 'x')
		expect(ok({ url: 'https://example.com/', signing: { scheme: 'none' }, headers: { 'X-V': value } }).headers['X-V']).toEqual({ value, sensitive: false })
	})
})
