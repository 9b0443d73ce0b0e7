import { describe, expect, test } from 'bun:test'
import { buildBody } from '../../src/envelopes'
import { makeEndpoint, makeEvent, makeFlow, SESSION } from '../support/fixtures'

const flow = makeFlow({
	id: 'onboarding',
	name: 'Customer onboarding',
	envelope: { kind: 'builtin', name: 'flow-event' },
	events: ['flow.start', 'flow.end', 'technology.start', 'technology.end'],
})

describe('flow-event envelope', () => {
	test('builds the ENVELOPES.md example body byte for byte, created in whole Unix seconds', () => {
		const event = makeEvent({
			flow: 'onboarding',
			id: 'wh_01HV7K',
			type: 'technology.end',
			sessionId: SESSION.id,
			metadata: SESSION.metadata,
			occurredAt: '2026-03-14T14:55:50.094Z',
			success: false,
			data: { technology_code: 'liveness', reason: 'timeout' },
		})
		expect(buildBody({ flow, endpoint: makeEndpoint(), event, attempt: 1 })).toBe(
			'{"id":"wh_01HV7K","event":"technology.end","session_id":"65f30fb56f1cef0a7d8103fb","created":1773500150,"success":false,"flow_name":"Customer onboarding","metadata":{"customerRef":"c-42","tier":"gold"},"data":{"technology_code":"liveness","reason":"timeout"}}',
		)
	})

	test('sends session_id null and metadata {} without a session', () => {
		const event = makeEvent({ id: 'x', type: 'flow.start', occurredAt: '2026-03-14T14:55:50.999Z' })
		expect(buildBody({ flow, endpoint: makeEndpoint(), event, attempt: 1 })).toBe(
			'{"id":"x","event":"flow.start","session_id":null,"created":1773500150,"success":true,"flow_name":"Customer onboarding","metadata":{},"data":{}}',
		)
	})
})
