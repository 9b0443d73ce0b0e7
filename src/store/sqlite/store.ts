import type { Database, Statement } from 'bun:sqlite'
import { statSync } from 'node:fs'
import type { EndpointConfig } from '../../domain'
import { applySizeCap, isDamage, openSqlite, pageSize, type Db, type OpenOptions } from '../open'
import type { StoreUsage } from '../../ops/signals/store'
import type { Store } from '../store'
import type { EventCursor } from '../records'
import { STORE_FULL, type Completion, type CreateSessionOutcome, type IngestedEvent, type IngestItem } from '../types'
import { DispatchQueries } from './dispatch'
import * as endpoints from './endpoints'
import * as signals from './signals'
import { OpsQueries } from './ops'
import { SqliteHousekeeping } from './housekeeping'
import { IngestWrites } from './ingest'
import { WriteQueue } from './write-queue'
import { SpaceMeter } from './space'
import { DiskFull } from './disk-full'
import { FileWatch } from './files'
import * as sessions from './sessions'
import { sameJson } from '../../json'
import type { BulkReplayFilter, EventFilter, JobFilter, Page, StatsQuery, TestJobInput } from '../records'
import * as adminEvents from './admin-events'
import * as adminJobs from './admin-jobs'
import { endpointStats } from './admin-stats'
import * as portalKeys from './portal-keys'
import * as svix from './svix'
import type { SvixAppRecord, SvixAttemptFilter, SvixEventTypeRecord, SvixTaskRecord, SvixIdempotentAnswer, SvixNewMessage, SvixPage, SvixTaskPage } from '../svix-types'

const LEAN_BODY = 1024
const leanAttempt = (c: Completion): Completion => c.attempt.requestBody.length <= LEAN_BODY ? c : {
	...c, attempt: { ...c.attempt, requestBody: `${c.attempt.requestBody.slice(0, LEAN_BODY)}… (cut: the store is past 95% of storage.maxSize)` },
}

export class SqliteStore implements Store {
	readonly db: Db
	readonly client: Database
	private closeFn: () => void
	private writes: WriteQueue
	private ingestWrites: IngestWrites
	private dispatch: DispatchQueries
	private ops: OpsQueries
	private housekeeping: SqliteHousekeeping
	private listeners: Array<(events: IngestedEvent[]) => void> = []
	private usageListeners: Array<(u: StoreUsage) => void> = []
	private space: SpaceMeter
	private heartbeat: Statement
	/** set once a statement met damaged pages: the database needs a restore */
	private damage: string | null = null
	private walAutocheckpoint: number
	private files: FileWatch
	private diskFull: DiskFull
	/** tests set this to make every write fail, as a full or read-only disk would */
	get faultWrites() { return this.writes.fault }
	set faultWrites(e: Error | null) { this.writes.fault = e }

	constructor(private opts: OpenOptions) {
		const opened = openSqlite(opts)
		this.db = opened.db
		this.client = opened.client
		this.closeFn = opened.close
		this.writes = new WriteQueue(this.client)
		this.files = new FileWatch(this.client, this.client.filename)
		this.diskFull = new DiskFull(this.client.filename)
		this.writes.guard = () => this.files.problem()
		this.space = new SpaceMeter(this.client, opts.maxSizeBytes, pageSize(this.client))
		this.space.onMeasured = (u) => { for (const l of this.usageListeners) l(u) }
		this.writes.onFlush = (err) => {
			if (err) { this.noteError(err); this.diskFull.note(err) }
			if (this.space.capped) this.space.refresh()
		}
		this.walAutocheckpoint = (this.client.prepare('PRAGMA wal_autocheckpoint').get() as { wal_autocheckpoint: number }).wal_autocheckpoint
		this.heartbeat = this.client.prepare('INSERT INTO heartbeat (id, at) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET at = excluded.at')
		this.ingestWrites = new IngestWrites(this.client, this.space)
		this.dispatch = new DispatchQueries(this.client)
		this.ops = new OpsQueries(this.client)
		this.housekeeping = new SqliteHousekeeping(this.client, this.ops, () => this.walAutocheckpoint)
	}

	private checkFault() {
		if (this.faultWrites) throw this.faultWrites
		this.checkFiles()
	}
	/** a write into a deleted file would be lost at the next start */
	private checkFiles() {
		const files = this.files.problem()
		if (files) throw new Error(files)
	}

	ingest(flow: string, items: IngestItem[], now: number, opts: { reserve?: boolean } = {}) {
		return this.writes.run(() => this.ingestWrites.apply({ flow, items, now, reserve: opts.reserve }), (outcome) => {
			if (!outcome.ok) return
			const fresh = outcome.events.filter((e) => e.stored)
			if (fresh.length > 0) for (const l of this.listeners) l(fresh)
		})
	}
	onCommitted(listener: (events: IngestedEvent[]) => void) { this.listeners.push(listener) }
	async getSession(flow: string, id: string) { return this.read(() => sessions.getSession(this.client, flow, id)) }
	async createSession(flow: string, id: string, metadata: Record<string, unknown>, now: number): Promise<CreateSessionOutcome> {
		this.checkFault()
		return sessions.createSession(this.client, flow, id, metadata, now, sameJson)
	}
	async updateSession(flow: string, id: string, apply: (m: Record<string, unknown>) => Record<string, unknown>, now: number) {
		this.checkFault()
		return sessions.updateSession(this.client, flow, id, apply, now)
	}

	claim(flow: string, endpoint: string, limit: number, now: number, leaseUntil: number, owner?: string) {
		return this.writes.run(() => this.dispatch.claim(flow, endpoint, limit, now, leaseUntil, owner))
	}
	// the dispatcher's and ingest's reads meet damaged pages first: they mark the store damaged
	async nextDue(flow: string, endpoint: string) { return this.read(() => this.dispatch.nextDue(flow, endpoint)) }
	async nextDueAll(targets: Array<[string, string]>) { return this.read(() => this.dispatch.nextDueAll(targets)) }
	async shiftDue(deltaMs: number, writtenUpTo: number | null, now?: number, toleranceMs?: number) {
		// a sweep asks with no step at all: a read answers it unless some row was written ahead of the clock
		if (deltaMs === 0 && (now === undefined || !this.read(() => this.dispatch.writtenAfter(now + (toleranceMs ?? 0))))) return 0
		return this.writes.run(() => this.dispatch.shiftDue(deltaMs, writtenUpTo, now, toleranceMs))
	}
	async events(pks: number[]) { return this.read(() => this.dispatch.events(pks)) }
	// Past the ingest limit the last 5% must last: an attempt record keeps all
	// but the request body beyond its first KB (the event itself is stored).
	// Measured per record inside the transaction: one batch may carry the store across.
	complete(items: Parameters<DispatchQueries['complete']>[0]) {
		if (!this.space.capped) return this.writes.run(() => this.dispatch.complete(items))
		return this.writes.run(() => { for (const c of items) this.dispatch.complete([this.space.overIngestLimit() ? leanAttempt(c) : c]) })
	}
	async recoverInFlight(now: number, owner?: string) { return this.dispatch.recoverInFlight(now, owner) }
	async release(pks: number[], now: number, owner?: string) { this.dispatch.release(pks, now, owner) }
	releaseUnheld(held: number[], now: number, owner?: string) { return this.writes.run(() => this.dispatch.releaseUnheld(held, now, owner)) }
	extendLease(pks: number[], leaseUntil: number, owner?: string) { return this.writes.run(() => this.dispatch.extendLease(pks, leaseUntil, owner)) }
	reclaimExpired(now: number) { return this.writes.run(() => this.dispatch.reclaimExpired(now)) }

	async endpointStates() { return endpoints.allStates(this.client) }
	async saveEndpointState(s: Parameters<typeof endpoints.saveState>[1]) { this.checkFiles(); this.measured(() => endpoints.saveState(this.client, s)) }
	async apiEndpoints() { return endpoints.apiEndpoints(this.client) }
	async saveApiEndpoint(flow: string, e: EndpointConfig, now: number) { this.checkFiles(); endpoints.saveApiEndpoint(this.client, flow, e, now) }
	async deleteApiEndpoint(flow: string, id: string, now: number) { this.checkFiles(); return endpoints.deleteApiEndpoint(this.client, flow, id, now) }
	async changeEndpointState(flow: string, endpoint: string, change: Parameters<typeof signals.changeState>[3]) { this.checkFiles(); return this.measured(() => signals.changeState(this.client, flow, endpoint, change)) }
	async mark(key: string) { return this.read(() => signals.mark(this.client, key)) }
	async moveMark(key: string, expected: number | null, next: number) { this.checkFiles(); return signals.moveMark(this.client, key, expected, next) }
	async failedJobs(flow: string, endpoint: string, after: number, upTo: number, limit: number) { return this.read(() => signals.failedJobs(this.client, flow, endpoint, after, upTo, limit)) }
	async undelivered(since: number, until: number, pendingBefore: number) { return this.read(() => signals.undelivered(this.client, since, until, pendingBefore)) }

	// Through the write queue, so it meets what ingest meets: a full disk, a
	// read-only or deleted file, a fault.
	async probeWrite() {
		await this.writes.run(() => { this.heartbeat.run(Date.now()) })
	}

	/** Why ingest would be refused for the store right now, or null. */
	refusal(): string | null {
		if (this.damage) return this.damage
		// looked at before every write transaction; a stat per request would cost more than it tells
		if (this.files.found) return this.files.found
		if (this.space.full) return STORE_FULL
		return this.diskFull.problem()
	}

	/** Looks at an error a statement threw: a sign of damaged pages marks the store damaged; returns the message for the caller. */
	noteError(err: unknown): string | null {
		if (!isDamage(err)) return null
		this.damage ??= `the database ${this.client.filename} is damaged (${err instanceof Error ? err.message : String(err)}): stop hookgate and restore it from a backup, or recover it with sqlite3 ".recover"`
		return this.damage
	}

	usage() { return this.space.usage() }
	onUsage(listener: (u: StoreUsage) => void) { this.usageListeners.push(listener) }

	/** storage.maxSize changed by a reload: the hard stop and the ingest limit follow */
	setMaxSize(bytes: number) {
		this.walAutocheckpoint = applySizeCap(this.client, bytes)
		this.space.setCap(bytes)
	}

	async sizeBytes() {
		const r = this.client.prepare('SELECT page_count * page_size AS size FROM pragma_page_count(), pragma_page_size()').get() as { size: number }
		let wal = 0
		try { wal = statSync(`${this.client.filename}-wal`).size } catch {}
		return { db: r.size, wal }
	}

	async backlog() { return this.read(() => this.ops.backlog()) }
	// a purge frees pages: ingest may take writes again at once
	async purgeFinishedJobs(before: number, limit: number) {
		this.checkFault()
		return this.measured(() => this.ops.purgeFinishedJobs(before, limit))
	}
	async purgeOrphanEvents(before: number, after: EventCursor | null, limit: number) {
		this.checkFault()
		return this.measured(() => this.ops.purgeOrphanEvents(before, after, limit))
	}
	private read<T>(query: () => T): T {
		try {
			return query()
		} catch (err) {
			this.noteError(err)
			throw err
		}
	}
	private measured<T>(write: () => T): T {
		try {
			return write()
		} catch (err) {
			this.noteError(err)
			throw err
		} finally {
			if (this.space.capped) this.space.refresh()
		}
	}
	async purgeStarting() { this.housekeeping.purgeStarting() }
	async purgeEnded() { this.housekeeping.purgeEnded() }
	reclaimSpace(steps: { pause: () => Promise<void>; aborted: () => boolean }) {
		return this.housekeeping.reclaimSpace(steps, (pages) => this.measured(() => this.ops.vacuumStep(pages)))
	}
	/** free and total pages of the file (tests of the housekeeping read it) */
	async freePages() { return this.ops.freePages() }

	// admin API: reads run directly, writes join the shared write transaction
	async listJobs(filter: JobFilter, page: Page) { return adminJobs.listJobs(this.client, filter, page) }
	async getJob(id: string) { return adminJobs.getJob(this.client, id) }
	async jobAttempts(jobPk: number) { return adminJobs.jobAttempts(this.client, jobPk) }
	async jobsOfEvents(eventPks: number[]) { return adminJobs.jobsOfEvents(this.client, eventPks) }
	replayJob(id: string, now: number) { return this.writes.run(() => adminJobs.replayJob(this.client, id, now)) }
	cancelJob(id: string, now: number) { return this.writes.run(() => adminJobs.cancelJob(this.client, id, now)) }
	async lastJobPk() { return adminJobs.lastJobPk(this.client) }
	replayJobsChunk(filter: BulkReplayFilter, afterPk: number, limit: number, now: number) {
		return this.writes.run(() => adminJobs.replayJobsChunk(this.client, filter, afterPk, limit, now))
	}
	async jobCounts(flow: string | null) { return adminJobs.jobCounts(this.client, flow) }
	async listEvents(filter: EventFilter, page: Page) { return adminEvents.listEvents(this.client, filter, page) }
	async findEvents(id: string, flow: string | null) { return adminEvents.findEvents(this.client, id, flow) }
	insertTestJob(input: TestJobInput) { return this.writes.run(() => adminEvents.insertTestJob(this.client, input)) }
	async endpointStats(q: StatsQuery) { return endpointStats(this.client, q) }

	async portalKey(flow: string) { return portalKeys.portalKey(this.client, flow) }
	async ensurePortalKey(flow: string, fresh: string, now: number) {
		this.checkFault()
		return portalKeys.ensurePortalKey(this.client, flow, fresh, now)
	}
	async replacePortalKey(flow: string, key: string, now: number) {
		this.checkFault()
		portalKeys.replacePortalKey(this.client, flow, key, now)
	}

	async svixApps() { return svix.apps(this.client) }
	async svixSaveApp(a: SvixAppRecord, idem: SvixIdempotentAnswer | null) { this.checkFault(); return svix.saveApp(this.client, a, idem) }
	async svixDeleteApp(id: string, now: number) { this.checkFault(); return svix.deleteApp(this.client, id, now) }
	async svixSaveEndpoint(flow: string, e: EndpointConfig, now: number, idem: SvixIdempotentAnswer | null) {
		this.checkFault()
		svix.saveEndpoint(this.client, flow, e, now, idem)
	}
	async svixAnswer(key: string, since: number) { return svix.answer(this.client, key, since) }
	// through the write queue like ingest, so the dispatcher hears of the jobs when they commit
	svixSendMessage(m: SvixNewMessage) {
		return this.writes.run(() => svix.sendMessage(this.client, this.ingestWrites, m), (outcome) => {
			if (outcome.kind === 'sent') for (const l of this.listeners) l([outcome.event])
		})
	}
	async svixMessages(app: string, page: SvixPage) { return svix.messages(this.client, app, page) }
	async svixMessage(app: string, idOrEventId: string) { return svix.message(this.client, app, idOrEventId) }
	async svixAttempts(app: string, f: SvixAttemptFilter) { return svix.attempts(this.client, app, f) }
	svixResend(app: string, msgId: string, endpoint: string, now: number, retries: number, idem: SvixIdempotentAnswer | null) { return this.writes.run(() => svix.resend(this.client, app, msgId, endpoint, now, retries, idem)) }
	async svixPurge(answersBefore: number, tasksBefore: number) { this.checkFault(); return this.measured(() => svix.purge(this.client, answersBefore, tasksBefore)) }
	async svixSaveTask(t: SvixTaskRecord, idem: SvixIdempotentAnswer | null) { this.checkFault(); svix.saveTask(this.client, t, idem) }
	async svixTask(id: string) { return svix.task(this.client, id) }
	async svixTasks(q: SvixTaskPage) { return svix.tasks(this.client, q) }
	async svixEventTypes() { return svix.eventTypes(this.client) }
	async svixSaveEventType(t: SvixEventTypeRecord, idem: SvixIdempotentAnswer | null) { this.checkFault(); svix.saveEventType(this.client, t, idem) }
	async svixDeleteEventType(name: string) { this.checkFault(); svix.deleteEventType(this.client, name) }

	async close() {
		this.writes.close()
		this.closeFn()
	}
}
