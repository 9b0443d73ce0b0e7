// Records the store's reads return and its changes take, beside the ones of
// ./types: shared by the interfaces each consumer declares and by both stores.
import type { AttemptErrorClass, DeliveryStatus } from '../domain'
import type { NewEvent } from './types'

/** Pending jobs of one endpoint, for /metrics. */
export interface BacklogRow {
	flow: string
	endpoint: string
	pending: number
	oldestCreatedAt: number
}

/** Where the orphan-event purge goes on: the last candidate it looked at. */
export interface EventCursor {
	acceptedAt: number
	pk: number
}

// admin API: what its reads return and its changes take
/** A delivery with its event's id, type and session, as the admin API shows jobs. */
export interface JobRecord {
	pk: number
	id: string
	flow: string
	endpoint: string
	eventPk: number
	eventId: string
	eventType: string
	sessionId: string | null
	status: DeliveryStatus
	test: boolean
	attemptCount: number
	scheduleBase: number
	/** due time while pending, lease end while delivering */
	nextAttemptAt: number
	lastStatus: number | null
	lastError: { class: AttemptErrorClass; message: string } | null
	lastDurationMs: number | null
	createdAt: number
	updatedAt: number
}

export interface JobFilter {
	flow?: string
	endpoint?: string
	statuses?: DeliveryStatus[]
	type?: string
	sessionId?: string
	eventId?: string
	/** created at or after */
	since?: number
	/** created before */
	until?: number
	/** last changed at or after */
	updatedSince?: number
}

/** Keyset paging, newest first: rows whose pk is below `beforePk`. */
export interface Page {
	beforePk: number | null
	limit: number
}

export interface EventFilter {
	flow?: string
	type?: string
	sessionId?: string
}

export interface BulkReplayFilter {
	flow: string
	endpoint?: string
	statuses?: DeliveryStatus[]
	since: number
	until: number
	/** jobs created after the replay began are left alone */
	maxPk: number
}

/** `refused`: in flight (replay) or finished (cancel). */
export type JobChange =
	| { kind: 'missing' }
	| { kind: 'refused' | 'changed'; job: JobRecord }

export interface TestJobInput {
	flow: string
	endpoint: string
	event: NewEvent
	now: number
	/** the job is stored in flight until then, so the dispatcher leaves it alone */
	leaseUntil: number
}

export interface StatsQuery {
	flow: string | null
	/** counts and latency from here */
	since: number
	/** hourly series buckets counted from here */
	seriesStart: number
}

export interface StatsRows {
	/** jobs created since, by status */
	counts: Array<{ flow: string; endpoint: string; status: DeliveryStatus; count: number }>
	/** attempt durations since, nearest-rank percentiles */
	latency: Array<{ flow: string; endpoint: string; p50: number; p95: number; p99: number }>
	/** pending and delivering now */
	backlog: Array<{ flow: string; endpoint: string; backlog: number; oldestPendingAt: number | null }>
	/** attempts per hour: bucket n starts at seriesStart + n hours */
	series: Array<{ flow: string; endpoint: string; bucket: number; succeeded: number; failed: number }>
}

/** delivery.exhausted: jobs of one endpoint that finished failed in a window */
export interface FailedJobs {
	count: number
	/** the first `limit` job ids, oldest first */
	ids: string[]
	/** when the first of them failed; null when none */
	since: number | null
	lastError: { class: string; message: string; status: number | null } | null
}

/** report.undelivered: one endpoint with something to report */
export interface UndeliveredRow {
	flow: string
	endpoint: string
	failed: number
	pendingOverAnHour: number
	/** error classes of those jobs' last tries: class → count */
	errors: Record<string, number>
}
