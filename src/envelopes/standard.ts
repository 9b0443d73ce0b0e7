// Standard Webhooks' recommended payload: {type, timestamp, data}.

import type { EnvelopeInput } from './scope'
import { isoUtc } from './time'

export function standardBody({ event }: EnvelopeInput): Record<string, unknown> {
	return { type: event.type, timestamp: isoUtc(event.occurredAt), data: event.data }
}
