import type { AttemptErrorClass, DeliveryStatus, StoredEvent } from '../domain'

// Values the store's operations take and return. Each consumer declares the
// operations it needs (src/ingest/store.ts, src/dispatch/queue.ts, …); the
// SQLite and the PostgreSQL store implement them all, so nothing outside
// src/store knows which database runs. Operations return Promises for
// PostgreSQL's sake.

export interface SessionRecord {
	flow: string
	id: string
	metadata: Record<string, unknown>
	createdAt: number
	updatedAt: number
}

export type CreateSessionOutcome =
	| { kind: 'created' | 'existing'; session: SessionRecord }
	| { kind: 'conflict' }

export interface NewEvent {
	id: string
	type: string
	sessionId: string | null
	/** null when the producer sent none (the time of acceptance is stored) */
	occurredAt: number | null
	success: boolean
	data: Record<string, unknown>
	/** W3C traceparent of the ingest span (tracing on), stored for the attempts' spans */
	traceContext?: string | null
}

export interface IngestItem {
	event: NewEvent
	/** endpoints whose filter matched, in endpoint order */
	endpoints: string[]
}

export interface DeliveryRef {
	id: string
	endpoint: string
	status: DeliveryStatus
}

export interface IngestedEvent {
	id: string
	duplicate: boolean
	deliveries: DeliveryRef[]
	/** set for new events only, so the dispatcher need not read them back */
	stored?: StoredEvent & { pk: number }
}

/** Why ingest is refused past 95% of storage.maxSize: the 503 message and the /readyz reason */
export const STORE_FULL = 'the store is past 95% of storage.maxSize'

export type IngestOutcome =
	| { ok: true; events: IngestedEvent[] }
	| { ok: false; index: number; code: 'id_conflict' | 'unknown_session' }
	/** past 95% of storage.maxSize (or would be with this request): nothing written */
	| { ok: false; code: 'store_full' }

export interface ClaimedJob {
	pk: number
	id: string
	flow: string
	endpoint: string
	eventPk: number
	attemptCount: number
	scheduleBase: number
	test: boolean
}

export interface AttemptRecord {
	n: number
	startedAt: number
	url: string
	requestHeaders: Record<string, string>
	requestBody: string
	status: number | null
	responseHeaders: Record<string, string>
	responseBody: string
	responseTruncated: boolean
	durationMs: number
	error: { class: AttemptErrorClass; message: string } | null
}

export interface Completion {
	pk: number
	attempt: AttemptRecord
	/** what the job becomes: pending again (retry), or finished */
	status: 'pending' | 'succeeded' | 'failed'
	nextAttemptAt: number
	now: number
	/** who claimed the job (default: the store's own id); a try whose lease was taken back is not written */
	owner?: string
}

export interface EndpointStateRecord {
	flow: string
	endpoint: string
	enabled: boolean
	disabledReason: string | null
	disabledAt: number | null
	consecutiveFailures: number
	failingSince: number | null
	/** set when health turned failing or the endpoint was disabled; the first success clears it (absent: none) */
	episodeSince?: number | null
	updatedAt: number
}

/**
 * An endpoint's caps as the claiming instance's config says. A store shared by
 * several instances holds them for all together; the SQLite store, one process,
 * leaves them to the dispatcher.
 */
export interface ClaimLimits {
	/** tries in flight to the endpoint */
	cap: number
	/** requests per second; null = none */
	rate: number | null
}
