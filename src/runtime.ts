import { resolve } from 'node:path'
import { adminApi, openapiDocs } from './admin'
import { createApp } from './app'
import { HttpError, unavailable } from './errors'
import { Catalog } from './catalog'
import { loadConfigFile } from './config/load'
import { VERSION, type Config } from './domain'
import { Dispatcher } from './dispatch/dispatcher'
import { makeAllowList } from './dispatch/egress'
import type { Resolver } from './dispatch/resolve'
import { ingestRoutes } from './ingest/routes'
import { logAccepted, logAttempt } from './ops/activity'
import { healthRoutes, storeReadiness } from './ops/health'
import { createLogger, type Logger } from './ops/log'
import { Metrics } from './ops/metrics'
import { metricsRoutes } from './ops/metrics-routes'
import { retentionTask } from './ops/retention-task'
import { OperationalSignals } from './ops/signals'
import { isUnavailable, openFailure } from './store/open'
import { openStore } from './store/open-store'
import { viewerRoutes } from './viewer/plugin'
import { svixApi, svixDocs } from './svix'
import type { Store } from './store/store'
import { exporterSettingsChanged, startTracing, type TracingTuning } from './tracing/start'
import type { Tracing } from './tracing/tracing'

export interface RuntimeOptions {
	env?: Record<string, string | undefined>
	now?: () => number
	random?: () => number
	resolver?: Resolver
	logger?: Logger
	/** install SIGTERM/SIGINT/SIGHUP handlers (the CLI does; tests do not) */
	signals?: boolean
	/** span batching of the trace exporter (tests shorten its delay) */
	tracing?: TracingTuning
	/** operational events: delivery.exhausted at most once per endpoint this often (default a minute; tests shorten it) */
	opsCoalesceMs?: number
}

export class ConfigError extends Error {
	constructor(readonly lines: string[]) { super(lines.join('\n')) }
}

/** how long past shutdownGrace a stop waits for the store to record finished tries */
const STOP_MARGIN_MS = 3000

/** true when `p` settled within `ms` */
async function within(p: Promise<unknown>, ms: number): Promise<boolean> {
	let timer: ReturnType<typeof setTimeout> | undefined
	const out = await Promise.race([p.then(() => true, () => true), new Promise<boolean>((r) => { timer = setTimeout(() => r(false), ms) })])
	clearTimeout(timer)
	return out
}

/** A start-up step on the store: a database error closes it and says which file and what to do. */
async function storeStep<T>(store: Store, file: string, step: () => Promise<T>): Promise<T> {
	try {
		return await step()
	} catch (err) {
		if (!(err instanceof Error && err.name === 'SQLiteError')) throw err
		await store.close().catch(() => {})
		throw openFailure(resolve(file), err)
	}
}

const PROXY_VARS = ['HTTP_PROXY', 'HTTPS_PROXY', 'http_proxy', 'https_proxy', 'ALL_PROXY', 'all_proxy']

export interface Running {
	url: string
	/** the HTTP app (its `routes` are what /openapi.json must cover) */
	app: ReturnType<typeof createApp>
	config: Config
	store: Store
	catalog: Catalog
	dispatcher: Dispatcher
	log: Logger
	metrics: Metrics
	/** null unless tracing.otlp.endpoint is set */
	tracing: Tracing | null
	/** the scheduled purge; runNow() for an operator or a test */
	retention: ReturnType<typeof retentionTask>
	/** operational events into operations.flow; signals.runReport() for a test */
	signals: OperationalSignals
	/** SIGHUP: reload the YAML; returns the problems of a refused file */
	reload(): Promise<string[]>
	/** SIGTERM: stop accepting, let tries finish within the grace, close */
	stop(): Promise<void>
}

// The one place with start/stop side effects.
export async function startGateway(configPath: string, opts: RuntimeOptions = {}): Promise<Running> {
	const env = opts.env ?? process.env
	const loaded = loadConfigFile(configPath, env)
	if ('errors' in loaded) throw new ConfigError(loaded.errors)
	const config = loaded.config
	const log = opts.logger ?? createLogger(config.log.level)
	const now = opts.now ?? Date.now

	// Bun's fetch quietly honours proxy variables; nothing may route around the egress guard.
	for (const v of PROXY_VARS) if (process.env[v] !== undefined) {
		delete process.env[v]
		log.warn({ variable: v }, 'ignoring proxy variable: hookgate never sends through a proxy')
	}

	const opened = await openStore(config, env)
	const store = opened.store
	// a damaged page or a read-only file may first show when start-up reads or recovers
	const catalog = await storeStep(store, opened.where, () => Catalog.load(config, store))
	if (catalog.conflicts(config).length > 0) {
		// the YAML was edited while stopped into a clash with API endpoints: same lines as a refused reload
		const checked = loadConfigFile(configPath, env, { check: (c) => catalog.conflicts(c) })
		await store.close()
		throw new ConfigError('errors' in checked ? checked.errors : ['configuration conflicts with endpoints added through the API'])
	}
	let allow = makeAllowList(config.delivery.allowPrivateNetworks)
	// metrics reads the dispatcher's in-flight count lazily: each needs the other
	const metrics: Metrics = new Metrics({ store, catalog, now, version: VERSION, inFlight: () => dispatcher.inFlight })
	const tracing = await startTracing(config.tracing, {
		propagate: () => catalog.config.tracing.propagate, onDropped: (n) => metrics.tracingSpansDropped(n), log, now: Date.now, tuning: opts.tracing,
	})
	const signals = new OperationalSignals({ store, catalog, now, log, coalesceMs: opts.opsCoalesceMs })
	const dispatcher = new Dispatcher({
		store, catalog, now, random: opts.random ?? Math.random, log, resolver: opts.resolver, tracing,
		get allow() { return allow },
		onAttempt: (flow, endpoint, c, ids) => { metrics.attempt(flow, endpoint, c); logAttempt(log, flow, endpoint, c, ids) },
		onHealth: (flow, endpoint, before, after, r) => signals.health(flow, endpoint, before, after, r),
		onExhausted: (flow, endpoint) => signals.jobExhausted(flow, endpoint),
	})
	store.onCommitted((events) => { metrics.eventsCommitted(events); logAccepted(log, events) })
	store.onUsage?.((u) => signals.measured(u))
	let stopping = false

	const refusal = () => stopping ? 'hookgate is shutting down' : store.refusal()
	// fails whenever ingest would refuse for the store, and meets a full disk with a committed write
	const ready = storeReadiness(store, refusal, () => dispatcher.alive)

	const app = createApp({
		log,
		// admin writes meet the store's faults too: say what they are
		explain: (err) => {
			const damage = store.noteError(err)
			if (damage) return new HttpError(500, 'internal', damage)
			if (isUnavailable(err)) return unavailable(`the store cannot take writes: ${(err as Error).message}`)
			return null
		},
		plugins: [
			healthRoutes(ready),
			// before ingest: its after-response hook only sees routes registered after it
			metricsRoutes(metrics, () => catalog.config.metrics.token),
			ingestRoutes({
				store, catalog, now, refusal, tracing,
				maxBodyBytes: () => catalog.config.server.maxBodyBytes,
				batchLimit: () => catalog.config.limits.batchEvents,
			}),
			adminApi({ store, catalog, dispatcher, now, log, signals, attempt: { get allow() { return allow }, resolver: opts.resolver, now } }),
			svixApi({ store, catalog, now, log, maxBodyBytes: () => catalog.config.server.maxBodyBytes, notify: () => dispatcher.notify() }),
			openapiDocs(svixDocs()),
			viewerRoutes({ frameAncestors: () => catalog.config.portal.frameAncestors }),
		],
	})
	await storeStep(store, opened.where, () => dispatcher.start())
	// other instances' new jobs and endpoint changes (PostgreSQL): a NOTIFY or the one-second timer makes them seen
	const wakeups = await opened.watch({ jobs: () => dispatcher.notify(), tick: () => catalog.refresh() }, log)
	const server = Bun.serve({
		hostname: config.server.host,
		port: config.server.port,
		// our parser answers 413 first; Bun's cap only stops absurd bodies
		maxRequestBodySize: Math.max(config.server.maxBodyBytes * 4, 1 << 20),
		fetch: (req) => app.handle(req),
	})
	const url = `http://${config.server.host.includes(':') ? `[${config.server.host}]` : config.server.host}:${server.port}`
	log.info({ url, db: opened.where, flows: config.flows.length, tracing: tracing !== null }, 'hookgate started')
	// started once the port is bound, so a failed start leaves no timer behind
	signals.start()
	const retention = retentionTask({ store, now, log, days: () => catalog.config.retention.days, onResult: (r) => metrics.purgeDone(r) }, config.retention.schedule)

	let stopped: Promise<void> | null = null
	const running: Running = {
		url, app, config, store, catalog, dispatcher, log, metrics, tracing, retention, signals,
		async reload() {
			const next = loadConfigFile(configPath, env, { check: (c) => catalog.conflicts(c) })
			const problems = 'errors' in next ? next.errors : []
			const tracingBefore = catalog.config.tracing
			const before = catalog.config
			if ('config' in next) catalog.replaceConfig(next.config)
			if (problems.length > 0) {
				metrics.reload(false)
				log.error({ errors: problems }, 'configuration reload refused; the old configuration keeps running')
				signals.reloadRefused(problems)
				return problems
			}
			signals.reloaded(before, catalog.config)
			metrics.reload(true)
			allow = makeAllowList(catalog.config.delivery.allowPrivateNetworks)
			store.setMaxSize?.(catalog.config.storage.maxSizeBytes)
			running.config = catalog.config
			// croner cannot change a live job's pattern: a new schedule means a new job
			retention.reschedule(catalog.config.retention.schedule)
			if (!opts.logger) log.level = catalog.config.log.level
			if (exporterSettingsChanged(tracingBefore, catalog.config.tracing)) {
				log.warn({}, 'tracing.otlp and tracing.sampleRatio take effect at the next start; tracing.propagate applies now')
			}
			log.info({ flows: catalog.config.flows.length }, 'configuration reloaded')
			return []
		},
		stop() {
			// a second signal waits for the first stop instead of exiting half-way
			stopped ??= (async () => {
				stopping = true
				const stopStarted = Date.now()
				await wakeups.stop()
				const graceMs = catalog.config.server.shutdownGraceMs
				log.info({ graceMs }, 'stopping: no new work, letting tries finish')
				// The purge stops at its next batch; it must be done before the store
				// closes. A store that cannot write (a full disk) would keep finished
				// tries waiting for ever: past the grace and a margin we close anyway, and
				// those jobs, still marked in flight, are due again at the next start.
				const settled = await within(Promise.all([dispatcher.stop(graceMs), retention.stop()]).then(() => signals.stop()), graceMs + STOP_MARGIN_MS)
				if (!settled) log.error({ waitedMs: graceMs + STOP_MARGIN_MS }, 'the store could not record every finished try; those jobs are delivered again after the restart')
				await server.stop(true)
				// the last spans (the tries just finished) go out within what is left of the grace
				await tracing?.shutdown(Math.max(250, catalog.config.server.shutdownGraceMs - (Date.now() - stopStarted)))
				metrics.close()
				await store.close()
				log.info({}, 'stopped')
			})()
			return stopped
		},
	}

	if (opts.signals) {
		const onStop = () => { running.stop().then(() => process.exit(0), (e) => { log.error({ err: String(e) }, 'stop failed'); process.exit(1) }) }
		process.on('SIGTERM', onStop)
		process.on('SIGINT', onStop)
		process.on('SIGHUP', () => { running.reload().catch((e) => log.error({ errors: [String(e)] }, 'configuration reload refused; the old configuration keeps running')) })
	}
	return running
}
