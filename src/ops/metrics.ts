import { Counter, Gauge, Histogram, Registry } from 'prom-client'
import type { Catalog } from '../catalog'
import type { BacklogRow } from '../store/records'
import type { Completion, IngestedEvent } from '../store/types'
import { heapTrim } from './heap'
import { processMetrics } from './process-metrics'
import type { PurgeResult } from './retention'

/** What /metrics reads from the store. */
export interface MetricsStore {
	backlog(): Promise<BacklogRow[]>
	/** the database's size and its log's (a store that lives in files); absent: the gauges stay 0 */
	sizeBytes?(): Promise<{ db: number; wal: number }>
}

export interface MetricsDeps {
	store: MetricsStore
	catalog: Catalog
	/** attempts the dispatcher has in flight right now */
	inFlight: () => number
	now: () => number
	version: string
}

/** store-derived gauges are read at most this often, however many scrapers poll */
export const STORE_READ_EVERY_MS = 1000

const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]

// Every family is hookgate_* and lives in our own Registry (never prom-client's
// global one), so two gateways in one test process do not share counters.
// Counters move with the events they count; store-derived gauges (backlog,
// sizes) are read from the store, so they are true even after a restart. That
// read costs the same whatever the backlog (the store keeps the counts; see
// BACKLOG_SQL) and runs at most once a second: the oldest ages are worked out
// from the saved creation times at each scrape, so they stay exact.
export class Metrics {
	readonly registry = new Registry()
	private readonly accepted: Counter<'flow'>
	private readonly duplicates: Counter<'flow'>
	private readonly rejected: Counter<'flow' | 'code'>
	private readonly deliveries: Counter<'flow' | 'endpoint' | 'outcome'>
	private readonly attempts: Counter<'flow' | 'endpoint' | 'result'>
	private readonly duration: Histogram<'flow' | 'endpoint'>
	private readonly backlog: Gauge<'flow' | 'endpoint'>
	private readonly oldest: Gauge<'flow' | 'endpoint'>
	private readonly inFlight: Gauge
	private readonly dbSize: Gauge
	private readonly walSize: Gauge
	private readonly reloads: Counter<'result'>
	private readonly purges: Counter
	private readonly purged: Counter<'kind'>
	private readonly lastPurge: Gauge
	private readonly process: ReturnType<typeof processMetrics>
	private readonly heap = heapTrim()
	private storeRead: { at: number; backlog: BacklogRow[]; size: { db: number; wal: number } } | null = null
	/** how many times the store was read (tests: scrapes in a burst share one read) */
	storeReads = 0
	private readonly spansDropped: Counter

	constructor(private deps: MetricsDeps) {
		const registers = [this.registry]
		new Gauge({ name: 'hookgate_build_info', help: 'Always 1; the version is a label', labelNames: ['version'], registers }).set({ version: deps.version }, 1)
		this.accepted = new Counter({ name: 'hookgate_events_accepted_total', help: 'Events accepted and committed (duplicates not counted)', labelNames: ['flow'], registers })
		this.duplicates = new Counter({ name: 'hookgate_events_duplicate_total', help: 'Events answered as duplicates of an accepted one', labelNames: ['flow'], registers })
		this.rejected = new Counter({ name: 'hookgate_events_rejected_total', help: 'Event ingest requests refused, by error code (flow is empty for an unknown flow)', labelNames: ['flow', 'code'], registers })
		this.deliveries = new Counter({ name: 'hookgate_deliveries_total', help: 'Deliveries that finished through an attempt, by outcome (succeeded, failed)', labelNames: ['flow', 'endpoint', 'outcome'], registers })
		this.attempts = new Counter({ name: 'hookgate_delivery_attempts_total', help: 'Delivery attempts, by result (success or the attempt error class)', labelNames: ['flow', 'endpoint', 'result'], registers })
		this.duration = new Histogram({ name: 'hookgate_delivery_attempt_duration_seconds', help: 'Duration of delivery attempts in seconds', labelNames: ['flow', 'endpoint'], buckets: DURATION_BUCKETS, registers })
		this.backlog = new Gauge({ name: 'hookgate_backlog_deliveries', help: 'Deliveries waiting as pending, per endpoint', labelNames: ['flow', 'endpoint'], registers })
		this.oldest = new Gauge({ name: 'hookgate_oldest_pending_age_seconds', help: 'Age of the oldest pending delivery per endpoint, in seconds (0 when none)', labelNames: ['flow', 'endpoint'], registers })
		this.inFlight = new Gauge({ name: 'hookgate_dispatcher_attempts_in_flight', help: 'Delivery attempts in flight', registers })
		this.dbSize = new Gauge({ name: 'hookgate_sqlite_database_size_bytes', help: 'Size of the SQLite database (pages in use and free)', registers })
		this.walSize = new Gauge({ name: 'hookgate_sqlite_wal_size_bytes', help: 'Size of the SQLite write-ahead log file', registers })
		this.reloads = new Counter({ name: 'hookgate_config_reloads_total', help: 'Configuration reloads, by result (applied, refused)', labelNames: ['result'], registers })
		this.purges = new Counter({ name: 'hookgate_retention_runs_total', help: 'Retention purges that ran to the end', registers })
		this.purged = new Counter({ name: 'hookgate_retention_purged_rows_total', help: 'Rows deleted by retention, by kind (jobs, attempts, events)', labelNames: ['kind'], registers })
		this.lastPurge = new Gauge({ name: 'hookgate_retention_last_run_timestamp_seconds', help: 'When the last complete retention purge ended, Unix seconds (0: none yet)', registers })
		this.process = processMetrics(this.registry)
		this.spansDropped = new Counter({ name: 'hookgate_tracing_spans_dropped_total', help: 'Trace spans lost to a full export queue or a failed export (0 while tracing is off)', registers })
		for (const result of ['applied', 'refused']) this.reloads.inc({ result }, 0)
		for (const kind of ['jobs', 'attempts', 'events']) this.purged.inc({ kind }, 0)
	}

	get contentType() { return this.registry.contentType }

	/** store.onCommitted: new events only, once committed */
	eventsCommitted = (events: IngestedEvent[]) => {
		for (const e of events) if (e.stored) this.accepted.inc({ flow: e.stored.flow })
	}

	/** An answer of an event ingest route (`route` is Elysia's pattern). */
	ingestAnswered(route: string, flow: string, status: number, code: string | null, body: unknown) {
		const single = route === '/v1/flows/:flow/events'
		if (!single && route !== '/v1/flows/:flow/events/batch') return
		// an unknown flow id is whatever the client sent: never a label value
		const known = this.deps.catalog.flow(flow) ? flow : ''
		if (code !== null || status >= 400) { this.rejected.inc({ flow: known, code: code ?? String(status) }); return }
		if (single && status === 200) { this.duplicates.inc({ flow: known }); return }
		const events = (body as { events?: Array<{ duplicate?: boolean }> } | null)?.events
		const dup = Array.isArray(events) ? events.filter((e) => e.duplicate).length : 0
		if (dup > 0) this.duplicates.inc({ flow: known }, dup)
	}

	/** Dispatcher onAttempt: one finished try. */
	attempt(flow: string, endpoint: string, c: Completion) {
		const a = c.attempt
		this.attempts.inc({ flow, endpoint, result: a.error ? a.error.class : 'success' })
		this.duration.observe({ flow, endpoint }, a.durationMs / 1000)
		if (c.status !== 'pending') this.deliveries.inc({ flow, endpoint, outcome: c.status })
	}

	/** Tracing: spans the exporter will never send. */
	tracingSpansDropped(count: number) { this.spansDropped.inc(count) }

	reload(applied: boolean) { this.reloads.inc({ result: applied ? 'applied' : 'refused' }) }

	purgeDone(r: PurgeResult) {
		this.purged.inc({ kind: 'jobs' }, r.jobs)
		this.purged.inc({ kind: 'attempts' }, r.attempts)
		this.purged.inc({ kind: 'events' }, r.events)
		if (r.aborted) return
		this.purges.inc()
		this.lastPurge.set(Math.round(this.deps.now() / 1000))
	}

	private async fromStore() {
		const t = performance.now()
		if (this.storeRead && t - this.storeRead.at < STORE_READ_EVERY_MS) return this.storeRead
		const [backlog, size] = await Promise.all([this.deps.store.backlog(), this.deps.store.sizeBytes?.() ?? { db: 0, wal: 0 }])
		this.storeReads++
		this.storeRead = { at: t, backlog, size }
		return this.storeRead
	}

	/** The exposition text. */
	async text(): Promise<string> {
		const { catalog } = this.deps
		const { backlog, size } = await this.fromStore()
		const now = this.deps.now()
		this.backlog.reset()
		this.oldest.reset()
		// every configured endpoint shows, at 0 when idle; rows of endpoints gone
		// from the config show too: their jobs wait, visible
		for (const id of catalog.flowIds()) {
			for (const e of catalog.flow(id)!.endpoints) {
				this.backlog.set({ flow: id, endpoint: e.id }, 0)
				this.oldest.set({ flow: id, endpoint: e.id }, 0)
			}
		}
		for (const r of backlog) {
			this.backlog.set({ flow: r.flow, endpoint: r.endpoint }, r.pending)
			this.oldest.set({ flow: r.flow, endpoint: r.endpoint }, Math.max(0, now - r.oldestCreatedAt) / 1000)
		}
		this.dbSize.set(size.db)
		this.walSize.set(size.wal)
		this.inFlight.set(this.deps.inFlight())
		this.process.refresh()
		return this.registry.metrics()
	}

	close() {
		this.process.close()
		this.heap.stop()
	}
}
