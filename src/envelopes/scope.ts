// What placeholders can see. Only the names listed in ENVELOPES.md exist here,
// so resolving a path against this object can reach nothing else.

import type { EndpointConfig, FlowConfig, StoredEvent } from '../domain'
import { routeFor } from './routes'
import { isoUtc, unixSeconds } from './time'

export interface EnvelopeInput {
	flow: FlowConfig
	endpoint: EndpointConfig
	event: StoredEvent
	attempt: number
}

export function buildScope({ flow, endpoint, event, attempt }: EnvelopeInput): Record<string, unknown> {
	const scope: Record<string, unknown> = {
		event: {
			id: event.id,
			type: event.type,
			sessionId: event.sessionId,
			success: event.success,
			occurredAt: isoUtc(event.occurredAt),
			occurredAtUnix: unixSeconds(event.occurredAt),
			data: event.data,
		},
		session: { id: event.sessionId, metadata: event.sessionId === null ? {} : event.metadata },
		flow: { id: flow.id, name: flow.name },
		endpoint: { id: endpoint.id },
		attempt,
	}
	const route = routeFor(event.type, event.data)
	if (route) scope.route = { group: route.group, name: route.name }
	return scope
}
