import { describe, expect, test } from 'bun:test'
import { renderUrl } from '../../src/envelopes'
import { makeEndpoint, makeEvent, makeFlow, SESSION } from '../support/fixtures'

function url(template: string, eventOverrides: Parameters<typeof makeEvent>[0] = {}, attempt = 1): string {
	return renderUrl({ flow: makeFlow({ id: 'crm' }), endpoint: makeEndpoint({ id: 'e1', url: template }), event: makeEvent(eventOverrides), attempt })
}

describe('renderUrl', () => {
	test('leaves a URL without placeholders as written', () => {
		expect(url('https://x.example.com/a%20b?q=1')).toBe('https://x.example.com/a%20b?q=1')
	})

	test('fills path and query placeholders, each value encoded with encodeURIComponent', () => {
		expect(url('https://crm.example.com/hooks/{{ event.type }}?ref={{ event.data.ref }}&s={{session.metadata.tier}}', {
			type: 'flow.start', data: { ref: 'a/b c&d=é' }, sessionId: SESSION.id, metadata: SESSION.metadata,
		})).toBe('https://crm.example.com/hooks/flow.start?ref=a%2Fb%20c%26d%3D%C3%A9&s=gold')
	})

	test('writes numbers, booleans, the attempt and flow/endpoint ids as text', () => {
		expect(url('https://x.example.com/{{ flow.id }}/{{ endpoint.id }}/{{ event.data.n }}/{{ event.success }}/{{ attempt }}', { data: { n: 5 } }, 2))
			.toBe('https://x.example.com/crm/e1/5/true/2')
	})

	test('encodes an object value as compact JSON', () => {
		expect(url('https://x.example.com/?o={{ event.data.o }}', { data: { o: { a: 1 } } })).toBe('https://x.example.com/?o=%7B%22a%22%3A1%7D')
	})
})
