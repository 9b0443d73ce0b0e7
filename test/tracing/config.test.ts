import { expect, test } from 'bun:test'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { loadConfigFile, loadConfigText } from '../../src/config/load'

const FLOW = 'flows:\n  - id: main\n    ingestTokens: [t1]\n'

function load(tracing: string, env: Record<string, string> = {}) {
	return loadConfigText(`tracing:\n${tracing}${FLOW}`, 'c.yaml', env)
}
function errorsOf(tracing: string, env: Record<string, string> = {}): string[] {
	const r = load(tracing, env)
	if ('config' in r) throw new Error('expected the file to be refused')
	return r.errors
}

test('tracing is off by default and takes the documented defaults', () => {
	const r = loadConfigText(FLOW, 'c.yaml', {})
	if ('errors' in r) throw new Error(r.errors.join('\n'))
	expect(r.config.tracing).toEqual({ otlp: { endpoint: '', headers: {} }, sampleRatio: 1, propagate: true })
})

test('a full tracing section loads, header values expanded from the environment', () => {
	const r = load('  otlp:\n    endpoint: https://otel.example.com:4318/v1/traces\n    headers: { authorization: "Bearer ${OTEL_TOKEN}", x-scope: team-a }\n  sampleRatio: 0.25\n  propagate: false\n', { OTEL_TOKEN: 'tok-1' })
	if ('errors' in r) throw new Error(r.errors.join('\n'))
	expect(r.config.tracing).toEqual({
		otlp: { endpoint: 'https://otel.example.com:4318/v1/traces', headers: { authorization: 'Bearer tok-1', 'x-scope': 'team-a' } },
		sampleRatio: 0.25,
		propagate: false,
	})
})

test.each([
	['an endpoint that is no URL', '  otlp:\n    endpoint: collector:4318\n', 'c.yaml:3:15 tracing.otlp.endpoint: must be an http or https URL'],
	['a relative endpoint', '  otlp:\n    endpoint: /v1/traces\n', 'c.yaml:3:15 tracing.otlp.endpoint: must be an absolute http(s) URL like http://127.0.0.1:4318/v1/traces, or empty'],
	['credentials in the endpoint', '  otlp:\n    endpoint: http://u:p@127.0.0.1:4318/v1/traces\n', 'c.yaml:3:15 tracing.otlp.endpoint: must not carry a user name or password (send credentials in tracing.otlp.headers)'],
	['a header name that is no token', '  otlp:\n    headers: { "bad name": x }\n', 'c.yaml:3:28 tracing.otlp.headers.bad name: a header name must be an HTTP token (letters, digits and !#$%&\'*+-.^_`|~)'],
	['a header that is not a string', '  otlp:\n    headers: { x-n: 5 }\n', 'c.yaml:3:21 tracing.otlp.headers.x-n: expected a string, got a whole number'],
	['a ratio above 1', '  sampleRatio: 1.5\n', 'c.yaml:2:16 tracing.sampleRatio: must be between 0 and 1'],
	['a ratio below 0', '  sampleRatio: -0.1\n', 'c.yaml:2:16 tracing.sampleRatio: must be between 0 and 1'],
	['propagate not a boolean', '  propagate: "yes"\n', 'c.yaml:2:14 tracing.propagate: expected true or false, got a string'],
	['an unknown key', '  otlp:\n    protocol: grpc\n', 'c.yaml:3:5 tracing.otlp.protocol: unknown key'],
])('%s is refused at its line and column', (_, tracing, line) => {
	expect(errorsOf(tracing)).toEqual([line])
})

test('a refused collector header never shows its value', () => {
	const errors = errorsOf('  otlp:\n    headers: { authorization: "Bearer secret-otlp-1\\u0001" }\n')
	expect(errors).toHaveLength(1)
	expect(errors[0]).toStartWith('c.yaml:3:31 tracing.otlp.headers.authorization: the value of header authorization must be visible ASCII')
	expect(errors.join('')).not.toContain('secret-otlp-1')
})

test('config.example.yaml documents every tracing key and runs with tracing off', () => {
	const path = join(import.meta.dir, '../../config.example.yaml')
	const text = readFileSync(path, 'utf8')
	for (const key of ['tracing', 'otlp', 'endpoint', 'headers', 'sampleRatio', 'propagate']) expect(text).toMatch(new RegExp(`\\n\\s*${key}:`))
	const r = loadConfigFile(path, {})
	if ('errors' in r) throw new Error(r.errors.join('\n'))
	expect(r.config.tracing).toEqual({ otlp: { endpoint: '', headers: {} }, sampleRatio: 1, propagate: true })
})
