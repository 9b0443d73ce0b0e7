// seeds/03: {event, eventId, eventTimestamp, data}; data must carry recordId and
// organizationId, which ingest enforces (see invalidRecordData).

import { own } from './object'
import type { EnvelopeInput } from './scope'
import { isoUtc } from './time'

export const RECORD_FIELDS = ['recordId', 'organizationId'] as const

export function recordEventBody({ event }: EnvelopeInput): Record<string, unknown> {
	return { event: event.type, eventId: event.id, eventTimestamp: isoUtc(event.occurredAt), data: event.data }
}

export function invalidRecordData(data: Record<string, unknown>): { field: string; message: string } | null {
	for (const key of RECORD_FIELDS) {
		if (typeof own(data, key) !== 'string') return { field: `data.${key}`, message: `data.${key} must be a string` }
	}
	return null
}
