import { describe, expect, test } from 'bun:test'
import { buildBody } from '../../src/envelopes'
import { makeEndpoint, makeEvent, makeFlow, SESSION } from '../support/fixtures'

const flow = makeFlow({ id: '65f17595d5ac510490543f4c', envelope: { kind: 'builtin', name: 'session-step' } })

describe('session-step envelope', () => {
	test('builds the ENVELOPES.md example body byte for byte, keeping the +00:00 date form', () => {
		const event = makeEvent({
			flow: flow.id,
			id: 'e-1',
			type: 'signAgreement',
			sessionId: SESSION.id,
			metadata: SESSION.metadata,
			occurredAt: '2024-03-14T14:55:50.094Z',
			data: { documentId: 'doc-9', signed: true },
		})
		expect(buildBody({ flow, endpoint: makeEndpoint(), event, attempt: 1 })).toBe(
			'{"payload":{"documentId":"doc-9","signed":true},"sessionId":"65f30fb56f1cef0a7d8103fb","pipelineId":"65f17595d5ac510490543f4c","stepId":"signAgreement","date":"2024-03-14T14:55:50.094+00:00","metadata":{"customerRef":"c-42","tier":"gold"}}',
		)
	})

	test('sends a null sessionId and empty metadata without a session', () => {
		const event = makeEvent({ type: 'step', occurredAt: '2024-03-14T14:55:50.000Z', metadata: { stale: true } })
		expect(buildBody({ flow, endpoint: makeEndpoint(), event, attempt: 1 })).toBe(
			'{"payload":{},"sessionId":null,"pipelineId":"65f17595d5ac510490543f4c","stepId":"step","date":"2024-03-14T14:55:50.000+00:00","metadata":{}}',
		)
	})
})
