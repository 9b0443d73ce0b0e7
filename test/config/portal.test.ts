// server.publicUrl and portal.frameAncestors: both end up in what browsers get
// (a link, a CSP header), so anything that could break out of them is refused.
import { describe, expect, test } from 'bun:test'
import { loadConfigText } from '../../src/config/load'

const FLOW = 'flows:\n  - id: main\n    ingestTokens: [t]\n'

function load(text: string) {
	const r = loadConfigText(text + FLOW, 'c.yaml', {}, { now: 1_000 })
	if ('errors' in r) throw new Error(r.errors.join('\n'))
	return r.config
}

function errorsOf(text: string): string[] {
	const r = loadConfigText(text + FLOW, 'c.yaml', {}, { now: 1_000 })
	if ('config' in r) throw new Error('expected the file to be refused')
	return r.errors
}

describe('server.publicUrl', () => {
	test('defaults to empty: links use the request\'s own address', () => {
		expect(load('').server.publicUrl).toBe('')
	})

	test.each([
		['https://hooks.example.com', 'https://hooks.example.com'],
		['https://hooks.example.com/', 'https://hooks.example.com'],
		['http://127.0.0.1:8080', 'http://127.0.0.1:8080'],
		['https://example.com/gateway/', 'https://example.com/gateway'],
	])('%s is kept as %s', (value, kept) => {
		expect(load(`server:\n  publicUrl: "${value}"\n`).server.publicUrl).toBe(kept)
	})

	test.each([
		['not a url', 'must be an absolute http(s) URL'],
		['ftp://example.com', 'must be an http(s) URL'],
		['https://user:pw@example.com', 'must be an http(s) URL'],
		['https://example.com/?x=1', 'must be an http(s) URL'],
		['https://example.com/#frag', 'must be an http(s) URL'],
	])('%s is refused at its line', (value, message) => {
		expect(errorsOf(`server:\n  publicUrl: "${value}"\n`)).toEqual([expect.stringContaining(`c.yaml:2:14 server.publicUrl: ${message}`)])
	})
})

describe('portal.frameAncestors', () => {
	test("defaults to 'none'", () => {
		expect(load('').portal).toEqual({ frameAncestors: "'none'" })
	})

	test.each([
		["'self'", "'self'"],
		['https://dashboard.example.com', 'https://dashboard.example.com'],
		["'self'  https://*.example.com:8443 https:", "'self' https://*.example.com:8443 https:"],
	])('%s is accepted', (value, kept) => {
		expect(load(`portal:\n  frameAncestors: "${value}"\n`).portal.frameAncestors).toBe(kept)
	})

	test.each([
		["'none' https://a.example.com", "'none' must stand alone"],
		['https://a.example.com; script-src *', "must be 'none' or sources separated by spaces"],
		['https://a.example.com, https://b.example.com', "must be 'none' or sources separated by spaces"],
		["'unsafe-inline'", 'each source must be'],
		['', "must be 'none' or sources"],
	])('%s is refused', (value, message) => {
		expect(errorsOf(`portal:\n  frameAncestors: "${value}"\n`)).toEqual([expect.stringContaining(`c.yaml:2:19 portal.frameAncestors: ${message}`)])
	})

	test('an unknown key under portal is refused', () => {
		expect(errorsOf('portal:\n  frameAncestor: x\n')).toEqual(['c.yaml:2:3 portal.frameAncestor: unknown key'])
	})
})
