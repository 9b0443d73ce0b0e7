import { describe, expect, test } from 'bun:test'
import { expandEnv } from '../../src/config/env'
import { loadConfigText } from '../../src/config/load'

describe('expandEnv', () => {
	const env = { A: 'alpha', EMPTY: '' }
	test.each([
		['plain', 'plain'],
		['${A}', 'alpha'],
		['x-${A}-y', 'x-alpha-y'],
		['${A}${A}', 'alphaalpha'],
		['${B:-beta}', 'beta'],
		['${A:-beta}', 'alpha'],
		['${EMPTY:-fallback}', 'fallback'],
		['${EMPTY}', ''],
		['${B:-}', ''],
		['${B:-a:b/c=d}', 'a:b/c=d'],
		['$${A}', '${A}'],
		['cost $5', 'cost $5'],
	])('%p → %p', (text, value) => {
		expect(expandEnv(text, env)).toEqual({ value })
	})

	test('a missing variable with no default names the variable', () => {
		expect(expandEnv('x ${NOPE} y', env)).toEqual({ error: expect.stringContaining('NOPE is not set') })
	})

	test.each(['${A', '${1A}', '${}', '${A B}'])('malformed %p is an error', (text) => {
		expect(expandEnv(text, env)).toHaveProperty('error')
	})
})

const base = (listen: string, token = 't') => `server:
  listen: ${listen}
flows:
  - id: main
    ingestTokens: ["${token}"]
`

describe('expansion in a config file', () => {
	test('expands values, with defaults', () => {
		const r = loadConfigText(base('${HOST:-127.0.0.1}:${PORT}', '${TOKEN:-dev-token}'), 'c.yaml', { PORT: '9090' })
		if (!('config' in r)) throw new Error(r.errors.join('\n'))
		expect(r.config.server).toMatchObject({ host: '127.0.0.1', port: 9090 })
		expect(r.config.flows[0].ingestTokens).toEqual(['dev-token'])
	})

	test('a missing variable is an error at its value, reported once', () => {
		const r = loadConfigText(base('127.0.0.1:8080', '${TOKEN}'), 'c.yaml', {})
		expect(r).toEqual({
			errors: ['c.yaml:5:20 flows[0].ingestTokens[0]: environment variable TOKEN is not set (give a default with ${TOKEN:-...})'],
		})
	})

	test('a value that is wrong after expansion is reported at its place in the file', () => {
		const r = loadConfigText(base('${LISTEN}'), 'c.yaml', { LISTEN: 'no-port-here' })
		expect(r).toEqual({ errors: [expect.stringMatching(/^c\.yaml:2:11 server\.listen: must be host:port/)] })
	})

	test('an expanded value never shows up in a message', () => {
		const text = `flows:
  - id: main
    ingestTokens: [t]
    endpoints:
      - id: ep
        url: https://example.com/
        signing: { secret: "\${SECRET}" }
`
		const r = loadConfigText(text, 'c.yaml', { SECRET: 'super-secret-value' })
		expect(r).toEqual({ errors: [expect.stringMatching(/^c\.yaml:7:28 flows\[0\]\.endpoints\[0\]\.signing\.secret: /)] })
		expect(JSON.stringify(r)).not.toContain('super-secret-value')
	})

	test('an endpoint URL from a variable ending in a newline loads trimmed; one with a line break inside is refused', () => {
		const text = `flows:
  - id: main
    ingestTokens: [t]
    endpoints:
      - id: ep
        url: "\${URL}"
        signing: { scheme: none }
`
		const r = loadConfigText(text, 'c.yaml', { URL: 'https://example.com/hook\n' })
		if (!('config' in r)) throw new Error(r.errors.join('\n'))
		expect(r.config.flows[0].endpoints[0].url).toBe('https://example.com/hook')
		const inside = loadConfigText(text, 'c.yaml', { URL: 'https://example.com/ho\nok' })
		expect(inside).toEqual({ errors: ['c.yaml:6:14 flows[0].endpoints[0].url: must not hold control characters'] })
	})

	test('keys are not expanded, and $${ stays literal', () => {
		const text = `flows:
  - id: main
    ingestTokens: ["$\${NOT_A_VAR}"]
`
		const r = loadConfigText(text, 'c.yaml', {})
		if (!('config' in r)) throw new Error(r.errors.join('\n'))
		expect(r.config.flows[0].ingestTokens).toEqual(['${NOT_A_VAR}'])
	})
})
