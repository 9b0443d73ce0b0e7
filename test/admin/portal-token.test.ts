// The token format on its own: what is signed comes back unchanged, only with
// the key that signed it, and always in characters a URL fragment carries as is.
import { describe, expect, test } from 'bun:test'
import fc from 'fast-check'
import { CAPABILITIES, decodeToken, macMatches, signToken, type Capability } from '../../src/admin/portal/token'
import { publicBase, withView } from '../../src/admin/portal/links'

const flowId = fc.stringMatching(/^[a-z0-9][a-z0-9_-]{0,63}$/)
const claims = fc.record({
	flow: flowId,
	capabilities: fc.subarray([...CAPABILITIES]) as fc.Arbitrary<Capability[]>,
	expiresAt: fc.integer({ min: 0, max: 2 ** 47 }),
})
const bytes = (n: number) => fc.uint8Array({ minLength: n, maxLength: n }).map((a) => Buffer.from(a))

describe('portal tokens', () => {
	test('decode what was signed, verify with the same key only, and use base64url characters after hgp_', () => {
		fc.assert(fc.property(claims, bytes(32), bytes(32), bytes(8), (c, key, otherKey, nonce) => {
			const token = signToken(c, key, nonce)
			expect(token).toMatch(/^hgp_[A-Za-z0-9_-]+$/)
			const d = decodeToken(token)!
			expect(d.claims).toEqual(c)
			expect(macMatches(d, key)).toBe(true)
			if (!key.equals(otherKey)) expect(macMatches(d, otherKey)).toBe(false)
		}), { numRuns: 300 })
	})

	test('anything else is not a token', () => {
		const good = signToken({ flow: 'main', capabilities: ['view'], expiresAt: 1 }, Buffer.alloc(32, 1), Buffer.alloc(8))
		for (const t of ['', 'hgp_', 'hgp_=', `${good}=`, `${good}.x`, good.slice(0, -1), good.replace('hgp_', 'HGP_'), 'Bearer x']) {
			expect(decodeToken(t)).toBeNull()
		}
		fc.assert(fc.property(fc.string(), (s) => {
			const d = decodeToken(`hgp_${s}`)
			if (d) expect(macMatches(d, Buffer.alloc(32, 1))).toBe(false)
		}), { numRuns: 500 })
	})

	test('view is always among the capabilities, in one order', () => {
		expect(withView([])).toEqual(['view'])
		expect(withView(['test', 'replay', 'test'])).toEqual(['view', 'replay', 'test'])
	})
})

describe('the address in a link', () => {
	const req = (url: string, host?: string) => new Request(url, host ? { headers: { host } } : {})
	test('server.publicUrl wins; else the request\'s scheme and a plain Host', () => {
		expect(publicBase('https://hooks.example.com', req('http://127.0.0.1:8080/x'))).toBe('https://hooks.example.com')
		expect(publicBase('', req('http://127.0.0.1:8080/x'))).toBe('http://127.0.0.1:8080')
		expect(publicBase('', req('http://127.0.0.1:8080/x', 'gw.example:9000'))).toBe('http://gw.example:9000')
		expect(publicBase('', req('http://127.0.0.1:8080/x', '[::1]:9000'))).toBe('http://[::1]:9000')
		// a Host that could carry a path or another address is not trusted
		expect(publicBase('', req('http://127.0.0.1:8080/x', 'evil.example/steal?'))).toBe('http://127.0.0.1:8080')
		expect(publicBase('', req('http://127.0.0.1:8080/x', 'a@evil.example'))).toBe('http://127.0.0.1:8080')
	})
})
