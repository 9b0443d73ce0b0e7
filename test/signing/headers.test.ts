import { describe, expect, test } from 'bun:test'
import { isSensitiveHeader, redactHeaders, redactHeaderValue, RESERVED_HEADERS, validateHeader } from '../../src/signing/headers'

describe('validateHeader', () => {
	test('accepts ordinary custom headers', () => {
		expect(validateHeader('X-Api-Key', 'k-123', 'x-signature')).toBeNull()
		expect(validateHeader('Authorization', 'Bearer abc', null)).toBeNull()
		expect(validateHeader('x-signature', 'v', null)).toBeNull()
	})

	test.each(RESERVED_HEADERS.flatMap((name) => [[name], [name.toUpperCase()], [name.replace(/(^|-)./g, (m) => m.toUpperCase())]]))(
		'refuses the reserved name %s',
		(name) => {
			expect(validateHeader(name, 'v', null)).toContain('cannot be overridden')
		},
	)

	test('refuses the endpoint\'s hmac header in any case', () => {
		expect(validateHeader('X-Signature', 'v', 'x-signature')).toContain('cannot be overridden')
		expect(validateHeader('x-hub-signature', 'v', 'X-Hub-Signature')).toContain('cannot be overridden')
	})

	test.each([['a\rb'], ['a\nb'], ['a\0b'], ['ok\r\nX-Injected: 1'], ['snow\u2603man'], ['bell\u0007'], ['del\u007f']])('refuses a value that is not visible ASCII, spaces and tabs: %j', (value) => {
		const message = validateHeader('X-Custom', value, null)
		expect(message).toBe('the value of header X-Custom must be visible ASCII, spaces and tabs (no CR, LF, NUL, control or non-ASCII characters)')
	})

	test('takes tabs and spaces, and values up to 8 KB', () => {
		expect(validateHeader('X-Custom', '\ta b ~!', null)).toBeNull()
		expect(validateHeader('X-Custom', 'x'.repeat(8192), null)).toBeNull()
		expect(validateHeader('X-Custom', 'x'.repeat(8193), null)).toBe('the value of header X-Custom must be at most 8 KB')
	})

	test.each([[''], ['X Custom'], ['X:Custom'], ['X-Ünicode'], ['X\nY'], ['(x)']])('refuses the name %j that is not a token', (name) => {
		expect(validateHeader(name, 'v', null)).toContain('token')
	})
})

describe('isSensitiveHeader', () => {
	test.each([
		['Authorization', true], ['Proxy-Authorization', true], ['Cookie', true], ['Set-Cookie', true],
		['X-Api-Key', true], ['X-AUTH-TOKEN', true], ['X-Client-Secret', true], ['Keycloak-Realm', true],
		['X-Request-Id', false], ['Accept', false],
	] as const)('%s → %p', (name, sensitive) => {
		expect(isSensitiveHeader(name, false)).toBe(sensitive)
	})

	test('a header marked sensitive is sensitive whatever its name', () => {
		expect(isSensitiveHeader('X-Tenant', true)).toBe(true)
	})
})

describe('redaction', () => {
	test('redactHeaderValue keeps … and the last 4 characters', () => {
		expect(redactHeaderValue('Bearer abcdef123')).toBe('…f123')
		expect(redactHeaderValue('k-123')).toBe('…-123')
		expect(redactHeaderValue('abc')).toBe('…')
	})

	test('redactHeaders redacts sensitive names and marked ones, keeping names as written', () => {
		const headers = { 'X-Api-Key': 'k-12345', 'X-Tenant': 'tenant-42', Accept: 'application/json', 'content-type': 'application/json' }
		expect(redactHeaders(headers, new Set(['x-tenant']))).toEqual({
			'X-Api-Key': '…2345', 'X-Tenant': '…t-42', Accept: 'application/json', 'content-type': 'application/json',
		})
		expect(redactHeaders(headers, (name) => name === 'Accept')).toEqual({
			'X-Api-Key': '…2345', 'X-Tenant': 'tenant-42', Accept: '…json', 'content-type': 'application/json',
		})
	})

	test('redactHeaders does not change its input', () => {
		const headers = { Authorization: 'Bearer secret-token' }
		redactHeaders(headers, new Set())
		expect(headers.Authorization).toBe('Bearer secret-token')
	})
})
