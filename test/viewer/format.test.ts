import { expect, test } from 'bun:test'
import { curlFor, errorWords, failedReason, pretty, relative } from '../../src/viewer/app/format'
import { safeNext } from '../../src/viewer/app/views/signin'
import { endpointPayload } from '../../src/viewer/app/views/endpoint-form'

test('error classes read as words an operator would say', () => {
	expect(errorWords({ class: 'timeout', message: 'deadline' }, null, 10_000)).toBe('timed out after 10.0 s')
	expect(errorWords({ class: 'blocked', message: '10.0.0.5 is a private address' })).toBe('blocked: 10.0.0.5 is a private address')
	expect(errorWords({ class: 'connect', message: 'ECONNREFUSED' })).toBe('connection refused or host unreachable (ECONNREFUSED)')
	expect(errorWords({ class: 'http_status', message: 'HTTP 503' }, 503)).toBe('answered 503')
	expect(errorWords({ class: 'redirect', message: 'HTTP 302' }, 302)).toBe('answered a redirect (302), which is not followed')
	expect(errorWords(null, 200)).toBe('answered 200')
})

test('a failed job says why in one sentence; other statuses say nothing', () => {
	const base = { attemptCount: 8, lastStatus: null, lastDurationMs: 10_000, test: false }
	expect(failedReason({ ...base, status: 'failed', lastError: { class: 'timeout', message: '' } })).toBe('Gave up after 8 attempts: the last one timed out after 10.0 s.')
	expect(failedReason({ ...base, status: 'failed', lastStatus: 500, lastError: { class: 'http_status', message: 'HTTP 500' } })).toBe('Gave up after 8 attempts: the last one answered 500.')
	expect(failedReason({ ...base, status: 'failed', attemptCount: 1, lastError: { class: 'blocked', message: '10.0.0.5 is a private address' } }))
		.toBe('Gave up after 1 attempt: the last one failed — blocked: 10.0.0.5 is a private address.')
	expect(failedReason({ ...base, status: 'succeeded', lastError: null })).toBeNull()
})

test('copy as curl is the exact request with secret headers left as placeholders', () => {
	const line = curlFor({
		url: 'https://example.com/hook?a=1',
		requestHeaders: { 'content-type': 'application/json', authorization: 'Bearer …abcd', 'x-api-key': 'k', 'webhook-id': "it's", 'content-length': '9' },
		requestBody: `{"q":"it's"}`,
	})
	expect(line).toBe(`curl -X POST 'https://example.com/hook?a=1' -H 'content-type: application/json' -H 'authorization: <authorization>' -H 'x-api-key: <x-api-key>' -H 'webhook-id: it'\\''s' --data-raw '{"q":"it'\\''s"}'`)
})

test('sign-in only returns to viewer pages', () => {
	expect(safeNext('/ui/jobs?status=failed')).toBe('/ui/jobs?status=failed')
	expect(safeNext('//evil.example/ui')).toBe('/ui/jobs')
	expect(safeNext('https://evil.example/')).toBe('/ui/jobs')
	expect(safeNext('/ui/signin?next=/ui')).toBe('/ui/jobs')
	expect(safeNext(null)).toBe('/ui/jobs')
})

test('an edit sends only changed headers, keeps a redacted one by leaving it out, removes with null', () => {
	const orig = (name: string, value: string, sensitive: boolean) => ({ name, value, sensitive, orig: { name, value, sensitive } })
	const rows = [
		orig('X-Api-Key', '…9876', true),
		{ ...orig('X-Team', 'a', false), value: 'b' },
		{ ...orig('X-Old', 'x', false), deleted: true },
		{ name: 'X-New', value: 'n', sensitive: true, orig: null },
	]
	expect(endpointPayload({ url: 'https://e.example/h', events: 'a, b', rows, body: '{"t": 1}' }, true)).toEqual({
		url: 'https://e.example/h', events: ['a', 'b'], body: { t: 1 },
		headers: { 'X-Team': 'b', 'X-New': { value: 'n', sensitive: true }, 'X-Old': null },
	})
	expect(endpointPayload({ url: 'ftp://x', events: '', rows: [], body: '' }, false)).toBe('The URL must start with http:// or https://')
	expect(endpointPayload({ url: 'http://x', events: '', rows: [], body: '[1]' }, false)).toBe('Extra body fields must be a JSON object')
})

test('bodies are pretty when JSON and untouched otherwise; times read relative', () => {
	expect(pretty('{"a":1}')).toBe('{\n  "a": 1\n}')
	expect(pretty('<html>')).toBe('<html>')
	expect(relative(new Date(Date.now() + 90_000).toISOString())).toBe('in 2 min')
	expect(relative(new Date(Date.now() - 5_000).toISOString())).toBe('5 s ago')
})
