import { describe, expect, test } from 'bun:test'
import { buildBody } from '../../src/envelopes'
import { makeEndpoint, makeEvent, makeFlow } from '../support/fixtures'

describe('record-event envelope', () => {
	test('builds the ENVELOPES.md example body byte for byte', () => {
		const flow = makeFlow({ envelope: { kind: 'builtin', name: 'record-event' } })
		const event = makeEvent({
			id: 'abc123-def456-ghi789',
			type: 'CONVERSATION_STARTED',
			occurredAt: '2024-01-15T10:30:00.000Z',
			data: { recordId: 'conv_abc123', organizationId: 'org_xyz789', channel: 'web' },
		})
		expect(buildBody({ flow, endpoint: makeEndpoint(), event, attempt: 1 })).toBe(
			'{"event":"CONVERSATION_STARTED","eventId":"abc123-def456-ghi789","eventTimestamp":"2024-01-15T10:30:00.000Z","data":{"recordId":"conv_abc123","organizationId":"org_xyz789","channel":"web"}}',
		)
	})
})
