// OpenTelemetry traces: the SDK's own provider, batch processor and OTLP/HTTP
// JSON exporter, nothing registered globally (two gateways in one test process
// keep their own). Runtime imports this module only when tracing.otlp.endpoint
// is set, so a gateway without tracing never loads the SDK.
//
// Exporting never holds up a delivery: spans wait in the batch processor's
// bounded queue and leave on its timer; a full queue or a failed export drops
// them, counted through the processor's own self-observability counter. While
// exports fail, or the queue is full, a new span is not handed to the SDK at
// all (see ExportBackoff): only its context is made and it is counted as lost.
import {
	createNoopMeter, isSpanContextValid, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, TraceFlags,
	type Context, type Counter, type Meter, type MeterProvider, type Span, type SpanContext, type TextMapGetter, type Tracer,
} from '@opentelemetry/api'
import { parseTraceParent, W3CTraceContextPropagator } from '@opentelemetry/core'
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http'
import { resourceFromAttributes } from '@opentelemetry/resources'
import { AlwaysOnSampler, BatchSpanProcessor, ParentBasedSampler, RandomIdGenerator, TraceIdRatioBasedSampler, TracerProvider } from '@opentelemetry/sdk-trace'
import {
	attemptEndAttributes, attemptStartAttributes, ingestEndAttributes, INGEST_ROUTES,
	type AttemptIdentity, type AttemptResult,
} from './attributes'
import { ExportBackoff } from './backoff'
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
	/** how long a failed export holds new spans back: the first wait, doubled while failures go on up to max */
	backoffMs?: { min: number; max: number }
}

export interface IngestSpan {
	/** the W3C traceparent stored with the request's events */
	readonly traceparent: string
	/** false: made while exports fail or the queue is full, only its context exists and end() does nothing */
	readonly recording: boolean
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

// the SDK's reason for a span its full queue turned away
const QUEUE_FULL = 'queue_full'
// ours, for a span not handed to the SDK while exports fail
const HELD_BACK = 'export_failing'

type QueueCallback = (result: { observe(value: number): void }) => void

interface ProcessorEvents {
	/** spans lost: turned away by a full queue, or in a failed export */
	dropped: TracingOptions['onDropped']
	/** an export finished, delivered or failed */
	exported(ok: boolean): void
	/** the queue-size callback, to be read on demand */
	queue(cb: QueueCallback): void
}

/**
 * A meter that listens to two of the batch processor's self-observability
 * instruments: its processed-spans counter (an error.type there is a lost span,
 * other than queue_full a failed export; none, a delivered batch) and its
 * queue-size callback (read on demand, so a full queue is known before a span
 * is made).
 */
function processorMeter(on: ProcessorEvents): MeterProvider {
	const noop = createNoopMeter()
	const meter: Meter = Object.create(noop)
	meter.createCounter = ((name: string, options?: object) => {
		if (name !== PROCESSED_SPANS) return noop.createCounter(name, options)
		const counter: Counter = {
			add(value, attributes) {
				if (value <= 0) return
				const reason = attributes?.['error.type']
				if (reason === undefined) return on.exported(true)
				on.dropped(value, String(reason))
				if (reason !== QUEUE_FULL) on.exported(false)
			},
		}
		return counter
	}) as Meter['createCounter']
	meter.createObservableUpDownCounter = ((name: string, options?: object) => {
		const inner = noop.createObservableUpDownCounter(name, options)
		if (name !== QUEUE_SIZE) return inner
		return Object.assign(Object.create(inner), { addCallback: (cb: QueueCallback) => on.queue(cb), removeCallback: () => {} })
	}) as Meter['createObservableUpDownCounter']
	return { getMeter: () => meter }
}

// what an unrecorded span does when told anything
const ignore = () => {}

export class Tracing implements AttemptTracing, IngestTracing {
	private readonly provider: TracerProvider
	private readonly tracer: Tracer
	private readonly capacity: number
	private queueCallback: QueueCallback | null = null
	private queued = 0
	private readonly queueReader = { observe: (v: number) => { this.queued = v } }
	private readonly backoff: ExportBackoff
	private readonly ids = new RandomIdGenerator()

	constructor(private readonly opts: TracingOptions) {
		const exporter = new OTLPTraceExporter({
			url: opts.endpoint,
			headers: { ...opts.headers },
			timeoutMillis: opts.exportTimeoutMs ?? 10_000,
		})
		this.capacity = opts.maxQueueSize ?? 2048
		this.backoff = new ExportBackoff(opts.backoffMs?.min ?? 5000, opts.backoffMs?.max ?? 60_000, Date.now)
		const processor = new BatchSpanProcessor({
			exporter,
			maxQueueSize: this.capacity,
			maxExportBatchSize: Math.min(512, this.capacity),
			scheduledDelayMillis: opts.scheduledDelayMs ?? 2000,
			exportTimeoutMillis: (opts.exportTimeoutMs ?? 10_000) + 5000,
			selfObsMeterProvider: processorMeter({
				dropped: opts.onDropped,
				exported: (ok) => { if (ok) this.backoff.succeeded(); else this.backoff.failed() },
				queue: (cb) => { this.queueCallback = cb },
			}),
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
	startIngest(headers: Headers, route: keyof typeof INGEST_ROUTES, url: string, flow: string | null): IngestSpan {
		const refused = this.refusal()
		if (refused) {
			const sent = headers.get('traceparent')
			return this.unrecorded(sent ? parseTraceParent(sent) : null, refused)
		}
		const parent = propagator.extract(ROOT_CONTEXT, headers, headersGetter)
		const span = this.tracer.startSpan('hookgate.ingest', {
			kind: SpanKind.SERVER,
			attributes: {
				'http.request.method': 'POST',
				'http.route': INGEST_ROUTES[route],
				'url.path': new URL(url).pathname,
				...(flow !== null ? { 'hookgate.flow': flow } : {}),
			},
		}, parent)
		return {
			traceparent: traceparentOf(span),
			recording: true,
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
		const stored = storedContext && STORED.test(storedContext) ? storedContext : null
		const refused = this.refusal()
		if (refused) {
			// the stored context is what traceparentOf wrote: its ids and flags sit at fixed places
			const parent = stored ? { traceId: stored.slice(3, 35), spanId: stored.slice(36, 52), traceFlags: stored.endsWith('01') ? TraceFlags.SAMPLED : TraceFlags.NONE } : null
			const span = this.unrecorded(parent, refused)
			return { traceparent: this.opts.propagate() ? span.traceparent : null, end: ignore }
		}
		const span = this.tracer.startSpan('hookgate.attempt', { kind: SpanKind.CLIENT, attributes: attemptStartAttributes(a) }, storedParent(stored))
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

	/** Why a span made now would only be dropped (exports failing, or the queue full), else null. */
	private refusal(): string | null {
		if (this.backoff.holding()) return HELD_BACK
		const cb = this.queueCallback
		if (!cb) return null
		cb(this.queueReader)
		return this.queued >= this.capacity ? QUEUE_FULL : null
	}

	/**
	 * While exports fail or the queue is full (a collector down or slow) a span
	 * would be made, filled and then dropped: count it as dropped at once and
	 * make only its context, with the parent's trace and sampling decision, so
	 * deliveries still carry a traceparent that links and the collector's
	 * outage costs deliveries next to nothing.
	 */
	private unrecorded(parent: SpanContext | null, reason: string): IngestSpan {
		// as the SDK's parent-based sampler: an invalid parent (all-zero ids) counts as none
		const up = parent && isSpanContextValid(parent) ? parent : null
		const sampled = up ? (up.traceFlags & TraceFlags.SAMPLED) !== 0 : this.opts.sampleRatio >= 1 || Math.random() < this.opts.sampleRatio
		if (sampled) this.opts.onDropped(1, reason)
		const traceparent = `00-${up?.traceId ?? this.ids.generateTraceId()}-${this.ids.generateSpanId()}-${sampled ? '01' : '00'}`
		return { traceparent, recording: false, eventId: ignore, eventCount: ignore, end: ignore }
	}

	/** the current back-off (ms) of a failing exporter, 0 while exports go through */
	get exportBackoffMs(): number {
		return this.backoff.wait
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
function storedParent(stored: string | null): Context {
	const m = stored ? STORED.exec(stored) : null
	if (!m) return ROOT_CONTEXT
	return trace.setSpanContext(ROOT_CONTEXT, { traceId: m[1], spanId: m[2], traceFlags: m[3] === '01' ? TraceFlags.SAMPLED : TraceFlags.NONE, isRemote: true })
}
