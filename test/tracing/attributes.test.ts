import { expect, test } from 'bun:test'
import { attemptEndAttributes, attemptStartAttributes, ingestEndAttributes, redactedUrl, serverOf } from '../../src/tracing/attributes'

test.each([
	['https://h.example.com/hook', 'https://h.example.com/hook'],
	['https://h.example.com/hook?key=s3cret&type=a.b', 'https://h.example.com/hook?key=REDACTED&type=REDACTED'],
	['https://h.example.com/hook?flag', 'https://h.example.com/hook?flag=REDACTED'],
	['https://u:pw@h.example.com:8443/p#frag', 'https://h.example.com:8443/p'],
	['http://[::1]:9000/x?sig=abc', 'http://[::1]:9000/x?sig=REDACTED'],
])('url.full of %s keeps the shape, never a query value or credentials', (raw, want) => {
	expect(redactedUrl(raw)).toBe(want)
})

test('an unparsable URL gives no url.full', () => {
	expect(redactedUrl('not a url')).toBeNull()
	expect(serverOf('not a url')).toEqual({})
})

test.each([
	['https://h.example.com/x', { 'server.address': 'h.example.com', 'server.port': 443 }],
	['http://h.example.com/x', { 'server.address': 'h.example.com', 'server.port': 80 }],
	['http://10.0.0.7:9000/x', { 'server.address': '10.0.0.7', 'server.port': 9000 }],
	['http://[fd00::1]:81/x', { 'server.address': 'fd00::1', 'server.port': 81 }],
])('server.address and server.port of %s', (raw, want) => {
	expect(serverOf(raw)).toEqual(want)
})

test('an attempt span starts with its ids and ends with the HTTP client convention', () => {
	expect(attemptStartAttributes({ flow: 'f', endpoint: 'e', eventId: 'ev', n: 3 })).toEqual({
		'hookgate.flow': 'f', 'hookgate.endpoint': 'e', 'hookgate.event.id': 'ev', 'hookgate.attempt': 3, 'http.request.method': 'POST',
	})
	const base = { url: 'https://h.example.com/x?k=v', connectedIp: '203.0.113.5' }
	expect(attemptEndAttributes({ ...base, ok: true, status: 204, errorClass: null })).toEqual({
		'url.full': 'https://h.example.com/x?k=REDACTED', 'server.address': 'h.example.com', 'server.port': 443,
		'http.response.status_code': 204, 'network.peer.address': '203.0.113.5',
	})
	// a refused status names the status; a failure without an answer names its class, never its message
	expect(attemptEndAttributes({ ...base, ok: false, status: 503, errorClass: 'http_status' })['error.type']).toBe('503')
	expect(attemptEndAttributes({ ...base, ok: false, status: 302, errorClass: 'redirect' })['error.type']).toBe('redirect')
	const timeout = attemptEndAttributes({ ...base, ok: false, status: null, errorClass: 'timeout', connectedIp: null })
	expect(timeout['error.type']).toBe('timeout')
	expect(timeout['http.response.status_code']).toBeUndefined()
	expect(timeout['network.peer.address']).toBeUndefined()
})

test('an ingest span is an error only for a 5xx', () => {
	expect(ingestEndAttributes(202)).toEqual({ 'http.response.status_code': 202 })
	expect(ingestEndAttributes(422)).toEqual({ 'http.response.status_code': 422 })
	expect(ingestEndAttributes(503)).toEqual({ 'http.response.status_code': 503, 'error.type': '503' })
})
