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
import { AlwaysOnSampler, BatchSpanProcessor, ParentBasedSampler, RandomIdGenerator, TraceIdRatioBasedSampler, TracerProvider } from '@opentelemetry/sdk-trace'
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

// the processor's own instruments, named by the OpenTelemetry semantic conventions
const PROCESSED_SPANS = 'otel.sdk.processor.span.processed'
const QUEUE_SIZE = 'otel.sdk.processor.span.queue.size'

type QueueCallback = (result: { observe(value: number): void }) => void

/**
 * A meter that listens to two of the batch processor's self-observability
 * instruments: its processed-spans counter (an error.type there is a lost span)
 * and its queue-size callback (read on demand, so a full queue is known before
 * a span is made).
 */
function processorMeter(onDropped: TracingOptions['onDropped'], onQueue: (cb: QueueCallback) => void): MeterProvider {
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
	meter.createObservableUpDownCounter = ((name: string, options?: object) => {
		const inner = noop.createObservableUpDownCounter(name, options)
		if (name !== QUEUE_SIZE) return inner
		return Object.assign(Object.create(inner), { addCallback: (cb: QueueCallback) => onQueue(cb), removeCallback: () => {} })
	}) as Meter['createObservableUpDownCounter']
	return { getMeter: () => meter }
}

export class Tracing implements AttemptTracing, IngestTracing {
	private readonly provider: TracerProvider
	private readonly tracer: Tracer
	private readonly capacity: number
	private queueCallback: QueueCallback | null = null
	private readonly ids = new RandomIdGenerator()

	constructor(private readonly opts: TracingOptions) {
		const exporter = new OTLPTraceExporter({
			url: opts.endpoint,
			headers: { ...opts.headers },
			timeoutMillis: opts.exportTimeoutMs ?? 10_000,
		})
		this.capacity = opts.maxQueueSize ?? 2048
		const processor = new BatchSpanProcessor({
			exporter,
			maxQueueSize: this.capacity,
			maxExportBatchSize: Math.min(512, this.capacity),
			scheduledDelayMillis: opts.scheduledDelayMs ?? 2000,
			exportTimeoutMillis: (opts.exportTimeoutMs ?? 10_000) + 5000,
			selfObsMeterProvider: processorMeter(opts.onDropped, (cb) => { this.queueCallback = cb }),
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
		if (this.queueFull()) return this.unrecorded(parent)
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
		const parent = storedParent(storedContext)
		if (this.queueFull()) {
			const span = this.unrecorded(parent)
			return { traceparent: this.opts.propagate() ? span.traceparent : null, end: () => {} }
		}
		const span = this.tracer.startSpan('hookgate.attempt', { kind: SpanKind.CLIENT, attributes: attemptStartAttributes(a) }, parent)
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

	/** Whether the batch processor's queue is full: a span ended now would be dropped there. */
	private queueFull(): boolean {
		const cb = this.queueCallback
		if (!cb) return false
		let size = 0
		cb({ observe: (v) => { size = v } })
		return size >= this.capacity
	}

	/**
	 * While the queue is full (a collector down or slow) a span would be made,
	 * filled and then dropped: count it as dropped at once and make only its
	 * context, with the parent's trace and sampling decision, so deliveries
	 * still carry a traceparent that links and the collector's outage costs
	 * deliveries next to nothing.
	 */
	private unrecorded(parent: Context): IngestSpan {
		const up = trace.getSpanContext(parent)
		const sampled = up ? (up.traceFlags & TraceFlags.SAMPLED) !== 0 : this.opts.sampleRatio >= 1 || Math.random() < this.opts.sampleRatio
		if (sampled) this.opts.onDropped(1, 'queue_full')
		const traceparent = `00-${up?.traceId ?? this.ids.generateTraceId()}-${this.ids.generateSpanId()}-${sampled ? '01' : '00'}`
		return { traceparent, eventId: () => {}, eventCount: () => {}, end: () => {} }
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
