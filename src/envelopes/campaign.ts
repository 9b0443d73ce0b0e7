// seeds/04: a fixed shape; keys of data beyond it are not sent.

import { own } from './object'
import type { EnvelopeInput } from './scope'
import { isoUtc } from './time'

const REQUIRED_STRINGS = ['campaignId', 'label', 'phoneNumber'] as const
const OPTIONAL = ['option', 'keyword'] as const

export function campaignBody({ event }: EnvelopeInput): Record<string, unknown> {
	const d = event.data
	const body: Record<string, unknown> = {
		campaignId: own(d, 'campaignId'),
		label: own(d, 'label'),
		phoneNumber: own(d, 'phoneNumber'),
		date: isoUtc(event.occurredAt),
		response: own(d, 'response'),
	}
	for (const key of OPTIONAL) if (Object.hasOwn(d, key)) body[key] = d[key]
	return body
}

export function invalidCampaignData(data: Record<string, unknown>): { field: string; message: string } | null {
	for (const key of REQUIRED_STRINGS) {
		if (typeof own(data, key) !== 'string') return { field: `data.${key}`, message: `data.${key} must be a string` }
	}
	// any JSON value will do, null included, but it has to be there
	if (!Object.hasOwn(data, 'response')) return { field: 'data.response', message: 'data.response is required' }
	return null
}
