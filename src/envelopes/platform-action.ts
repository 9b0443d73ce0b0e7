// seeds/05: the action name and the route it maps to.

import { missingSlug, routeFor, slugsFor } from './routes'
import type { EnvelopeInput } from './scope'
import { isoUtc } from './time'

export function platformActionBody({ event }: EnvelopeInput): Record<string, unknown> {
	return {
		id: event.id,
		action: event.type,
		// null only if data changed shape after ingest checked it; never for an accepted event
		route: routeFor(event.type, event.data),
		timestamp: isoUtc(event.occurredAt),
		data: event.data,
	}
}

export function invalidActionData(type: string, data: Record<string, unknown>): { field: string; message: string } | null {
	if (slugsFor(type) === null) return { field: 'type', message: 'type must be one of the platform action names' }
	const slug = missingSlug(type, data)
	return slug ? { field: `data.${slug}`, message: `data.${slug} must be a non-empty string for this action` } : null
}
