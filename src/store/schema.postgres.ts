import { bigint, bigserial, boolean, doublePrecision, index, integer, pgTable, primaryKey, text, uniqueIndex } from 'drizzle-orm/pg-core'

// The PostgreSQL twin of schema.sqlite.ts: same tables, columns and indexes, so
// both stores answer alike. Times are Unix milliseconds in bigint; JSON columns
// hold compact JSON text, as in SQLite, so a resent body compares the same way.

const ms = (name: string) => bigint(name, { mode: 'number' })

export const sessions = pgTable('sessions', {
	flow: text('flow').notNull(),
	id: text('id').notNull(),
	metadata: text('metadata').notNull(),
	createdAt: ms('created_at').notNull(),
	updatedAt: ms('updated_at').notNull(),
}, (t) => [primaryKey({ columns: [t.flow, t.id] })])

export const events = pgTable('events', {
	pk: bigserial('pk', { mode: 'number' }).primaryKey(),
	flow: text('flow').notNull(),
	id: text('id').notNull(),
	type: text('type').notNull(),
	sessionId: text('session_id'),
	occurredAt: ms('occurred_at').notNull(),
	success: boolean('success').notNull(),
	data: text('data').notNull(),
	metadata: text('metadata').notNull(),
	occurredAtSent: boolean('occurred_at_sent').notNull(),
	acceptedAt: ms('accepted_at').notNull(),
	/** W3C trace context of the ingest span, so a retry hours later still joins its trace */
	traceContext: text('trace_context'),
}, (t) => [
	// the idempotency key lives here, so two instances taking the same id race in the database, not in memory
	uniqueIndex('events_flow_id').on(t.flow, t.id),
	index('events_id').on(t.id),
	index('events_flow_session').on(t.flow, t.sessionId),
	index('events_accepted').on(t.acceptedAt),
])

export const deliveries = pgTable('deliveries', {
	pk: bigserial('pk', { mode: 'number' }).primaryKey(),
	id: text('id').notNull(),
	flow: text('flow').notNull(),
	endpoint: text('endpoint').notNull(),
	eventPk: bigint('event_pk', { mode: 'number' }).notNull().references(() => events.pk),
	status: text('status').notNull(),
	test: boolean('test').notNull().default(false),
	attemptCount: integer('attempt_count').notNull().default(0),
	scheduleBase: integer('schedule_base').notNull().default(0),
	// due time while pending; lease expiry while delivering
	nextAttemptAt: ms('next_attempt_at').notNull(),
	// the instance holding the lease while delivering: only it may finish, release or extend the job
	owner: text('owner'),
	lastStatus: integer('last_status'),
	lastErrorClass: text('last_error_class'),
	lastErrorMessage: text('last_error_message'),
	lastDurationMs: integer('last_duration_ms'),
	createdAt: ms('created_at').notNull(),
	updatedAt: ms('updated_at').notNull(),
}, (t) => [
	uniqueIndex('deliveries_id').on(t.id),
	index('deliveries_claim').on(t.flow, t.endpoint, t.status, t.nextAttemptAt),
	index('deliveries_event').on(t.eventPk),
	index('deliveries_status_updated').on(t.status, t.updatedAt),
])

export const attempts = pgTable('attempts', {
	pk: bigserial('pk', { mode: 'number' }).primaryKey(),
	deliveryPk: bigint('delivery_pk', { mode: 'number' }).notNull().references(() => deliveries.pk),
	n: integer('n').notNull(),
	startedAt: ms('started_at').notNull(),
	url: text('url').notNull(),
	requestHeaders: text('request_headers').notNull(),
	requestBody: text('request_body').notNull(),
	status: integer('status'),
	responseHeaders: text('response_headers').notNull(),
	responseBody: text('response_body').notNull(),
	responseTruncated: boolean('response_truncated').notNull(),
	durationMs: integer('duration_ms').notNull(),
	errorClass: text('error_class'),
	errorMessage: text('error_message'),
}, (t) => [index('attempts_delivery').on(t.deliveryPk, t.n)])

// Jobs per endpoint and status, test jobs included, kept by the statement
// triggers job-counts.ts installs. Unlike SQLite's twin each row also has a
// `slot`, the backend (pg_backend_pid) whose writes it sums: concurrent
// transactions never update one row, so the counts add no lock waits or
// deadlocks to ingest and delivery across instances. A count is the sum over
// slots; slot 0 holds what a compaction folded in.
export const jobCounts = pgTable('job_counts', {
	flow: text('flow').notNull(),
	endpoint: text('endpoint').notNull(),
	status: text('status').notNull(),
	slot: integer('slot').notNull(),
	count: bigint('count', { mode: 'number' }).notNull(),
}, (t) => [primaryKey({ columns: [t.flow, t.endpoint, t.status, t.slot] })])

export const endpoints = pgTable('endpoints', {
	flow: text('flow').notNull(),
	id: text('id').notNull(),
	config: text('config').notNull(),
	createdAt: ms('created_at').notNull(),
	updatedAt: ms('updated_at').notNull(),
}, (t) => [primaryKey({ columns: [t.flow, t.id] })])

export const endpointState = pgTable('endpoint_state', {
	flow: text('flow').notNull(),
	endpoint: text('endpoint').notNull(),
	enabled: boolean('enabled').notNull(),
	disabledReason: text('disabled_reason'),
	disabledAt: ms('disabled_at'),
	consecutiveFailures: integer('consecutive_failures').notNull().default(0),
	failingSince: ms('failing_since'),
	/** start of the failing or disabled episode an operator was told of; cleared by the first success (endpoint.recovered) */
	episodeSince: ms('episode_since'),
	updatedAt: ms('updated_at').notNull(),
}, (t) => [primaryKey({ columns: [t.flow, t.endpoint] })])

// One signing key per flow for portal links; replacing it revokes every link signed with the old one.
export const portalKeys = pgTable('portal_keys', {
	flow: text('flow').primaryKey(),
	key: text('key').notNull(),
	createdAt: ms('created_at').notNull(),
})

// One row the readiness probe updates and commits, so a probe meets a database that cannot write.
export const heartbeat = pgTable('heartbeat', {
	id: integer('id').primaryKey(),
	at: ms('at').notNull(),
})

// Svix-compatible API (/api/v1), as in schema.sqlite.ts.
export const svixApps = pgTable('svix_apps', {
	id: text('id').primaryKey(),
	uid: text('uid'),
	name: text('name').notNull(),
	metadata: text('metadata').notNull(),
	throttleRate: integer('throttle_rate'),
	createdAt: ms('created_at').notNull(),
	updatedAt: ms('updated_at').notNull(),
}, (t) => [uniqueIndex('svix_apps_uid').on(t.uid)])

export const svixMessages = pgTable('svix_messages', {
	app: text('app').notNull(),
	id: text('id').notNull(),
	eventPk: bigint('event_pk', { mode: 'number' }).notNull(),
	eventId: text('event_id'),
	channels: text('channels'),
	tags: text('tags'),
	deliverAt: ms('deliver_at'),
	createdAt: ms('created_at').notNull(),
}, (t) => [
	primaryKey({ columns: [t.app, t.id] }),
	uniqueIndex('svix_messages_event_id').on(t.app, t.eventId),
	index('svix_messages_event').on(t.eventPk),
])

export const svixIdempotency = pgTable('svix_idempotency', {
	key: text('key').primaryKey(),
	status: integer('status').notNull(),
	body: text('body').notNull(),
	createdAt: ms('created_at').notNull(),
})

export const svixEventTypes = pgTable('svix_event_types', {
	name: text('name').primaryKey(),
	description: text('description').notNull(),
	archived: boolean('archived').notNull(),
	deprecated: boolean('deprecated').notNull(),
	schemas: text('schemas'),
	groupName: text('group_name'),
	featureFlags: text('feature_flags'),
	createdAt: ms('created_at').notNull(),
	updatedAt: ms('updated_at').notNull(),
})

export const svixManualTries = pgTable('svix_manual_tries', {
	deliveryPk: bigint('delivery_pk', { mode: 'number' }).notNull(),
	n: integer('n').notNull(),
}, (t) => [primaryKey({ columns: [t.deliveryPk, t.n] })])

export const svixTasks = pgTable('svix_tasks', {
	id: text('id').primaryKey(),
	task: text('task').notNull(),
	status: text('status').notNull(),
	data: text('data').notNull(),
	updatedAt: ms('updated_at').notNull(),
})

// Marks of operational signals (the last delivery.exhausted window of an
// endpoint, a daily report sent): moved only by compare-and-set, so with
// several instances on one database one of them sends each signal.
export const opMarks = pgTable('op_marks', {
	key: text('key').primaryKey(),
	at: ms('at').notNull(),
})

// PostgreSQL only: an endpoint's rate limit shared by every instance, a token
// bucket refilled on the database's clock inside the claim that spends it.
export const endpointTokens = pgTable('endpoint_tokens', {
	flow: text('flow').notNull(),
	endpoint: text('endpoint').notNull(),
	tokens: doublePrecision('tokens').notNull(),
	refilledAt: doublePrecision('refilled_at').notNull(),
}, (t) => [primaryKey({ columns: [t.flow, t.endpoint] })])
