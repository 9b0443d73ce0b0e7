import { describe, expect, test } from 'bun:test'
import { buildBody } from '../../src/envelopes'
import { makeEndpoint, makeEvent, makeFlow } from '../support/fixtures'

const flow = makeFlow({ envelope: { kind: 'builtin', name: 'campaign' } })
const endpoint = makeEndpoint({
	id: 'bot',
	headers: { 'X-Api-Key': { value: 'k-123', sensitive: false } },
	body: { botId: 'bot-7' },
})

describe('campaign envelope', () => {
	test('builds the ENVELOPES.md example body byte for byte, endpoint fields last', () => {
		const event = makeEvent({
			id: 'msg-7731',
			type: 'campaign.response',
			occurredAt: '2026-03-14T14:55:50.094Z',
			data: {
				campaignId: 'cmp_42',
				label: 'Welcome Message',
				phoneNumber: '+5215512345678',
				response: '2',
				option: '2',
				keyword: 'RAFFLE',
			},
		})
		expect(buildBody({ flow, endpoint, event, attempt: 1 })).toBe(
			'{"campaignId":"cmp_42","label":"Welcome Message","phoneNumber":"+5215512345678","date":"2026-03-14T14:55:50.094Z","response":"2","option":"2","keyword":"RAFFLE","botId":"bot-7"}',
		)
	})

	test('leaves out option and keyword when data lacks them, and never sends other data keys', () => {
		const event = makeEvent({
			occurredAt: '2026-03-14T14:55:50.094Z',
			data: { campaignId: 'c', label: 'l', phoneNumber: 'p', response: { choice: 1 }, extra: 'no' },
		})
		expect(buildBody({ flow, endpoint, event, attempt: 1 })).toBe(
			'{"campaignId":"c","label":"l","phoneNumber":"p","date":"2026-03-14T14:55:50.094Z","response":{"choice":1},"botId":"bot-7"}',
		)
	})
})
