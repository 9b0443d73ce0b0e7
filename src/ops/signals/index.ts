import type { ChangedBy, EndpointSignals } from '../../admin/deps'
import type { Catalog } from '../../catalog'
import type { AttemptResult } from '../../dispatch/health'
import type { Config } from '../../domain'
import type { IngestStore } from '../../ingest/store'
import type { MetricsStore } from '../metrics'
import type { EndpointStateRecord } from '../../store/types'
import type { ScheduledTask } from '../schedule'
import { endpointChanges } from './config-diff'
import { OpsEmitter, type OpsEventType } from './emit'
import { ExhaustedCoalescer } from './exhausted'
import { reportTask, runReport, type ReportDeps } from './report'
import { SpaceWatch } from './space'
import type { SignalStore, SpaceUsage, StoreUsage } from './store'
import { transitions, type Signal } from './transitions'

export interface SignalsDeps {
	/** ingest for the events themselves; the backlog for an endpoint's pending count */
	store: IngestStore & SignalStore & SpaceUsage & Pick<MetricsStore, 'backlog'>
	catalog: Catalog
	now: () => number
	log: { info(o: object, m: string): void; warn(o: object, m: string): void; error(o: object, m: string): void; debug(o: object, m: string): void }
	/** delivery.exhausted at most once per endpoint this often (default a minute; tests shorten it) */
	coalesceMs?: number
}

// Operational events (operations.flow): the dispatcher, the admin services and
// the runtime tell this what happened; it decides what that means for an
// operator and ingests it. Every hook returns at once: emitting runs beside the
// work that noticed it, and stop() waits for what is under way.
export class OperationalSignals implements EndpointSignals {
	readonly emitter: OpsEmitter
	private exhausted: ExhaustedCoalescer
	private space: SpaceWatch
	private task: (ScheduledTask & { runNow(): Promise<boolean> }) | null = null
	private busy = new Set<Promise<unknown>>()

	constructor(private deps: SignalsDeps) {
		this.emitter = new OpsEmitter(deps)
		const emit = (type: OpsEventType, data: Record<string, unknown>) => this.emitter.emit(type, data)
		this.exhausted = new ExhaustedCoalescer({ store: deps.store, now: deps.now, emit, log: deps.log, intervalMs: deps.coalesceMs ?? 60_000 })
		this.space = new SpaceWatch({ store: deps.store, emit, track: (p) => this.track(p) })
	}

	private reportDeps(): ReportDeps {
		return { store: this.deps.store, now: this.deps.now, emit: (type, data) => this.emitter.emit(type, data), skip: (f) => !this.emitter.watches(f), log: this.deps.log }
	}

	/** starts the daily report's cron (once the gateway is up, so a failed start leaves no timer) */
	start() {
		this.task ??= reportTask(this.reportDeps(), this.deps.catalog.config.operations.reportSchedule)
	}

	/** the daily report now (an operator's or a test's tick); true when one was sent */
	runReport(): Promise<boolean> {
		return runReport(this.reportDeps())
	}

	private track(p: Promise<unknown>) {
		const q = p.catch((err) => this.deps.log.error({ err: String(err) }, 'operational event failed'))
		this.busy.add(q)
		q.finally(() => this.busy.delete(q))
	}

	private async send(flow: string, endpoint: string, signals: Signal[]) {
		for (const s of signals) {
			if (s.pending) s.data.pending = await this.pending(flow, endpoint)
			await this.emitter.emit(s.type, s.data)
		}
	}

	private async pending(flow: string, endpoint: string): Promise<number> {
		const rows = await this.deps.store.backlog()
		return rows.find((r) => r.flow === flow && r.endpoint === endpoint)?.pending ?? 0
	}

	private changed(flow: string, endpoint: string, before: EndpointStateRecord, after: EndpointStateRecord, lastError: Signal['data']['lastError'], by: ChangedBy | null) {
		if (!this.emitter.watches(flow)) return
		const cfg = this.deps.catalog.config.delivery
		const signals = transitions(before, after, {
			flow, endpoint, now: this.deps.now(), failingAfter: cfg.failingAfter, disableAfterMs: cfg.disableAfterMs,
			lastError: (lastError ?? null) as { class: string; message: string; status: number | null } | null, by,
		})
		if (signals.length > 0) this.track(this.send(flow, endpoint, signals))
	}

	/** the dispatcher: a try changed the endpoint's health */
	health(flow: string, endpoint: string, before: EndpointStateRecord, after: EndpointStateRecord, r: AttemptResult) {
		const lastError = r.ok ? null : { class: r.errorClass ?? 'http_status', message: r.errorMessage ?? '', status: r.status }
		this.changed(flow, endpoint, before, after, lastError, null)
	}

	/** the admin API switched an endpoint on or off */
	stateChanged(flow: string, endpoint: string, before: EndpointStateRecord, after: EndpointStateRecord, by: ChangedBy) {
		this.changed(flow, endpoint, before, after, null, by)
	}

	endpointChanged(kind: 'created' | 'updated' | 'deleted', flow: string, endpoint: string, by: ChangedBy) {
		if (this.emitter.watches(flow)) this.track(this.emitter.emit(`endpoint.${kind}`, { flow, endpoint, by }))
	}

	/** the dispatcher: a job ran out of tries (written) */
	jobExhausted(flow: string, endpoint: string) {
		if (this.emitter.watches(flow)) this.exhausted.note(flow, endpoint)
	}

	/** a reload took effect: what it changed among the YAML's endpoints */
	reloaded(before: Config, after: Config) {
		this.task?.reschedule(after.operations.reportSchedule)
		const now = this.deps.now()
		for (const c of endpointChanges(before, after)) {
			if (!this.emitter.watches(c.flow)) continue
			if (c.kind === 'enabled') this.track(this.emitter.emit('endpoint.enabled', { flow: c.flow, endpoint: c.endpoint, by: 'config' }))
			else if (c.kind === 'disabled') {
				this.track(this.send(c.flow, c.endpoint, [{
					type: 'endpoint.disabled', pending: true,
					data: { flow: c.flow, endpoint: c.endpoint, reason: 'disabled in the configuration file', disabledAt: new Date(now).toISOString(), pending: 0 },
				}]))
			} else this.endpointChanged(c.kind, c.flow, c.endpoint, 'config')
		}
	}

	reloadRefused(errors: string[]) {
		this.track(this.emitter.emit('config.reload_refused', { errors }))
	}

	/** the store measured its usage (after a write, a refused ingest, a purge): is it nearly full? (only with a cap and somewhere to say it) */
	measured(u: StoreUsage) {
		if (this.deps.catalog.config.storage.maxSizeBytes > 0 && this.emitter.flow !== null) this.space.poke(u)
	}

	/** waits for events under way; the store must still be open */
	async stop() {
		this.exhausted.stop()
		await this.task?.stop()
		while (this.busy.size > 0) await Promise.all([...this.busy])
	}
}
