// seeds/01: one body per pipeline step; the flow id is the pipeline id.

import type { StoredEvent } from '../domain'
import type { EnvelopeInput } from './scope'
import { isoOffset } from './time'

/** A metadata snapshot only means something inside a session. */
export function sessionMetadata(event: StoredEvent): Record<string, unknown> {
	return event.sessionId === null ? {} : event.metadata
}

export function sessionStepBody({ flow, event }: EnvelopeInput): Record<string, unknown> {
	return {
		payload: event.data,
		sessionId: event.sessionId,
		pipelineId: flow.id,
		stepId: event.type,
		date: isoOffset(event.occurredAt),
		metadata: sessionMetadata(event),
	}
}
