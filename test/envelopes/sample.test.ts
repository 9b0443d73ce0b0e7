import { describe, expect, test } from 'bun:test'
import { buildBody, invalidData, sampleEvent } from '../../src/envelopes'
import type { EnvelopeSpec } from '../../src/domain'
import { BUILTIN_ENVELOPES } from '../../src/domain'
import { makeEndpoint, makeEvent, makeFlow } from '../support/fixtures'

describe('sampleEvent', () => {
	test.each(BUILTIN_ENVELOPES.map((name) => [name]))('gives %s a sample that passes invalidData and builds', (name) => {
		const envelope: EnvelopeSpec = { kind: 'builtin', name }
		const endpoint = makeEndpoint({ url: 'https://x.example.com/{{ event.data.account.id }}' })
		const flow = makeFlow({ envelope, endpoints: [endpoint] })
		const sample = sampleEvent(envelope, flow)
		expect(invalidData({ flow, ...sample })).toBeNull()
		expect(() => JSON.parse(buildBody({ flow, endpoint, event: makeEvent(sample), attempt: 1 }))).not.toThrow()
	})

	test('uses Users Created for platform-action', () => {
		const envelope: EnvelopeSpec = { kind: 'builtin', name: 'platform-action' }
		expect(sampleEvent(envelope, makeFlow({ envelope })).type).toBe('Users Created')
	})

	test('uses the flow\'s first declared type, skipping wildcard patterns, else hookgate.test', () => {
		const envelope: EnvelopeSpec = { kind: 'builtin', name: 'flow-event' }
		expect(sampleEvent(envelope, makeFlow({ envelope, events: ['flow.*', 'flow.start'] })).type).toBe('flow.start')
		expect(sampleEvent(envelope, makeFlow({ envelope, events: null })).type).toBe('hookgate.test')
	})
})

test('a platform-action flow that narrows its actions gets a sample of one it takes, valid for its route', () => {
	const flow = makeFlow({ envelope: { kind: 'builtin', name: 'platform-action' }, events: ['Submission Submitted'] })
	const s = sampleEvent(flow.envelope, flow)
	expect(s.type).toBe('Submission Submitted')
	expect(invalidData({ flow, type: s.type, data: s.data })).toBeNull()
})
