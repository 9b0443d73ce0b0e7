import { describe, expect, test } from 'bun:test'
import { invalidData } from '../../src/envelopes'
import type { BuiltinEnvelope } from '../../src/domain'
import { makeEndpoint, makeFlow } from '../support/fixtures'

const flowWith = (name: BuiltinEnvelope, urls: string[] = []) =>
	makeFlow({
		envelope: { kind: 'builtin', name },
		endpoints: urls.map((url, i) => makeEndpoint({ id: `e${i}`, url })),
	})

const campaign = { campaignId: 'c', label: 'l', phoneNumber: 'p', response: '2' }

describe('invalidData', () => {
	test('accepts anything for envelopes that need nothing', () => {
		expect(invalidData({ flow: flowWith('standard'), type: 'x', data: {} })).toBeNull()
		expect(invalidData({ flow: flowWith('flow-event'), type: 'x', data: {} })).toBeNull()
		expect(invalidData({ flow: makeFlow({ envelope: { kind: 'template', template: { a: '{{ event.data.x }}' } } }), type: 'x', data: {} })).toBeNull()
	})

	test.each([
		[{ organizationId: 'o' }, 'data.recordId'],
		[{ recordId: 'r' }, 'data.organizationId'],
		[{ recordId: 1, organizationId: 'o' }, 'data.recordId'],
		[{ recordId: 'r', organizationId: null }, 'data.organizationId'],
	])('record-event refuses %j naming %s', (data, field) => {
		expect(invalidData({ flow: flowWith('record-event'), type: 'X', data })?.field).toBe(field)
	})

	test('record-event accepts both ids as strings', () => {
		expect(invalidData({ flow: flowWith('record-event'), type: 'X', data: { recordId: 'r', organizationId: 'o', x: 1 } })).toBeNull()
	})

	test.each([
		['campaignId'], ['label'], ['phoneNumber'], ['response'],
	])('campaign refuses data without %s', (key) => {
		const data: Record<string, unknown> = { ...campaign }
		delete data[key]
		expect(invalidData({ flow: flowWith('campaign'), type: 'c', data })?.field).toBe(`data.${key}`)
	})

	test('campaign takes any JSON response, null included, and refuses non-string ids', () => {
		expect(invalidData({ flow: flowWith('campaign'), type: 'c', data: { ...campaign, response: null } })).toBeNull()
		expect(invalidData({ flow: flowWith('campaign'), type: 'c', data: { ...campaign, label: 3 } })?.field).toBe('data.label')
	})

	test('platform-action needs the slugs its route uses and a known action', () => {
		const flow = flowWith('platform-action')
		expect(invalidData({ flow, type: 'Users Created', data: {} })).toBeNull()
		expect(invalidData({ flow, type: 'Submission Created', data: { kappSlug: 'k' } })?.field).toBe('data.formSlug')
		expect(invalidData({ flow, type: 'Form Updated', data: { formSlug: 'f' } })?.field).toBe('data.kappSlug')
		expect(invalidData({ flow, type: 'Datastore Form Created', data: {} })?.field).toBe('data.datastoreFormSlug')
		expect(invalidData({ flow, type: 'Datastore Submission Submitted', data: { datastoreFormSlug: '' } })?.field).toBe('data.datastoreFormSlug')
		expect(invalidData({ flow, type: 'Users Exploded', data: {} })?.field).toBe('type')
	})

	test('refuses data missing a value an endpoint URL needs, at any depth', () => {
		const flow = flowWith('standard', ['https://x.example.com/a', 'https://y.example.com/{{ event.data.account.id }}?r={{ event.data.ref }}'])
		expect(invalidData({ flow, type: 't', data: { account: { id: 'a' }, ref: 'r' } })).toBeNull()
		expect(invalidData({ flow, type: 't', data: { ref: 'r' } })?.field).toBe('data.account.id')
		expect(invalidData({ flow, type: 't', data: { account: { id: null }, ref: 'r' } })?.field).toBe('data.account.id')
		expect(invalidData({ flow, type: 't', data: { account: { id: 'a' } } })?.field).toBe('data.ref')
	})

	test('messages name the field and never echo a value', () => {
		const result = invalidData({ flow: flowWith('record-event'), type: 'X', data: { recordId: 'SECRET-VALUE-123' } })
		expect(result?.message).toContain('data.organizationId')
		const wrongType = invalidData({ flow: flowWith('record-event'), type: 'X', data: { recordId: 42424242, organizationId: 'o' } })
		expect(wrongType?.message).not.toContain('42424242')
	})
})

describe('values a URL placeholder could not send as written', () => {
	const flow = flowWith('standard', ['https://x.example.com/ok', 'https://x.example.com/hooks/{{ event.data.x }}/tail?q={{ event.data.q }}'])
	test.each([
		['.', 'data.x'],
		['..', 'data.x'],
	])('%p as a whole path segment walks the path: refused, naming %s', (x, field) => {
		const bad = invalidData({ flow, type: 't', data: { x, q: 'fine' } })
		expect(bad?.field).toBe(field)
		expect(bad?.message).toBe('endpoint e1: the value of {{ event.data.x }} makes a URL path segment "." or "..", which would change the path')
	})

	test('dots inside a longer segment, or in the query, are ordinary text', () => {
		for (const data of [{ x: '...', q: '..' }, { x: 'a..b', q: '.' }, { x: '.hidden', q: 'x' }, { x: '%2e%2e', q: 'x' }]) {
			expect(invalidData({ flow, type: 't', data })).toBeNull()
		}
	})

	test('a placeholder next to literal dots is judged on the whole segment', () => {
		const f = flowWith('standard', ['https://x.example.com/a/{{ event.data.x }}./b', 'https://x.example.com/a/%2e{{ event.data.y }}/b'])
		expect(invalidData({ flow: f, type: 't', data: { x: '.', y: 'z' } })?.field).toBe('data.x')
		expect(invalidData({ flow: f, type: 't', data: { x: 'z', y: '.' } })?.field).toBe('data.y')
		expect(invalidData({ flow: f, type: 't', data: { x: 'z', y: 'z' } })).toBeNull()
	})

	test('event.type and event.id count as much as data', () => {
		const f = flowWith('standard', ['https://x.example.com/{{ event.type }}/{{ event.id }}/p'])
		expect(invalidData({ flow: f, type: '..', data: {}, id: 'e1' })?.field).toBe('type')
		expect(invalidData({ flow: f, type: 't', data: {}, id: '..' })?.field).toBe('id')
		expect(invalidData({ flow: f, type: 't', data: {}, id: 'e.1' })).toBeNull()
	})

	test('a lone surrogate cannot be percent-encoded: refused, in path or query; a pair is fine', () => {
		expect(invalidData({ flow, type: 't', data: { x: 'a\ud800', q: 'fine' } })?.field).toBe('data.x')
		expect(invalidData({ flow, type: 't', data: { x: 'fine', q: '\udc00z' } })?.message).toBe('endpoint e1: the value of {{ event.data.q }} holds a lone surrogate, which cannot be sent in a URL')
		expect(invalidData({ flow, type: 't', data: { x: '\ud83d\ude00', q: 'fine' } })).toBeNull()
		// an object is written as JSON, which escapes a lone surrogate
		expect(invalidData({ flow, type: 't', data: { x: { s: '\ud800' }, q: 'fine' } })).toBeNull()
	})
})
