// The words of hookgate, used the same way in code, API, viewer and docs.
//
// flow      a named stream of events of one product area, declared in YAML
// session   one run of a flow; its metadata travels with every event sent in it
// event     what a producer sends: {id, type, sessionId?, occurredAt, success, data}
// endpoint  a receiver of a flow's events (YAML-declared or added through the API)
// delivery  ("webhook job") one event to one endpoint, retried until it lands
// attempt   one HTTP try of a delivery; its number is the "run number"
//
// Times inside the process are Unix milliseconds (numbers); durations are
// milliseconds. Only the HTTP and YAML edges speak ISO strings and '5s'.

export const VERSION = '0.1.0'

export type DeliveryStatus = 'pending' | 'delivering' | 'succeeded' | 'failed' | 'cancelled'
export const DELIVERY_STATUSES: readonly DeliveryStatus[] = ['pending', 'delivering', 'succeeded', 'failed', 'cancelled']

export type AttemptErrorClass =
	| 'dns' | 'connect' | 'tls' | 'timeout' | 'network' | 'blocked' | 'redirect' | 'http_status' | 'internal'

export type SigningScheme = 'hmac-sha256' | 'standard-webhooks' | 'none'

export type BuiltinEnvelope =
	| 'standard' | 'session-step' | 'flow-event' | 'record-event' | 'campaign' | 'platform-action' | 'raw'
export const BUILTIN_ENVELOPES: readonly BuiltinEnvelope[] = [
	'standard', 'session-step', 'flow-event', 'record-event', 'campaign', 'platform-action', 'raw',
]

export type EnvelopeSpec =
	| { kind: 'builtin'; name: BuiltinEnvelope }
	| { kind: 'template'; template: unknown }

export interface SigningConfig {
	scheme: SigningScheme
	/** null only for scheme 'none' */
	secret: string | null
	/** hmac-sha256 only; lowercase */
	header: string
	encoding: 'hex' | 'base64'
	/** an older secret that keeps signing beside the new one until `until` (ms) */
	previous: { secret: string; until: number } | null
	/** more older secrets, newest first (Svix applications keep up to 10) */
	olderKeys?: Array<{ secret: string; until: number }>
}

export interface HeaderValue {
	value: string
	sensitive: boolean
}

export interface EndpointConfig {
	id: string
	url: string
	/** type filter with `*` wildcards; null = every type */
	events: string[] | null
	signing: SigningConfig
	/** keyed by the name as written */
	headers: Record<string, HeaderValue>
	/** extra top-level body fields */
	body: Record<string, unknown>
	timeoutMs: number | null
	retryScheduleMs: number[] | null
	concurrency: number | null
	rateLimit: number | null
	/** as declared; `false` in YAML wins over a state set through the API */
	enabled: boolean
	managedBy: 'config' | 'api'
	createdAt: number | null
	/** what the Svix-compatible API keeps of an endpoint it created */
	svix?: SvixEndpointFields
}

export interface SvixEndpointFields {
	uid: string | null
	description: string
	metadata: Record<string, string>
	/** null: every type */
	eventTypes: string[] | null
	/** null: only messages without channels */
	channels: string[] | null
	updatedAt: number
	/** set by the catalog, never stored: rateLimit is the application's throttleRate, the endpoint has none of its own */
	inheritedRate?: boolean
}

export interface FlowConfig {
	id: string
	name: string
	envelope: EnvelopeSpec
	/** accepted event types; null = any */
	events: string[] | null
	ingestTokens: string[]
	retryScheduleMs: number[] | null
	timeoutMs: number | null
	/** defaults merged under each endpoint's own signing block */
	signing: Partial<Omit<SigningConfig, 'previous'>>
	endpoints: EndpointConfig[]
	/** absent: declared in YAML; 'svix': an application created through /api/v1 */
	managedBy?: 'svix'
	/** 'svix': deliveries carry svix-id, svix-timestamp, svix-signature (beside webhook-id) */
	signatureHeaders?: 'svix' | 'webhook'
}

export interface Config {
	/** the file it was loaded from (for messages and reload) */
	file: string
	/** publicUrl: how browsers reach the gateway, no trailing slash; '' = the request's own scheme and Host */
	server: { host: string; port: number; maxBodyBytes: number; shutdownGraceMs: number; publicUrl: string }
	storage: {
		sqlite: string
		synchronous: 'full' | 'normal'
		maxSizeBytes: number
		postgres: { url: string; poolSize: number } | null
	}
	admin: { tokens: string[] }
	/** frameAncestors: the CSP `frame-ancestors` source list of /ui/portal */
	portal: { frameAncestors: string }
	metrics: { token: string }
	/** the Svix-compatible /api/v1 (no tokens: closed) */
	svix: { tokens: string[]; endpointsPerApp: number; whitelabelHeaders: boolean }
	log: { level: 'debug' | 'info' | 'warn' | 'error' }
	limits: { endpointsPerFlow: number; batchEvents: number }
	delivery: {
		timeoutMs: number
		retryScheduleMs: number[]
		jitter: number
		maxRetryAfterMs: number
		concurrency: number
		endpointConcurrency: number
		/** false = none, true = all, or CIDR strings */
		allowPrivateNetworks: boolean | string[]
		failingAfter: number
		disableAfterMs: number
	}
	retention: { days: number; schedule: string }
	/** otlp.endpoint '' = no tracing; otlp.headers go to the collector only (sensitive) */
	tracing: { otlp: { endpoint: string; headers: Record<string, string> }; sampleRatio: number; propagate: boolean }
	/** flow '' = no operational events; reportSchedule: cron (UTC) of report.undelivered */
	operations: { flow: string; reportSchedule: string }
	flows: FlowConfig[]
}

/** An event as stored and as handed to envelopes. */
export interface StoredEvent {
	flow: string
	id: string
	type: string
	sessionId: string | null
	occurredAt: number
	success: boolean
	data: Record<string, unknown>
	/** the session's metadata when the event was accepted ({} without a session) */
	metadata: Record<string, unknown>
	acceptedAt: number
	/** W3C traceparent of the event's ingest span; null when it was accepted without tracing */
	traceContext?: string | null
}

export interface Route {
	group: string
	name: string
}
