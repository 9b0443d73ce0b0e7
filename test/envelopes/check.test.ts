import { describe, expect, test } from 'bun:test'
import { checkTemplate, checkUrlPlaceholders, envelopeFieldNames } from '../../src/envelopes'
import type { EnvelopeSpec } from '../../src/domain'

const template: EnvelopeSpec = { kind: 'template', template: {} }
const action: EnvelopeSpec = { kind: 'builtin', name: 'platform-action' }
const standard: EnvelopeSpec = { kind: 'builtin', name: 'standard' }

describe('envelopeFieldNames', () => {
	test.each([
		['standard', ['type', 'timestamp', 'data']],
		['session-step', ['payload', 'sessionId', 'pipelineId', 'stepId', 'date', 'metadata']],
		['flow-event', ['id', 'event', 'session_id', 'created', 'success', 'flow_name', 'metadata', 'data']],
		['record-event', ['event', 'eventId', 'eventTimestamp', 'data']],
		['campaign', ['campaignId', 'label', 'phoneNumber', 'date', 'response', 'option', 'keyword']],
		['platform-action', ['id', 'action', 'route', 'timestamp', 'data']],
	] as const)('lists the keys %s writes', (name, keys) => {
		expect(envelopeFieldNames({ kind: 'builtin', name })).toEqual([...keys])
	})

	test('lists a template object\'s top-level keys, and none for other templates', () => {
		expect(envelopeFieldNames({ kind: 'template', template: { kind: 'x', nested: { a: 1 } } })).toEqual(['kind', 'nested'])
		expect(envelopeFieldNames({ kind: 'template', template: ['a'] })).toEqual([])
		expect(envelopeFieldNames({ kind: 'template', template: '{{ event.data }}' })).toEqual([])
	})
})

describe('checkTemplate', () => {
	test('accepts every documented placeholder, with or without spaces', () => {
		const t = {
			a: '{{event.id}}', b: '{{ event.type }}', c: '{{ event.sessionId }}', d: '{{ event.success }}',
			e: '{{ event.occurredAt }}', f: '{{ event.occurredAtUnix }}', g: '{{ event.data }}', h: '{{ event.data.a.b.0 }}',
			i: '{{ session.id }}', j: '{{ session.metadata }}', k: '{{ session.metadata.tier }}', l: '{{ flow.id }}',
			m: '{{ flow.name }}', n: '{{ endpoint.id }}', o: 'try {{ attempt }}', p: 'plain { text } with } braces',
		}
		expect(checkTemplate(t, template)).toEqual([])
	})

	test('reports an unknown root at the path of its string', () => {
		const errors = checkTemplate({ outer: { list: ['ok', 'id={{ evnt.id }}'] } }, template)
		expect(errors).toHaveLength(1)
		expect(errors[0]!.path).toEqual(['outer', 'list', 1])
		expect(errors[0]!.message).toContain('evnt.id')
	})

	test.each([
		['{{ event.nope }}'],
		['{{ event }}'],
		['{{ flow.ingestTokens }}'],
		['{{ }}'],
		['{{ event..id }}'],
		['{{ event.id | upper }}'],
		['{{ event.data["x"] }}'],
		['{{ event.data.__proto__ }}'],
		['{{ session.metadata.constructor }}'],
		['{{ event.id'],
	])('refuses %s', (value) => {
		expect(checkTemplate({ v: value }, template)).toHaveLength(1)
	})

	test('refuses route.* unless the envelope is platform-action', () => {
		expect(checkTemplate({ g: '{{ route.group }}' }, template)[0]?.path).toEqual(['g'])
		expect(checkTemplate({ g: '{{ route.group }}', n: '{{ route.name }}' }, action)).toEqual([])
	})

	test('reports every bad placeholder, and a template that is one string at the empty path', () => {
		expect(checkTemplate('{{ a }} {{ b }}', template).map((e) => e.path)).toEqual([[], []])
	})
})

describe('checkUrlPlaceholders', () => {
	test('accepts placeholders in path and query', () => {
		expect(checkUrlPlaceholders('https://crm.example.com/hooks/{{ event.type }}?s={{ session.id }}', standard)).toBeNull()
		expect(checkUrlPlaceholders('https://x.example.com/{{ route.group }}/{{ route.name }}', action)).toBeNull()
		expect(checkUrlPlaceholders('https://x.example.com/plain', standard)).toBeNull()
		expect(checkUrlPlaceholders('https://x.example.com?id={{ event.id }}', standard)).toBeNull()
		// a backslash ends the host of an http(s) URL, so what follows is path
		expect(checkUrlPlaceholders('https://x.example.com:8443\\@{{ event.id }}', standard)).toBeNull()
		expect(checkUrlPlaceholders('http://127.0.0.1:21001/{{ event.id }}.json', standard)).toBeNull()
	})

	test.each([
		['https://{{ event.data.host }}/x'],
		['https://api.{{ event.type }}.example.com/x'],
		['https://x.example.com:{{ event.data.port }}/x'],
		['{{ event.data.scheme }}://x.example.com/'],
		['https://user:{{ event.id }}@x.example.com/'],
		['https://x.example.com/#{{ event.id }}'],
		// the parser, not `://`, says where the host is
		['http:/{{ event.data.h }}:21001/p'],
		['http:/\t/{{ event.data.h }}/p'],
		['http:{{ event.data.h }}/p'],
		['http:///{{ event.data.h }}/p'],
		['https://x.example.com{{ event.data.h }}/p'],
	])('refuses placeholders outside path and query: %s', (url) => {
		expect(checkUrlPlaceholders(url, standard)).toContain('path and query')
	})

	test('refuses a literal dot segment that would drop a placeholder', () => {
		expect(checkUrlPlaceholders('https://x.example.com/a/{{ event.id }}/../b', standard)).toBe('a "." or ".." path segment would drop a placeholder when the URL is parsed')
		expect(checkUrlPlaceholders('https://x.example.com/a/../{{ event.id }}', standard)).toBeNull()
	})

	test('refuses unknown roots and route.* without platform-action', () => {
		expect(checkUrlPlaceholders('https://x.example.com/{{ evnt.id }}', standard)).toContain('evnt.id')
		expect(checkUrlPlaceholders('https://x.example.com/{{ route.group }}', standard)).toContain('platform-action')
		expect(checkUrlPlaceholders('https://x.example.com/{{ event.id', standard)).not.toBeNull()
	})
})
