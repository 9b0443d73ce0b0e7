import type { Database } from 'bun:sqlite'
import { statSync } from 'node:fs'
import type { EndpointConfig } from '../../domain'
import { openSqlite, type Db, type OpenOptions } from '../open'
import type { CreateSessionOutcome, EventCursor, Store } from '../store'
import type { IngestedEvent, IngestItem } from '../types'
import { DispatchQueries } from './dispatch'
import * as endpoints from './endpoints'
import { OpsQueries } from './ops'
import { IngestWrites } from './ingest'
import { WriteQueue } from './write-queue'
import * as sessions from './sessions'
import { sameJson } from '../../json'
import type { BulkReplayFilter, EventFilter, JobFilter, Page, StatsQuery, TestJobInput } from '../store'
import * as adminEvents from './admin-events'
import * as adminJobs from './admin-jobs'
import { endpointStats } from './admin-stats'

export class SqliteStore implements Store {
	readonly dialect = 'sqlite' as const
	readonly db: Db
	readonly client: Database
	private closeFn: () => void
	private writes: WriteQueue
	private ingestWrites: IngestWrites
	private dispatch: DispatchQueries
	private ops: OpsQueries
	private listeners: Array<(events: IngestedEvent[]) => void> = []
	/** tests set this to make every write fail, as a full or read-only disk would */
	get faultWrites() { return this.writes.fault }
	set faultWrites(e: Error | null) { this.writes.fault = e }

	constructor(private opts: OpenOptions) {
		const opened = openSqlite(opts)
		this.db = opened.db
		this.client = opened.client
		this.closeFn = opened.close
		this.writes = new WriteQueue(this.client)
		this.ingestWrites = new IngestWrites(this.client)
		this.dispatch = new DispatchQueries(this.client)
		this.ops = new OpsQueries(this.client)
	}

	private checkFault() {
		if (this.faultWrites) throw this.faultWrites
	}

	ingest(flow: string, items: IngestItem[], now: number) {
		return this.writes.run(() => this.ingestWrites.apply({ flow, items, now }), (outcome) => {
			if (!outcome.ok) return
			const fresh = outcome.events.filter((e) => e.stored)
			if (fresh.length > 0) for (const l of this.listeners) l(fresh)
		})
	}
	onCommitted(listener: (events: IngestedEvent[]) => void) { this.listeners.push(listener) }
	async getSession(flow: string, id: string) { return sessions.getSession(this.client, flow, id) }
	async createSession(flow: string, id: string, metadata: Record<string, unknown>, now: number): Promise<CreateSessionOutcome> {
		this.checkFault()
		return sessions.createSession(this.client, flow, id, metadata, now, sameJson)
	}
	async updateSession(flow: string, id: string, apply: (m: Record<string, unknown>) => Record<string, unknown>, now: number) {
		this.checkFault()
		return sessions.updateSession(this.client, flow, id, apply, now)
	}

	claim(flow: string, endpoint: string, limit: number, now: number, leaseUntil: number) {
		return this.writes.run(() => this.dispatch.claim(flow, endpoint, limit, now, leaseUntil))
	}
	async nextDue(flow: string, endpoint: string) { return this.dispatch.nextDue(flow, endpoint) }
	async nextDueAll(targets: Array<[string, string]>) { return this.dispatch.nextDueAll(targets) }
	shiftDue(deltaMs: number, writtenUpTo: number | null) { return this.writes.run(() => this.dispatch.shiftDue(deltaMs, writtenUpTo)) }
	async events(pks: number[]) { return this.dispatch.events(pks) }
	complete(items: Parameters<DispatchQueries['complete']>[0]) { return this.writes.run(() => this.dispatch.complete(items)) }
	async recoverInFlight(now: number) { return this.dispatch.recoverInFlight(now) }
	async release(pks: number[], now: number) { this.dispatch.release(pks, now) }
	reclaimExpired(now: number) { return this.writes.run(() => this.dispatch.reclaimExpired(now)) }

	async endpointStates() { return endpoints.allStates(this.client) }
	async saveEndpointState(s: Parameters<typeof endpoints.saveState>[1]) { endpoints.saveState(this.client, s) }
	async apiEndpoints() { return endpoints.apiEndpoints(this.client) }
	async saveApiEndpoint(flow: string, e: EndpointConfig, now: number) { endpoints.saveApiEndpoint(this.client, flow, e, now) }
	async deleteApiEndpoint(flow: string, id: string, now: number) { return endpoints.deleteApiEndpoint(this.client, flow, id, now) }

	async probeWrite() {
		this.checkFault()
		this.client.exec('BEGIN IMMEDIATE')
		try {
			this.client.exec("INSERT INTO endpoint_state (flow, endpoint, enabled, updated_at) VALUES ('', '', 1, 0) ON CONFLICT DO NOTHING")
		} finally {
			this.client.exec('ROLLBACK')
		}
	}

	async sizeBytes() {
		const r = this.client.prepare('SELECT page_count * page_size AS size FROM pragma_page_count(), pragma_page_size()').get() as { size: number }
		let wal = 0
		try { wal = statSync(`${this.client.filename}-wal`).size } catch {}
		return { db: r.size, wal }
	}

	async backlog() { return this.ops.backlog() }
	async purgeFinishedJobs(before: number, limit: number) {
		this.checkFault()
		return this.ops.purgeFinishedJobs(before, limit)
	}
	async purgeOrphanEvents(before: number, after: EventCursor | null, limit: number) {
		this.checkFault()
		return this.ops.purgeOrphanEvents(before, after, limit)
	}
	async checkpoint() { this.ops.checkpoint() }
	// Small automatic checkpoints while a purge runs: each copies less of the WAL,
	// so no single commit stalls ingest for long; the default (1000 pages) after.
	async maintenance(on: boolean) { this.client.exec(`PRAGMA wal_autocheckpoint = ${on ? 128 : 1000}`) }
	async freePages() { return this.ops.freePages() }
	async vacuumStep(pages: number) { return this.ops.vacuumStep(pages) }

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

	async close() { this.closeFn() }
}
