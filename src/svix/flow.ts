// A Svix application as the rest of hookgate sees it: a flow whose envelope
// is the payload as sent and whose endpoints sign with Standard Webhooks.
import type { EndpointConfig, FlowConfig } from '../domain'
import type { SvixAppRecord } from '../store/svix-types'

export function svixFlow(app: SvixAppRecord, whitelabelHeaders: boolean): FlowConfig {
	return {
		id: app.id,
		name: app.name,
		envelope: { kind: 'builtin', name: 'raw' },
		events: null,
		ingestTokens: [],
		retryScheduleMs: null,
		timeoutMs: null,
		signing: { scheme: 'standard-webhooks' },
		endpoints: [],
		managedBy: 'svix',
		signatureHeaders: whitelabelHeaders ? 'webhook' : 'svix',
	}
}

/** The endpoints as delivery sees them: one without a throttleRate of its own is limited by its application's. */
export function svixEndpoints(app: SvixAppRecord, endpoints: EndpointConfig[]): EndpointConfig[] {
	if (app.throttleRate === null) return endpoints
	return endpoints.map((e) => (e.rateLimit !== null || !e.svix ? e : { ...e, rateLimit: app.throttleRate, svix: { ...e.svix, inheritedRate: true } }))
}

/** The endpoint as it was stored: the application's limit taken back off. */
export function ownEndpoint(e: EndpointConfig): EndpointConfig {
	if (!e.svix?.inheritedRate) return e
	const { inheritedRate: _, ...svix } = e.svix
	return { ...e, rateLimit: null, svix }
}
