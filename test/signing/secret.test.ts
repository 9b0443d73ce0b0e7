import { describe, expect, test } from 'bun:test'
import { Webhook } from 'standardwebhooks'
import { generateSecret, redactSecret, validateSecret } from '../../src/signing/secret'

describe('generateSecret', () => {
	test('makes a whsec_ secret of 32 bytes that validates and that standardwebhooks accepts', () => {
		const secret = generateSecret('standard-webhooks')
		expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/)
		expect(Buffer.from(secret.slice(6), 'base64')).toHaveLength(32)
		expect(validateSecret('standard-webhooks', secret)).toBeNull()
		expect(() => new Webhook(secret)).not.toThrow()
	})

	test('makes a 64-hex-digit hmac secret that validates', () => {
		const secret = generateSecret('hmac-sha256')
		expect(secret).toMatch(/^[0-9a-f]{64}$/)
		expect(validateSecret('hmac-sha256', secret)).toBeNull()
	})

	test('never repeats', () => {
		expect(generateSecret('hmac-sha256')).not.toBe(generateSecret('hmac-sha256'))
	})
})

describe('validateSecret', () => {
	test.each([
		['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', null],
		['whsec_' + Buffer.alloc(64, 1).toString('base64'), null],
		['MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'whsec_'],
		['whsec_', '24 to 64'],
		['whsec_' + Buffer.alloc(23, 1).toString('base64'), '24 to 64'],
		['whsec_' + Buffer.alloc(65, 1).toString('base64'), '24 to 64'],
		['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS!', 'base64'],
		['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS', 'base64'],
	])('standard-webhooks %s', (secret, problem) => {
		const result = validateSecret('standard-webhooks', secret)
		if (problem === null) expect(result).toBeNull()
		else expect(result).toContain(problem)
	})

	test('hmac-sha256 needs at least 8 characters', () => {
		expect(validateSecret('hmac-sha256', '')).not.toBeNull()
		expect(validateSecret('hmac-sha256', '1234567')).not.toBeNull()
		expect(validateSecret('hmac-sha256', '12345678')).toBeNull()
	})

	test('messages never echo the secret', () => {
		expect(validateSecret('standard-webhooks', 'whsec_TOPSECRET!!')).not.toContain('TOPSECRET')
		expect(validateSecret('hmac-sha256', 'shhh')).not.toContain('shhh')
	})
})

describe('redactSecret', () => {
	test('keeps only the last 4 characters, and a whsec_ prefix', () => {
		expect(redactSecret('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw')).toBe('whsec_…LaSw')
		expect(redactSecret('popp-test-secret')).toBe('…cret')
	})

	test('shows nothing of a secret of 4 characters or fewer', () => {
		expect(redactSecret('abcd')).toBe('…')
		expect(redactSecret('whsec_ab')).toBe('whsec_…')
	})
})
