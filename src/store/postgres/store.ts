import type { SQL } from 'bun'
import { hostname } from 'node:os'
import type { EndpointConfig } from '../../domain'
import { sameJson } from '../../json'
import type { BulkReplayFilter, EventCursor, EventFilter, JobFilter, Page, StatsQuery, TestJobInput } from '../records'
import type { Store } from '../store'
import type { ClaimLimits, Completion, EndpointStateRecord, IngestedEvent, IngestItem } from '../types'
import * as admin from './admin'
import * as queue from './dispatch'
import * as endpoints from './endpoints'
import * as signals from './signals'
import { groupsFor, MAX_GROUP, PgGroupCommit } from './group-commit'
import { ingest } from './ingest'
import { jobCounts } from './job-counts'
import { openPostgres, type PgDb, type PgOpenOptions } from './open'
import * as portalKeys from './portal-keys'
import { claimWithin } from './shared-limits'
import * as stats from './stats'
import * as svix from './svix'
import type { SvixAppRecord, SvixAttemptFilter, SvixEventTypeRecord, SvixTaskRecord, SvixIdempotentAnswer, SvixNewMessage, SvixPage, SvixTaskPage } from '../svix-types'

/** NOTIFY channel of new jobs; the payload is the instance that made them. */
export const JOBS_CHANNEL = 'hookgate_jobs'

export interface PostgresStoreOptions extends PgOpenOptions {
	/** names this instance's leases; stable across restarts so start-up finds its own leftovers */
	instanceId?: string
}

/**
 * The store for several instances on one database. What SQLite does by being
 * one process (one writer, one lock file) is done here by the database: the
 * unique key makes ingest idempotent across instances, row locks and owners
 * keep claims apart. Its housekeeping after a purge is PostgreSQL's own
 * (checkpoints, autovacuum): the purge hooks do nothing.
 */
export class PostgresStore implements Store {
	private listeners: Array<(events: IngestedEvent[]) => void> = []

	private readonly group: PgGroupCommit

	private constructor(readonly sql: SQL, readonly db: PgDb, readonly instanceId: string, poolSize: number) {
		this.group = new PgGroupCommit(sql, { groups: groupsFor(poolSize), maxGroup: MAX_GROUP, hint: { channel: JOBS_CHANNEL, payload: instanceId } })
	}

	/** Connects and applies the migrations (under an advisory lock). */
	static async open(opts: PostgresStoreOptions): Promise<PostgresStore> {
		const { client, db } = await openPostgres(opts)
		return new PostgresStore(client, db, opts.instanceId ?? `${hostname()}:${process.pid}`, opts.poolSize)
	}

	ingest(flow: string, items: IngestItem[], now: number) {
		return ingest(this.group, flow, items, now, (events) => {
			const fresh = events.filter((e) => e.stored)
			if (fresh.length > 0) for (const l of this.listeners) { try { l(fresh) } catch {} }
		})
	}
	onCommitted(listener: (events: IngestedEvent[]) => void) { this.listeners.push(listener) }
	getSession(flow: string, id: string) { return endpoints.getSession(this.sql, flow, id) }
	createSession(flow: string, id: string, metadata: Record<string, unknown>, now: number) {
		return endpoints.createSession(this.sql, flow, id, metadata, now, sameJson)
	}
	updateSession(flow: string, id: string, apply: (m: Record<string, unknown>) => Record<string, unknown>, now: number) {
		return endpoints.updateSession(this.sql, flow, id, apply, now)
	}

	claim(flow: string, endpoint: string, limit: number, now: number, leaseUntil: number, owner = this.instanceId, limits?: ClaimLimits) {
		if (limits) return claimWithin(this.sql, flow, endpoint, limit, now, leaseUntil, owner, limits)
		return queue.claim(this.sql, flow, endpoint, limit, now, leaseUntil, owner)
	}
	nextDue(flow: string, endpoint: string) { return queue.nextDue(this.sql, flow, endpoint) }
	nextDueAll(targets: Array<[string, string]>) { return queue.nextDueAll(this.sql, targets) }
	// Due times here are shared by every instance: one instance's clock stepping
	// says nothing about the others', so it must not move rows they follow too.
	async shiftDue(_deltaMs: number, _writtenUpTo: number | null, _now?: number, _toleranceMs?: number) { return 0 }
	events(pks: number[]) { return queue.events(this.sql, pks) }
	complete(items: Completion[]) { return queue.complete(this.sql, items, this.instanceId) }
	recoverInFlight(now: number, owner = this.instanceId) { return queue.recoverInFlight(this.sql, now, owner) }
	release(pks: number[], now: number, owner = this.instanceId) { return queue.release(this.sql, pks, now, owner) }
	releaseUnheld(held: number[], now: number, owner = this.instanceId) { return queue.releaseUnheld(this.sql, held, now, owner) }
	extendLease(pks: number[], leaseUntil: number, owner = this.instanceId) { return queue.extendLease(this.sql, pks, leaseUntil, owner) }
	reclaimExpired(now: number) { return queue.reclaimExpired(this.sql, now) }

	endpointStates() { return endpoints.allStates(this.sql) }
	saveEndpointState(s: EndpointStateRecord) { return endpoints.saveState(this.sql, s) }
	apiEndpoints() { return endpoints.apiEndpoints(this.sql) }
	saveApiEndpoint(flow: string, e: EndpointConfig, now: number) { return endpoints.saveApiEndpoint(this.sql, flow, e, now) }
	deleteApiEndpoint(flow: string, id: string, now: number) { return endpoints.deleteApiEndpoint(this.sql, flow, id, now) }
	changeEndpointState(flow: string, endpoint: string, change: Parameters<typeof signals.changeState>[3]) { return signals.changeState(this.sql, flow, endpoint, change) }
	mark(key: string) { return signals.mark(this.sql, key) }
	moveMark(key: string, expected: number | null, next: number) { return signals.moveMark(this.sql, key, expected, next) }
	failedJobs(flow: string, endpoint: string, after: number, upTo: number, limit: number) { return signals.failedJobs(this.sql, flow, endpoint, after, upTo, limit) }
	undelivered(since: number, until: number, pendingBefore: number) { return signals.undelivered(this.sql, since, until, pendingBefore) }

	/** A real write that commits: fails while the database cannot take writes (down, read-only, out of connections, disk full). */
	async probeWrite() {
		await this.sql`INSERT INTO heartbeat (id, at) VALUES (1, ${Date.now()}) ON CONFLICT (id) DO UPDATE SET at = excluded.at`
	}
	// storage.maxSize is a SQLite setting; the PostgreSQL server reports its own limits as errors
	refusal(): string | null { return null }
	noteError(_err: unknown): string | null { return null }
	async sizeBytes() {
		const [r] = await this.sql`SELECT pg_database_size(current_database()) AS size`
		return { db: Number(r.size), wal: 0 }
	}
	backlog() { return stats.backlog(this.sql) }
	purgeFinishedJobs(before: number, limit: number) { return stats.purgeFinishedJobs(this.sql, before, limit) }
	purgeOrphanEvents(before: number, after: EventCursor | null, limit: number) { return stats.purgeOrphanEvents(this.sql, before, after, limit) }
	async purgeStarting() {}
	async purgeEnded() {}
	async reclaimSpace(_steps: { pause: () => Promise<void>; aborted: () => boolean }) { return { reclaimed: 0, aborted: false } }

	listJobs(filter: JobFilter, page: Page) { return admin.listJobs(this.sql, filter, page) }
	getJob(id: string) { return admin.getJob(this.sql, id) }
	jobAttempts(jobPk: number) { return admin.jobAttempts(this.sql, jobPk) }
	jobsOfEvents(eventPks: number[]) { return admin.jobsOfEvents(this.sql, eventPks) }
	replayJob(id: string, now: number) { return admin.replayJob(this.sql, id, now) }
	cancelJob(id: string, now: number) { return admin.cancelJob(this.sql, id, now) }
	lastJobPk() { return admin.lastJobPk(this.sql) }
	replayJobsChunk(filter: BulkReplayFilter, afterPk: number, limit: number, now: number) { return admin.replayJobsChunk(this.sql, filter, afterPk, limit, now) }
	jobCounts(flow: string | null) { return jobCounts(this.sql, flow) }
	listEvents(filter: EventFilter, page: Page) { return admin.listEvents(this.sql, filter, page) }
	findEvents(id: string, flow: string | null) { return admin.findEvents(this.sql, id, flow) }
	insertTestJob(input: TestJobInput) { return admin.insertTestJob(this.sql, input, this.instanceId) }
	endpointStats(q: StatsQuery) { return stats.endpointStats(this.sql, q) }

	portalKey(flow: string) { return portalKeys.portalKey(this.sql, flow) }
	ensurePortalKey(flow: string, fresh: string, now: number) { return portalKeys.ensurePortalKey(this.sql, flow, fresh, now) }
	replacePortalKey(flow: string, key: string, now: number) { return portalKeys.replacePortalKey(this.sql, flow, key, now) }

	svixApps() { return svix.apps(this.sql) }
	svixSaveApp(a: SvixAppRecord, idem: SvixIdempotentAnswer | null) { return svix.saveApp(this.sql, a, idem) }
	svixDeleteApp(id: string, now: number) { return svix.deleteApp(this.sql, id, now) }
	svixSaveEndpoint(flow: string, e: EndpointConfig, now: number, idem: SvixIdempotentAnswer | null) { return svix.saveEndpoint(this.sql, flow, e, now, idem) }
	svixAnswer(key: string, since: number) { return svix.answer(this.sql, key, since) }
	async svixSendMessage(m: SvixNewMessage) {
		const outcome = await svix.sendMessage(this.sql, m, { channel: JOBS_CHANNEL, payload: this.instanceId })
		if (outcome.kind === 'sent') for (const l of this.listeners) { try { l([outcome.event]) } catch {} }
		return outcome
	}
	svixMessages(app: string, page: SvixPage) { return svix.messages(this.sql, app, page) }
	svixMessage(app: string, idOrEventId: string) { return svix.message(this.sql, app, idOrEventId) }
	svixAttempts(app: string, f: SvixAttemptFilter) { return svix.attempts(this.sql, app, f) }
	svixResend(app: string, msgId: string, endpoint: string, now: number, retries: number, idem: SvixIdempotentAnswer | null) { return svix.resend(this.sql, app, msgId, endpoint, now, retries, idem, { channel: JOBS_CHANNEL, payload: this.instanceId }) }
	svixPurge(answersBefore: number, tasksBefore: number) { return svix.purge(this.sql, answersBefore, tasksBefore) }
	svixSaveTask(t: SvixTaskRecord, idem: SvixIdempotentAnswer | null) { return svix.saveTask(this.sql, t, idem) }
	svixTask(id: string) { return svix.task(this.sql, id) }
	svixTasks(q: SvixTaskPage) { return svix.tasks(this.sql, q) }
	svixEventTypes() { return svix.eventTypes(this.sql) }
	svixSaveEventType(t: SvixEventTypeRecord, idem: SvixIdempotentAnswer | null) { return svix.saveEventType(this.sql, t, idem) }
	svixDeleteEventType(name: string) { return svix.deleteEventType(this.sql, name) }

	/**
	 * Leader for one run of a task (retention): a session advisory lock on a
	 * reserved connection, taken without waiting. It goes with the connection,
	 * so a leader that dies frees it at once.
	 */
	async exclusive<T>(name: string, fn: () => Promise<T>): Promise<T | null> {
		const conn = await this.sql.reserve()
		try {
			const [r] = await conn`SELECT pg_try_advisory_lock(hashtext(${`hookgate:${name}`})) AS ok`
			if (!r.ok) return null
			try {
				return await fn()
			} finally {
				await conn`SELECT pg_advisory_unlock(hashtext(${`hookgate:${name}`}))`
			}
		} finally {
			conn.release()
		}
	}

	async close() {
		this.group.close()
		await this.sql.close()
	}
}
