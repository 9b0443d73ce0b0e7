import { sql } from 'drizzle-orm'
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core'

// Times are Unix milliseconds; JSON columns hold compact JSON text.

export const sessions = sqliteTable('sessions', {
	flow: text('flow').notNull(),
	id: text('id').notNull(),
	metadata: text('metadata').notNull(),
	createdAt: integer('created_at').notNull(),
	updatedAt: integer('updated_at').notNull(),
}, (t) => [primaryKey({ columns: [t.flow, t.id] })])

export const events = sqliteTable('events', {
	pk: integer('pk').primaryKey({ autoIncrement: true }),
	flow: text('flow').notNull(),
	id: text('id').notNull(),
	type: text('type').notNull(),
	sessionId: text('session_id'),
	occurredAt: integer('occurred_at').notNull(),
	success: integer('success', { mode: 'boolean' }).notNull(),
	data: text('data').notNull(),
	metadata: text('metadata').notNull(),
	// "same body" compares occurredAt only when sent: an absent one differs from a sent one
	occurredAtSent: integer('occurred_at_sent', { mode: 'boolean' }).notNull(),
	acceptedAt: integer('accepted_at').notNull(),
	// W3C traceparent of the ingest span, so a retry hours later joins the same trace
	traceContext: text('trace_context'),
}, (t) => [
	uniqueIndex('events_flow_id').on(t.flow, t.id),
	index('events_id').on(t.id),
	index('events_flow_session').on(t.flow, t.sessionId),
	index('events_accepted').on(t.acceptedAt),
])

export const deliveries = sqliteTable('deliveries', {
	pk: integer('pk').primaryKey({ autoIncrement: true }),
	id: text('id').notNull(),
	flow: text('flow').notNull(),
	endpoint: text('endpoint').notNull(),
	eventPk: integer('event_pk').notNull().references(() => events.pk),
	status: text('status').notNull(),
	test: integer('test', { mode: 'boolean' }).notNull().default(false),
	attemptCount: integer('attempt_count').notNull().default(0),
	// attempt count when the current retry schedule started (a replay starts a fresh one)
	scheduleBase: integer('schedule_base').notNull().default(0),
	// due time while pending; lease expiry while delivering
	nextAttemptAt: integer('next_attempt_at').notNull(),
	// the instance holding the lease while delivering: only it may finish, release or extend the job
	owner: text('owner'),
	lastStatus: integer('last_status'),
	lastErrorClass: text('last_error_class'),
	lastErrorMessage: text('last_error_message'),
	lastDurationMs: integer('last_duration_ms'),
	createdAt: integer('created_at').notNull(),
	updatedAt: integer('updated_at').notNull(),
}, (t) => [
	uniqueIndex('deliveries_id').on(t.id),
	index('deliveries_claim').on(t.flow, t.endpoint, t.status, t.nextAttemptAt),
	index('deliveries_event').on(t.eventPk),
	index('deliveries_status_updated').on(t.status, t.updatedAt),
	// the oldest pending job of an endpoint in one seek, for /metrics; holds pending rows only
	index('deliveries_pending_age').on(t.flow, t.endpoint, t.createdAt).where(sql`status = 'pending'`),
])

// Pending jobs per endpoint, kept by triggers on deliveries (migration 0002), so
// /metrics reads the backlog without counting it. Triggers, not the code,
// keep it: every path that moves a job (ingest, claim, completion, replay,
// cancel, release, recovery) is covered, including ones added later.
export const backlog = sqliteTable('backlog', {
	flow: text('flow').notNull(),
	endpoint: text('endpoint').notNull(),
	pending: integer('pending').notNull(),
}, (t) => [primaryKey({ columns: [t.flow, t.endpoint] })])

// Jobs per endpoint and status, test jobs included, kept by triggers on
// deliveries like the backlog, so the admin flows list and the viewer's
// endpoints page read a row per group instead of counting every job.
export const jobCounts = sqliteTable('job_counts', {
	flow: text('flow').notNull(),
	endpoint: text('endpoint').notNull(),
	status: text('status').notNull(),
	count: integer('count').notNull(),
}, (t) => [primaryKey({ columns: [t.flow, t.endpoint, t.status] })])

export const attempts = sqliteTable('attempts', {
	pk: integer('pk').primaryKey({ autoIncrement: true }),
	deliveryPk: integer('delivery_pk').notNull().references(() => deliveries.pk),
	n: integer('n').notNull(),
	startedAt: integer('started_at').notNull(),
	url: text('url').notNull(),
	requestHeaders: text('request_headers').notNull(),
	requestBody: text('request_body').notNull(),
	status: integer('status'),
	responseHeaders: text('response_headers').notNull(),
	responseBody: text('response_body').notNull(),
	responseTruncated: integer('response_truncated', { mode: 'boolean' }).notNull(),
	durationMs: integer('duration_ms').notNull(),
	errorClass: text('error_class'),
	errorMessage: text('error_message'),
}, (t) => [index('attempts_delivery').on(t.deliveryPk, t.n)])

// Endpoints added through the admin API; YAML ones live in the config.
export const endpoints = sqliteTable('endpoints', {
	flow: text('flow').notNull(),
	id: text('id').notNull(),
	config: text('config').notNull(),
	createdAt: integer('created_at').notNull(),
	updatedAt: integer('updated_at').notNull(),
}, (t) => [primaryKey({ columns: [t.flow, t.id] })])

// Runtime state of every endpoint, YAML or API: it must survive reloads and restarts.
export const endpointState = sqliteTable('endpoint_state', {
	flow: text('flow').notNull(),
	endpoint: text('endpoint').notNull(),
	enabled: integer('enabled', { mode: 'boolean' }).notNull(),
	disabledReason: text('disabled_reason'),
	disabledAt: integer('disabled_at'),
	consecutiveFailures: integer('consecutive_failures').notNull().default(0),
	failingSince: integer('failing_since'),
	/** start of the failing or disabled episode an operator was told of; cleared by the first success (endpoint.recovered) */
	episodeSince: integer('episode_since'),
	updatedAt: integer('updated_at').notNull(),
}, (t) => [primaryKey({ columns: [t.flow, t.endpoint] })])

// One signing key per flow for portal links. Revoking a flow's links replaces
// its key, so every token signed before stops verifying without a token list.
export const portalKeys = sqliteTable('portal_keys', {
	flow: text('flow').primaryKey(),
	key: text('key').notNull(),
	createdAt: integer('created_at').notNull(),
})

// One row the readiness probe updates and commits: a probe that rolled back
// would never meet a full disk or a read-only file.
export const heartbeat = sqliteTable('heartbeat', {
	id: integer('id').primaryKey(),
	at: integer('at').notNull(),
})

// Svix-compatible API (/api/v1). An application is a flow created there; its
// endpoints live in `endpoints` like any API endpoint.
export const svixApps = sqliteTable('svix_apps', {
	id: text('id').primaryKey(),
	uid: text('uid'),
	name: text('name').notNull(),
	metadata: text('metadata').notNull(),
	throttleRate: integer('throttle_rate'),
	createdAt: integer('created_at').notNull(),
	updatedAt: integer('updated_at').notNull(),
}, (t) => [uniqueIndex('svix_apps_uid').on(t.uid)])

// A message is an event of its application; this row adds what Svix knows of it.
export const svixMessages = sqliteTable('svix_messages', {
	app: text('app').notNull(),
	id: text('id').notNull(),
	// no foreign key: retention removes an event with its last job, and the join drops the row
	eventPk: integer('event_pk').notNull(),
	eventId: text('event_id'),
	channels: text('channels'),
	tags: text('tags'),
	// the first try waits until then (null: at once)
	deliverAt: integer('deliver_at'),
	createdAt: integer('created_at').notNull(),
}, (t) => [
	primaryKey({ columns: [t.app, t.id] }),
	uniqueIndex('svix_messages_event_id').on(t.app, t.eventId),
	index('svix_messages_event').on(t.eventPk),
])

// Answers of POSTs by idempotency key (a hash of token, key, path and query),
// written in the transaction of their effect and replayed for 12 hours.
export const svixIdempotency = sqliteTable('svix_idempotency', {
	key: text('key').primaryKey(),
	status: integer('status').notNull(),
	body: text('body').notNull(),
	createdAt: integer('created_at').notNull(),
})

// The event-type catalog of the Svix-compatible API (one per gateway, as Svix's per organisation).
export const svixEventTypes = sqliteTable('svix_event_types', {
	name: text('name').primaryKey(),
	description: text('description').notNull(),
	archived: integer('archived', { mode: 'boolean' }).notNull(),
	deprecated: integer('deprecated', { mode: 'boolean' }).notNull(),
	schemas: text('schemas'),
	groupName: text('group_name'),
	featureFlags: text('feature_flags'),
	createdAt: integer('created_at').notNull(),
	updatedAt: integer('updated_at').notNull(),
})

// Tries asked for through resend (Svix's manual attempts): the job and the
// number its next try would have, so that try reads as manual.
export const svixManualTries = sqliteTable('svix_manual_tries', {
	deliveryPk: integer('delivery_pk').notNull(),
	n: integer('n').notNull(),
}, (t) => [primaryKey({ columns: [t.deliveryPk, t.n] })])

// Background tasks of the Svix-compatible API (endpoint.recover).
export const svixTasks = sqliteTable('svix_tasks', {
	id: text('id').primaryKey(),
	task: text('task').notNull(),
	status: text('status').notNull(),
	data: text('data').notNull(),
	updatedAt: integer('updated_at').notNull(),
})

// Marks of operational signals (the last delivery.exhausted window of an
// endpoint, a daily report sent): moved only by compare-and-set, so with
// several instances on one database one of them sends each signal.
export const opMarks = sqliteTable('op_marks', {
	key: text('key').primaryKey(),
	at: integer('at').notNull(),
})
