// An EndpointConfig back in the form a YAML file or an API body writes it, so
// the admin API can apply a PATCH to a stored endpoint and send the result
// through normalizeEndpoint again: one set of rules for every change.

import type { EndpointConfig } from '../domain'
import { formatDuration } from './duration'
import type { EndpointInput } from './schema'

export function endpointToInput(ep: EndpointConfig): EndpointInput {
	const { scheme, secret, header, encoding, previous } = ep.signing
	const hmac = scheme === 'hmac-sha256'
	return {
		id: ep.id,
		url: ep.url,
		events: ep.events,
		signing: {
			scheme,
			...(secret !== null ? { secret } : {}),
			// header and encoding are refused for other schemes, so they only travel with hmac
			...(hmac ? { header, encoding } : {}),
			previous: previous ? { secret: previous.secret, until: new Date(previous.until).toISOString() } : null,
		},
		headers: Object.fromEntries(
			Object.entries(ep.headers).map(([name, h]) => [name, h.sensitive ? { value: h.value, sensitive: true } : h.value]),
		),
		body: ep.body,
		timeout: ep.timeoutMs !== null ? formatDuration(ep.timeoutMs) : null,
		retrySchedule: ep.retryScheduleMs?.map(formatDuration) ?? null,
		concurrency: ep.concurrency,
		rateLimit: ep.rateLimit,
		enabled: ep.enabled,
	}
}
