// Tracing is off unless tracing.otlp.endpoint is set; then, and only then, the
// OpenTelemetry SDK is loaded (a dynamic import of a fixed path, which
// `bun build --compile` bundles like any other).
import { VERSION, type Config } from '../domain'
import type { Tracing, TracingOptions } from './tracing'

export type TracingTuning = Pick<TracingOptions, 'maxQueueSize' | 'scheduledDelayMs' | 'exportTimeoutMs' | 'backoffMs'>

export interface TracingDeps {
	propagate: () => boolean
	onDropped: (count: number) => void
	log: { warn(o: object, m: string): void }
	now: () => number
	tuning?: TracingTuning
}

const WARN_EVERY_MS = 60_000

export async function startTracing(cfg: Config['tracing'], deps: TracingDeps): Promise<Tracing | null> {
	if (cfg.otlp.endpoint === '') return null
	const { Tracing } = await import('./tracing')
	let warnedAt = -Infinity
	return new Tracing({
		endpoint: cfg.otlp.endpoint,
		headers: cfg.otlp.headers,
		sampleRatio: cfg.sampleRatio,
		propagate: deps.propagate,
		version: VERSION,
		onDropped: (count, reason) => {
			deps.onDropped(count)
			// one line a minute at most: an unreachable collector must not flood the log
			if (deps.now() - warnedAt < WARN_EVERY_MS) return
			warnedAt = deps.now()
			deps.log.warn({ dropped: count, reason }, 'trace spans dropped: the collector is unreachable, slow or refusing them')
		},
		...deps.tuning,
	})
}

/** What a reload cannot change on a running exporter (compared, never logged: the headers are secrets). */
export function exporterSettingsChanged(a: Config['tracing'], b: Config['tracing']): boolean {
	return a.otlp.endpoint !== b.otlp.endpoint || a.sampleRatio !== b.sampleRatio
		|| JSON.stringify(Object.entries(a.otlp.headers)) !== JSON.stringify(Object.entries(b.otlp.headers))
}
