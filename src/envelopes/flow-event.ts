// seeds/02: flow session events with a Unix-seconds `created`.

import type { EnvelopeInput } from './scope'
import { sessionMetadata } from './session-step'
import { unixSeconds } from './time'

export function flowEventBody({ flow, event }: EnvelopeInput): Record<string, unknown> {
	return {
		id: event.id,
		event: event.type,
		session_id: event.sessionId,
		created: unixSeconds(event.occurredAt),
		success: event.success,
		flow_name: flow.name,
		metadata: sessionMetadata(event),
		data: event.data,
	}
}
