// A loopback OTLP/HTTP collector (JSON encoding) for the tracing tests: keeps
// every request's raw bytes and headers, and the spans they carry.
import { receiver, type Receiver } from '../dispatch/loopback'

export interface ExportedSpan {
	traceId: string
	spanId: string
	parentSpanId: string
	name: string
	/** OTLP SpanKind: 2 SERVER, 3 CLIENT */
	kind: number
	attributes: Record<string, string | number | boolean>
	status: { code?: number }
}

export interface Collector extends Receiver {
	spans(): ExportedSpan[]
	named(name: string): ExportedSpan[]
	/** every byte the exporter sent, bodies and header values */
	bytes(): string
}

type AnyValue = { stringValue?: string; intValue?: string | number; boolValue?: boolean; doubleValue?: number }

function value(v: AnyValue): string | number | boolean {
	if (v.stringValue !== undefined) return v.stringValue
	if (v.intValue !== undefined) return Number(v.intValue)
	if (v.doubleValue !== undefined) return v.doubleValue
	if (v.boolValue !== undefined) return v.boolValue
	return JSON.stringify(v)
}

export function collector(): Collector {
	const r = receiver(() => Response.json({}))
	const spans = (): ExportedSpan[] => r.hits.flatMap((h) => {
		const body = JSON.parse(h.body) as { resourceSpans: Array<{ scopeSpans: Array<{ spans: Array<Record<string, unknown>> }> }> }
		return body.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans.map((s) => ({
			traceId: String(s.traceId),
			spanId: String(s.spanId),
			parentSpanId: String(s.parentSpanId ?? ''),
			name: String(s.name),
			kind: Number(s.kind),
			attributes: Object.fromEntries(((s.attributes ?? []) as Array<{ key: string; value: AnyValue }>).map((a) => [a.key, value(a.value)])),
			status: (s.status ?? {}) as { code?: number },
		}))))
	})
	return Object.assign(r, {
		spans,
		named: (name: string) => spans().filter((s) => s.name === name),
		bytes: () => r.hits.map((h) => `${JSON.stringify(h.headers)}\n${h.body}`).join('\n'),
	})
}
