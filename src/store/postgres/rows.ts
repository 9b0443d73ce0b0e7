// Bun's SQL client answers bigint (int8) and count(*) as strings, to lose no
// digit; every value here (ms times, row keys) fits a double, so rows become
// the same records the SQLite store returns.
import type { SQL } from 'bun'
import type { AttemptErrorClass, DeliveryStatus, StoredEvent } from '../../domain'
import type { JobRecord } from '../records'
import type { AttemptRecord, EndpointStateRecord } from '../types'

/** The pool, or a transaction taken from it. */
export type Q = SQL

type Row = Record<string, unknown>

export const num = (v: unknown): number => Number(v)
export const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v))

export type Stored = StoredEvent & { pk: number }

export const toEvent = (r: Row): Stored => ({
	pk: num(r.pk), flow: r.flow as string, id: r.id as string, type: r.type as string, sessionId: r.session_id as string | null,
	occurredAt: num(r.occurred_at), success: r.success as boolean, data: JSON.parse(r.data as string),
	metadata: JSON.parse(r.metadata as string), acceptedAt: num(r.accepted_at), traceContext: (r.trace_context as string | null) ?? null,
})

export const SELECT_JOB = `SELECT d.pk, d.id, d.flow, d.endpoint, d.event_pk, e.id AS event_id, e.type AS event_type, e.session_id,
	d.status, d.test, d.attempt_count, d.schedule_base, d.next_attempt_at, d.last_status, d.last_error_class,
	d.last_error_message, d.last_duration_ms, d.created_at, d.updated_at
	FROM deliveries d JOIN events e ON e.pk = d.event_pk`

export const toJob = (r: Row): JobRecord => ({
	pk: num(r.pk), id: r.id as string, flow: r.flow as string, endpoint: r.endpoint as string, eventPk: num(r.event_pk),
	eventId: r.event_id as string, eventType: r.event_type as string, sessionId: r.session_id as string | null,
	status: r.status as DeliveryStatus, test: r.test as boolean, attemptCount: num(r.attempt_count), scheduleBase: num(r.schedule_base),
	nextAttemptAt: num(r.next_attempt_at), lastStatus: numOrNull(r.last_status),
	lastError: r.last_error_class === null ? null : { class: r.last_error_class as AttemptErrorClass, message: (r.last_error_message as string | null) ?? '' },
	lastDurationMs: numOrNull(r.last_duration_ms), createdAt: num(r.created_at), updatedAt: num(r.updated_at),
})

export const toAttempt = (r: Row): AttemptRecord => ({
	n: num(r.n), startedAt: num(r.started_at), url: r.url as string, requestHeaders: JSON.parse(r.request_headers as string),
	requestBody: r.request_body as string, status: numOrNull(r.status), responseHeaders: JSON.parse(r.response_headers as string),
	responseBody: r.response_body as string, responseTruncated: r.response_truncated as boolean, durationMs: num(r.duration_ms),
	error: r.error_class === null ? null : { class: r.error_class as AttemptErrorClass, message: (r.error_message as string | null) ?? '' },
})

export const toState = (r: Row): EndpointStateRecord => ({
	flow: r.flow as string, endpoint: r.endpoint as string, enabled: r.enabled as boolean, disabledReason: r.disabled_reason as string | null,
	disabledAt: numOrNull(r.disabled_at), consecutiveFailures: num(r.consecutive_failures), failingSince: numOrNull(r.failing_since), episodeSince: numOrNull(r.episode_since),
	updatedAt: num(r.updated_at),
})

/** Builds `$n` placeholders for a statement put together from optional filters. */
export class Params {
	readonly values: unknown[] = []
	add(v: unknown): string {
		this.values.push(v)
		return `$${this.values.length}`
	}
}
