// What the Svix-compatible API (/api/v1) keeps beside flows, events and jobs.
import type { DeliveryStatus } from '../domain'
import type { IngestedEvent } from './types'

/** An application: a flow created through /api/v1. */
export interface SvixAppRecord {
	id: string
	uid: string | null
	name: string
	metadata: Record<string, string>
	throttleRate: number | null
	createdAt: number
	updatedAt: number
}

/** How long a stored answer is replayed for a POST with the same idempotency key. */
export const IDEMPOTENCY_TTL_MS = 12 * 3600_000

/**
 * Another request with the same idempotency key stored its answer first (on
 * another instance, or here after the wait for it ran out): the database is
 * the arbiter, this request's effect is rolled back, and the caller replays
 * the stored answer instead.
 */
export class IdempotencyTaken extends Error {
	constructor() { super('another request with this idempotency key was answered first') }
}

/** A stored 2xx answer, replayed for a POST with the same key. */
export interface SvixIdempotentAnswer {
	key: string
	status: number
	body: string
}

export interface SvixNewMessage {
	app: string
	id: string
	eventId: string | null
	eventType: string
	payload: Record<string, unknown>
	channels: string[] | null
	tags: string[] | null
	/** the first try waits until then; null: at once */
	deliverAt: number | null
	/** endpoints that get a job */
	endpoints: string[]
	now: number
	idem: SvixIdempotentAnswer | null
}

export type SvixSendOutcome =
	| { kind: 'sent'; event: IngestedEvent }
	| { kind: 'event_id_taken' }

export interface SvixMessageRecord {
	app: string
	id: string
	eventId: string | null
	eventType: string
	payload: Record<string, unknown>
	channels: string[] | null
	tags: string[] | null
	deliverAt: number | null
	createdAt: number
}

/** Keyset paging by id: `after` for older-to-newer travel, `before` for newer-to-older. */
export interface SvixPage {
	/** ids strictly below (descending order) */
	below?: string
	/** ids strictly above (ascending order) */
	above?: string
	limit: number
	filter?: SvixMessageFilter
	/** only messages with a job for this endpoint, in one of `statuses` when given */
	jobFor?: { endpoint: string; statuses?: DeliveryStatus[] }
}

/** A page of background tasks. */
export interface SvixTaskPage {
	below?: string
	above?: string
	limit: number
	status?: SvixTaskRecord['status']
	task?: string
}

/** What message and attempt lists narrow by (all optional, all must hold). */
export interface SvixMessageFilter {
	/** the message has this channel */
	channel?: string
	/** the message has this tag */
	tag?: string
	eventTypes?: string[]
	/** made before / after (ms): the message, or for attempts the try */
	before?: number
	after?: number
}

export interface SvixAttemptRecord {
	pk: number
	msgId: string
	endpoint: string
	url: string
	status: number | null
	responseBody: string
	durationMs: number
	startedAt: number
	errorMessage: string | null
	jobStatus: DeliveryStatus
	/** asked for through resend */
	manual: boolean
}

export interface SvixAttemptFilter extends SvixMessageFilter {
	endpoint?: string
	msgId?: string
	/** true: 2xx answers only; false: the others */
	succeeded?: boolean
	/** 0: no answer; 100, 200 … 500: that class of status codes */
	statusClass?: number
	/** attempts with pk below (newest first) or above */
	belowPk?: number
	abovePk?: number
	limit: number
}

export interface SvixEventTypeRecord {
	name: string
	description: string
	archived: boolean
	deprecated: boolean
	schemas: Record<string, unknown> | null
	groupName: string | null
	featureFlags: string[] | null
	createdAt: number
	updatedAt: number
}

export interface SvixTaskRecord {
	id: string
	task: string
	status: 'running' | 'finished' | 'failed'
	data: Record<string, unknown>
	updatedAt: number
}
