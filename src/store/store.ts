import type { EndpointConfig, StoredEvent } from '../domain'
import type {
	ClaimedJob, ClaimLimits, Completion, EndpointStateRecord, IngestedEvent, IngestItem, IngestOutcome, SessionRecord,
} from './types'
import type { AttemptErrorClass, DeliveryStatus } from '../domain'
import type { AttemptRecord, NewEvent } from './types'
import type {
	SvixAppRecord, SvixAttemptFilter, SvixEventTypeRecord, SvixTaskPage, SvixTaskRecord, SvixAttemptRecord, SvixIdempotentAnswer, SvixMessageRecord, SvixNewMessage, SvixPage, SvixSendOutcome,
} from './svix-types'

/** How much of storage.maxSize a store uses. */
export interface StoreUsage {
	usedBytes: number
	maxBytes: number
	ratio: number
	/** ingest is refused for the cap: the store is past its ingest limit (95%), or a request was refused for crossing it and no space was freed since */
	atIngestLimit: boolean
}

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

export type CreateSessionOutcome =
	| { kind: 'created' | 'existing'; session: SessionRecord }
	| { kind: 'conflict' }

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

/** The operations services use; one implementation per dialect. */
export interface Store {
	readonly dialect: 'sqlite' | 'postgres'

	// ingest
	/** `reserve`: past the ingest limit of a size cap, still store (hookgate's own operational events) */
	ingest(flow: string, items: IngestItem[], now: number, opts?: { reserve?: boolean }): Promise<IngestOutcome>
	onCommitted(listener: (events: IngestedEvent[]) => void): void
	getSession(flow: string, id: string): Promise<SessionRecord | null>
	createSession(flow: string, id: string, metadata: Record<string, unknown>, now: number): Promise<CreateSessionOutcome>
	updateSession(flow: string, id: string, apply: (m: Record<string, unknown>) => Record<string, unknown>, now: number): Promise<SessionRecord | null>

	// dispatch. `owner` names the instance holding a lease (default: this store's
	// own); completing, releasing and extending touch only rows it still holds.
	claim(flow: string, endpoint: string, limit: number, now: number, leaseUntil: number, owner?: string, limits?: ClaimLimits): Promise<ClaimedJob[]>
	nextDue(flow: string, endpoint: string): Promise<number | null>
	/** nextDue of each [flow, endpoint], in order: the dispatcher's once-a-second sweep */
	nextDueAll(targets: Array<[string, string]>): Promise<Array<number | null>>
	/**
	 * the wall clock stepped: move due times and leases of rows written up to `writtenUpTo` (null: all) by deltaMs;
	 * with `now`, then also bring rows written later than now + toleranceMs (under a clock since stepped back) to now, keeping their delay
	 */
	shiftDue(deltaMs: number, writtenUpTo: number | null, now?: number, toleranceMs?: number): Promise<number>
	events(pks: number[]): Promise<Map<number, StoredEvent & { pk: number }>>
	complete(items: Completion[]): Promise<void>
	/** start-up: jobs this owner left in flight go back to pending (SQLite without an owner: every one, its lock file makes them ours) */
	recoverInFlight(now: number, owner?: string): Promise<number>
	release(pks: number[], now: number, owner?: string): Promise<void>
	/** after a lost store answer: jobs the owner holds in the store but not in hand (`held`) go back to pending; returns how many */
	releaseUnheld(held: number[], now: number, owner?: string): Promise<number>
	/** moves the lease end of jobs the owner still holds; returns how many */
	extendLease(pks: number[], leaseUntil: number, owner?: string): Promise<number>
	/** jobs in flight whose lease ran out go back to pending, due now; returns how many */
	reclaimExpired(now: number): Promise<number>

	// endpoints
	endpointStates(): Promise<EndpointStateRecord[]>
	saveEndpointState(s: EndpointStateRecord): Promise<void>
	apiEndpoints(): Promise<Array<{ flow: string; endpoint: EndpointConfig }>>
	saveApiEndpoint(flow: string, e: EndpointConfig, now: number): Promise<void>
	deleteApiEndpoint(flow: string, id: string, now: number): Promise<number>
	/**
	 * Reads, changes and writes one endpoint's state under its row lock, so no
	 * instance's change is lost and each transition (healthy → failing,
	 * enabled → disabled) is seen by exactly one caller. `change` returns null to
	 * leave the row alone; it may run again (keep it pure).
	 */
	changeEndpointState(flow: string, endpoint: string, change: (s: EndpointStateRecord) => EndpointStateRecord | null): Promise<{ before: EndpointStateRecord; after: EndpointStateRecord }>

	// operational signals
	/** a mark's time, or null when it was never set */
	mark(key: string): Promise<number | null>
	/** compare-and-set: moves the mark from `expected` (null: absent) to `next`; true only for the one caller whose move took */
	moveMark(key: string, expected: number | null, next: number): Promise<boolean>
	/** non-test jobs of the endpoint that finished failed with updated_at in (after, upTo] */
	failedJobs(flow: string, endpoint: string, after: number, upTo: number, limit: number): Promise<FailedJobs>
	/** per endpoint: non-test jobs failed in (since, until] and jobs pending since before `pendingBefore`; endpoints with neither are left out */
	undelivered(since: number, until: number, pendingBefore: number): Promise<UndeliveredRow[]>

	// operations
	/** a real write that commits (a heartbeat row): fails when the store cannot take writes */
	probeWrite(): Promise<void>
	/** why ingest would be refused for the store right now (damaged, past 95% of its cap), or null */
	refusal(): string | null
	/** an unexpected error from a statement: returns a message when it shows the database is damaged (then refusal() says so too) */
	noteError(err: unknown): string | null
	/** storage.maxSize changed by a reload (0: no cap) */
	setMaxSize(bytes: number): void
	sizeBytes(): Promise<{ db: number; wal: number }>
	/** how much of storage.maxSize is used (SQLite, which caps itself; maxBytes 0: no cap) */
	usage?(): StoreUsage
	/** called with usage?() after every write while capped (from inside the write path: must be quick and not throw) */
	onUsage?(listener: (u: StoreUsage) => void): void
	backlog(): Promise<BacklogRow[]>
	/** retention, one short transaction per call: finished jobs changed before `before`, with their attempts */
	purgeFinishedJobs(before: number, limit: number): Promise<{ jobs: number; attempts: number }>
	/** retention: events accepted before `before` that have no jobs left, walked behind a cursor */
	purgeOrphanEvents(before: number, after: EventCursor | null, limit: number): Promise<{ events: number; next: EventCursor | null }>
	/** flush the write-ahead log into the database and truncate it */
	checkpoint(): Promise<void>
	/** a long purge is about to run (true) or has ended (false): the store may trade throughput for short pauses */
	maintenance(on: boolean): Promise<void>
	freePages(): Promise<{ free: number; total: number }>
	/** give up to `pages` free pages back to the file system; returns how many went */
	vacuumStep(pages: number): Promise<number>

	// admin API (test jobs are left out of counts and stats, never out of job lists)
	listJobs(filter: JobFilter, page: Page): Promise<JobRecord[]>
	getJob(id: string): Promise<JobRecord | null>
	jobAttempts(jobPk: number): Promise<AttemptRecord[]>
	jobsOfEvents(eventPks: number[]): Promise<JobRecord[]>
	replayJob(id: string, now: number): Promise<JobChange>
	cancelJob(id: string, now: number): Promise<JobChange>
	lastJobPk(): Promise<number>
	/** one short transaction: replays up to `limit` matching jobs whose pk is above `afterPk`; `next` is where to go on, null when done */
	replayJobsChunk(filter: BulkReplayFilter, afterPk: number, limit: number, now: number): Promise<{ replayed: number; next: number | null }>
	/** every job, test ones included (as job lists show them) */
	jobCounts(flow: string | null): Promise<Array<{ flow: string; endpoint: string; status: DeliveryStatus; count: number }>>
	listEvents(filter: EventFilter, page: Page): Promise<Array<StoredEvent & { pk: number }>>
	findEvents(id: string, flow: string | null): Promise<Array<StoredEvent & { pk: number }>>
	/** null when the event's session does not exist */
	insertTestJob(input: TestJobInput): Promise<{ job: JobRecord; event: StoredEvent & { pk: number } } | null>
	endpointStats(q: StatsQuery): Promise<StatsRows>

	// portal links: one signing key per flow; replacing it revokes every link signed with the old one
	portalKey(flow: string): Promise<string | null>
	/** the flow's key; `fresh` is stored when it has none yet */
	ensurePortalKey(flow: string, fresh: string, now: number): Promise<string>
	replacePortalKey(flow: string, key: string, now: number): Promise<void>

	// Svix-compatible API: applications, message rows, stored answers of POSTs
	svixApps(): Promise<SvixAppRecord[]>
	/** inserts or replaces the app (and stores the answer in the same transaction); uid_taken when another app has its uid */
	svixSaveApp(app: SvixAppRecord, idem: SvixIdempotentAnswer | null): Promise<'ok' | 'uid_taken'>
	/** removes the app and its endpoints, cancels its pending jobs; returns how many */
	svixDeleteApp(id: string, now: number): Promise<number>
	/** an API endpoint saved with the answer of the request that made it */
	svixSaveEndpoint(flow: string, e: EndpointConfig, now: number, idem: SvixIdempotentAnswer | null): Promise<void>
	/** the stored answer of `key` made at or after `since` */
	svixAnswer(key: string, since: number): Promise<{ status: number; body: string } | null>
	/** the event, its jobs, the message row and the answer in one transaction; the dispatcher hears of it on commit */
	svixSendMessage(m: SvixNewMessage): Promise<SvixSendOutcome>
	/** messages of an app by id, newest first (`below`) or oldest first (`above`) */
	svixMessages(app: string, page: SvixPage): Promise<SvixMessageRecord[]>
	/** by message id or eventId */
	svixMessage(app: string, idOrEventId: string): Promise<SvixMessageRecord | null>
	svixAttempts(app: string, filter: SvixAttemptFilter): Promise<SvixAttemptRecord[]>
	/**
	 * A manual try of a message to an endpoint: its job is due again now for one
	 * try counted past the `retries` of its schedule (a failure is final); a job
	 * in flight or none at all gets a new job. That try reads as manual; `idem`
	 * is stored with it.
	 */
	svixResend(app: string, msgId: string, endpoint: string, now: number, retries: number, idem: SvixIdempotentAnswer | null): Promise<'missing' | 'queued'>
	/** retention: answers made before `answersBefore`, background tasks last changed before `tasksBefore`, and message rows and manual-try marks whose event or job is gone; returns rows removed */
	svixPurge(answersBefore: number, tasksBefore: number): Promise<number>
	/** background tasks (recover), saved with the answer of the request that started them */
	svixSaveTask(t: SvixTaskRecord, idem: SvixIdempotentAnswer | null): Promise<void>
	svixTask(id: string): Promise<SvixTaskRecord | null>
	/** ids below `below` newest first, or above `above` oldest first; narrowed by status and task */
	svixTasks(q: SvixTaskPage): Promise<SvixTaskRecord[]>
	/** the event-type catalog, by name */
	svixEventTypes(): Promise<SvixEventTypeRecord[]>
	svixSaveEventType(t: SvixEventTypeRecord, idem: SvixIdempotentAnswer | null): Promise<void>
	svixDeleteEventType(name: string): Promise<void>

	/**
	 * Runs `fn` only if no other instance on the same database runs the task of
	 * this name now; null when one does. Absent where one instance owns the
	 * database (SQLite): the caller just runs the task.
	 */
	exclusive?<T>(name: string, fn: () => Promise<T>): Promise<T | null>

	close(): Promise<void>
}
