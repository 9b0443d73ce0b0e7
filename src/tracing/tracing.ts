// OpenTelemetry traces: the SDK's own provider, batch processor and OTLP/HTTP
// JSON exporter, nothing registered globally (two gateways in one test process
// keep their own). Runtime imports this module only when tracing.otlp.endpoint
// is set, so a gateway without tracing never loads the SDK.
//
// Exporting never holds up a delivery: spans wait in the batch processor's
// bounded queue and leave on its timer; a full queue or a failed export drops
// them, counted through the processor's own self-observability counter.
import {
	createNoopMeter, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, TraceFlags,
	type Context, type Counter, type Meter, type MeterProvider, type Span, type TextMapGetter, type Tracer,
} from '@opentelemetry/api'
import { W3CTraceContextPropagator } from '@opentelemetry/core'
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http'
import { resourceFromAttributes } from '@opentelemetry/resources'
import { AlwaysOnSampler, BatchSpanProcessor, ParentBasedSampler, TraceIdRatioBasedSampler, TracerProvider } from '@opentelemetry/sdk-trace'
import {
	attemptEndAttributes, attemptStartAttributes, ingestEndAttributes, INGEST_ROUTES,
	type AttemptIdentity, type AttemptResult,
} from './attributes'
import type { IngestTracing } from './ingest'

export interface TracingOptions {
	endpoint: string
	/** to the collector only: never logged, never an attribute */
	headers: Record<string, string>
	sampleRatio: number
	/** read per attempt, so a reload can switch it */
	propagate: () => boolean
	version: string
	/** spans lost to a full queue or a failed export; reason is the error type */
	onDropped: (count: number, reason: string) => void
	/** batch processor tuning (tests shorten the delay) */
	maxQueueSize?: number
	scheduledDelayMs?: number
	exportTimeoutMs?: number
}

export interface IngestSpan {
	/** the W3C traceparent stored with the request's events */
	readonly traceparent: string
	/** a single-event request: its id */
	eventId(id: string): void
	/** a batch: how many events it holds */
	eventCount(n: number): void
	end(status: number): void
}

export interface AttemptSpan {
	/** the value of the delivery's `traceparent` header; null when propagation is off */
	readonly traceparent: string | null
	end(result: AttemptResult): void
}

/** What the delivery code needs, so it does not depend on the SDK. */
export interface AttemptTracing {
	startAttempt(a: AttemptIdentity, storedContext: string | null | undefined): AttemptSpan
}

const propagator = new W3CTraceContextPropagator()
const headersGetter: TextMapGetter<Headers> = {
	get: (h, key) => h.get(key) ?? undefined,
	keys: (h) => [...h.keys()],
}

// the processor's "spans processed" counter, named by the OpenTelemetry semantic conventions
const PROCESSED_SPANS = 'otel.sdk.processor.span.processed'

/** A meter that only listens to the processor's processed-spans counter: an error.type there is a lost span. */
function dropMeter(onDropped: TracingOptions['onDropped']): MeterProvider {
	const noop = createNoopMeter()
	const meter: Meter = Object.create(noop)
	meter.createCounter = ((name: string, options?: object) => {
		if (name !== PROCESSED_SPANS) return noop.createCounter(name, options)
		const counter: Counter = {
			add(value, attributes) {
				const reason = attributes?.['error.type']
				if (reason !== undefined && value > 0) onDropped(value, String(reason))
			},
		}
		return counter
	}) as Meter['createCounter']
	return { getMeter: () => meter }
}

export class Tracing implements AttemptTracing, IngestTracing {
	private readonly provider: TracerProvider
	private readonly tracer: Tracer

	constructor(private readonly opts: TracingOptions) {
		const exporter = new OTLPTraceExporter({
			url: opts.endpoint,
			headers: { ...opts.headers },
			timeoutMillis: opts.exportTimeoutMs ?? 10_000,
		})
		const processor = new BatchSpanProcessor({
			exporter,
			maxQueueSize: opts.maxQueueSize ?? 2048,
			maxExportBatchSize: Math.min(512, opts.maxQueueSize ?? 2048),
			scheduledDelayMillis: opts.scheduledDelayMs ?? 2000,
			exportTimeoutMillis: (opts.exportTimeoutMs ?? 10_000) + 5000,
			selfObsMeterProvider: dropMeter(opts.onDropped),
		})
		const root = opts.sampleRatio >= 1 ? new AlwaysOnSampler() : new TraceIdRatioBasedSampler(opts.sampleRatio)
		this.provider = new TracerProvider({
			resource: resourceFromAttributes({ 'service.name': 'hookgate', 'service.version': opts.version }),
			sampler: new ParentBasedSampler({ root }),
			spanProcessors: [processor],
		})
		this.tracer = this.provider.getTracer('hookgate', opts.version)
	}

	/** One span per event ingest request; a producer's valid `traceparent` makes it the parent. */
	startIngest(headers: Headers, route: keyof typeof INGEST_ROUTES, path: string, flow: string | null): IngestSpan {
		const parent = propagator.extract(ROOT_CONTEXT, headers, headersGetter)
		const span = this.tracer.startSpan('hookgate.ingest', {
			kind: SpanKind.SERVER,
			attributes: {
				'http.request.method': 'POST',
				'http.route': INGEST_ROUTES[route],
				'url.path': path,
				...(flow !== null ? { 'hookgate.flow': flow } : {}),
			},
		}, parent)
		return {
			traceparent: traceparentOf(span),
			eventId: (id) => { span.setAttribute('hookgate.event.id', id) },
			eventCount: (n) => { span.setAttribute('hookgate.event.count', n) },
			end(status) {
				span.setAttributes(ingestEndAttributes(status))
				if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR })
				span.end()
			},
		}
	}

	/** One span per try, a child of the ingest span whose context was stored with the event. */
	startAttempt(a: AttemptIdentity, storedContext: string | null | undefined): AttemptSpan {
		const span = this.tracer.startSpan('hookgate.attempt', { kind: SpanKind.CLIENT, attributes: attemptStartAttributes(a) }, storedParent(storedContext))
		return {
			traceparent: this.opts.propagate() ? traceparentOf(span) : null,
			end(result) {
				// an unsampled span keeps nothing: skip working out what it would have said
				if (span.isRecording()) span.setAttributes(attemptEndAttributes(result))
				if (!result.ok) span.setStatus({ code: SpanStatusCode.ERROR })
				span.end()
			},
		}
	}

	/** Hands every ended span to the exporter and waits for the exports; a failed export is counted, not thrown. */
	flush(): Promise<void> {
		return this.provider.forceFlush().catch(() => {})
	}

	/** Flushes within `withinMs` at most, then stops; spans still queued after that are lost. */
	async shutdown(withinMs: number): Promise<void> {
		let timer: ReturnType<typeof setTimeout> | undefined
		const late = new Promise<void>((resolve) => { timer = setTimeout(resolve, Math.max(0, withinMs)) })
		await Promise.race([this.provider.shutdown().catch(() => {}), late])
		clearTimeout(timer)
	}
}

/** The W3C traceparent naming a span (also a non-recording one: its context still links). */
function traceparentOf(span: Span): string {
	const { traceId, spanId, traceFlags } = span.spanContext()
	return `00-${traceId}-${spanId}-${traceFlags & TraceFlags.SAMPLED ? '01' : '00'}`
}

// what traceparentOf writes; anything else in the column (none expected) starts a new trace
const STORED = /^00-([0-9a-f]{32})-([0-9a-f]{16})-(0[01])$/

/** The ingest span's context as stored with the event, as a remote parent. */
function storedParent(stored: string | null | undefined): Context {
	const m = stored ? STORED.exec(stored) : null
	if (!m) return ROOT_CONTEXT
	return trace.setSpanContext(ROOT_CONTEXT, { traceId: m[1], spanId: m[2], traceFlags: m[3] === '01' ? TraceFlags.SAMPLED : TraceFlags.NONE, isRemote: true })
}
