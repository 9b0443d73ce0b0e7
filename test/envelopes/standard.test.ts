import { describe, expect, test } from 'bun:test'
import { buildBody } from '../../src/envelopes'
import { makeEndpoint, makeEvent, makeFlow } from '../support/fixtures'

describe('standard envelope', () => {
	test('builds the ENVELOPES.md example body byte for byte', () => {
		const flow = makeFlow({ id: 'billing', envelope: { kind: 'builtin', name: 'standard' } })
		const event = makeEvent({
			flow: 'billing',
			id: 'evt_2Xq9',
			type: 'invoice.paid',
			occurredAt: '2026-03-14T14:55:50.094Z',
			data: { invoice: 'in_1', amount: 1250 },
		})
		const body = buildBody({ flow, endpoint: makeEndpoint(), event, attempt: 1 })
		expect(body).toBe('{"type":"invoice.paid","timestamp":"2026-03-14T14:55:50.094Z","data":{"invoice":"in_1","amount":1250}}')
	})

	test('appends endpoint body fields after its own', () => {
		const body = buildBody({
			flow: makeFlow(),
			endpoint: makeEndpoint({ body: { source: 'hookgate' } }),
			event: makeEvent({ type: 'a', data: {} }),
			attempt: 1,
		})
		expect(body).toBe('{"type":"a","timestamp":"2026-03-14T14:55:50.094Z","data":{},"source":"hookgate"}')
	})

	test('sends the same body on every attempt', () => {
		const input = { flow: makeFlow(), endpoint: makeEndpoint(), event: makeEvent({ data: { x: 1 } }) }
		expect(buildBody({ ...input, attempt: 1 })).toBe(buildBody({ ...input, attempt: 7 }))
	})
})
