import { expect, test } from 'bun:test'
import { closedPort, receiver } from '../dispatch/loopback'
import { Tracing } from '../../src/tracing/tracing'

// Spans are lost two ways when the collector is away: the bounded queue is full
// (dropped at once), or the export that carried them failed. Both are counted.
test('every span lost to a full queue or a failed export is counted, with its reason', async () => {
	const lost: Record<string, number> = {}
	const tracing = new Tracing({
		endpoint: `http://127.0.0.1:${closedPort()}/v1/traces`, headers: {}, sampleRatio: 1, propagate: () => true, version: 't',
		onDropped: (n, reason) => { lost[reason] = (lost[reason] ?? 0) + n },
		maxQueueSize: 4, scheduledDelayMs: 60_000, exportTimeoutMs: 200,
	})
	for (let i = 0; i < 20; i++) {
		const span = tracing.startAttempt({ flow: 'f', endpoint: 'e', eventId: `ev${i}`, n: 1 }, null)
		span.end({ url: 'http://127.0.0.1:1/x', ok: true, status: 200, errorClass: null, connectedIp: null })
	}
	// the first four left in an export that is still trying; then four waited and the rest found the queue full
	expect(lost.queue_full).toBe(12)
	// while the queue is full a try still links to its event's trace and keeps its sampling decision
	const trace = '4bf92f3577b34da6a3ce929d0e0e4736'
	const linked = tracing.startAttempt({ flow: 'f', endpoint: 'e', eventId: 'late', n: 2 }, `00-${trace}-00f067aa0ba902b7-01`)
	expect(linked.traceparent).toMatch(new RegExp(`^00-${trace}-(?!00f067aa0ba902b7)[0-9a-f]{16}-01$`))
	linked.end({ url: 'http://127.0.0.1:1/x', ok: true, status: 200, errorClass: null, connectedIp: null })
	expect(lost.queue_full).toBe(13)
	// an unsampled parent's span is not a lost one
	expect(tracing.startAttempt({ flow: 'f', endpoint: 'e', eventId: 'u', n: 1 }, `00-${trace}-00f067aa0ba902b7-00`).traceparent).toEndWith('-00')
	expect(lost.queue_full).toBe(13)
	await tracing.flush()
	await tracing.shutdown(2000)
	const total = Object.values(lost).reduce((a, b) => a + b, 0)
	expect(total).toBe(21)
	expect(Object.keys(lost).some((r) => r !== 'queue_full')).toBe(true)
})

test('a stored context that is not a traceparent starts a new trace instead of failing the try', () => {
	const tracing = new Tracing({ endpoint: 'http://127.0.0.1:1/v1/traces', headers: {}, sampleRatio: 1, propagate: () => true, version: 't', onDropped: () => {} })
	const span = tracing.startAttempt({ flow: 'f', endpoint: 'e', eventId: 'x', n: 1 }, 'garbage')
	expect(span.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/)
	const off = new Tracing({ endpoint: 'http://127.0.0.1:1/v1/traces', headers: {}, sampleRatio: 1, propagate: () => false, version: 't', onDropped: () => {} })
	expect(off.startAttempt({ flow: 'f', endpoint: 'e', eventId: 'x', n: 1 }, null).traceparent).toBeNull()
})

const delivered = { url: 'http://127.0.0.1:1/x', ok: true, status: 200, errorClass: null, connectedIp: null }
const spansIn = (body: string) => (JSON.parse(body) as { resourceSpans: Array<{ scopeSpans: Array<{ spans: unknown[] }> }> })
	.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans)).length

// A collector that refuses must not cost a batch written and sent per handful
// of spans: after a failed export new spans are counted as lost at once, and
// exports resume by themselves when the collector answers again.
test('while exports fail new spans are held back and counted, and spans are exported again once the collector answers', async () => {
	let up = false
	const otlp = receiver(() => (up ? Response.json({}) : new Response('busy', { status: 503 })))
	const lost: Record<string, number> = {}
	const tracing = new Tracing({
		endpoint: `http://127.0.0.1:${otlp.port}/v1/traces`, headers: {}, sampleRatio: 1, propagate: () => true, version: 't',
		onDropped: (n, reason) => { lost[reason] = (lost[reason] ?? 0) + n },
		maxQueueSize: 64, scheduledDelayMs: 60_000, exportTimeoutMs: 200, backoffMs: { min: 400, max: 400 },
	})
	const attempt = (id: string) => tracing.startAttempt({ flow: 'f', endpoint: 'e', eventId: id, n: 1 }, null)
	try {
		for (let i = 0; i < 3; i++) attempt(`a${i}`).end(delivered)
		await tracing.flush()
		expect(otlp.hits).toHaveLength(1)
		expect(tracing.exportBackoffMs).toBe(400)
		// held back: only a context (deliveries still carry a traceparent), counted at once, never queued or sent
		for (let i = 0; i < 50; i++) {
			const span = attempt(`b${i}`)
			expect(span.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/)
			span.end(delivered)
		}
		// an ingest span held back keeps the producer's trace and decision; an all-zero trace id is no parent
		const producer = '4bf92f3577b34da6a3ce929d0e0e4736'
		const ingest = (traceparent: string) => tracing.startIngest(new Headers({ traceparent }), 'single', 'http://127.0.0.1/v1/flows/f/events', 'f')
		const held = ingest(`00-${producer}-00f067aa0ba902b7-01`)
		expect(held.recording).toBe(false)
		expect(held.traceparent).toMatch(new RegExp(`^00-${producer}-(?!00f067aa0ba902b7)[0-9a-f]{16}-01$`))
		expect(ingest(`00-${producer}-00f067aa0ba902b7-00`).traceparent).toEndWith('-00')
		expect(ingest(`00-${'0'.repeat(32)}-00f067aa0ba902b7-01`).traceparent).not.toContain('0'.repeat(32))
		expect(lost.export_failing).toBe(52)
		await tracing.flush()
		expect(otlp.hits).toHaveLength(1)
		up = true
		await Bun.sleep(450)
		for (let i = 0; i < 2; i++) attempt(`c${i}`).end(delivered)
		await tracing.flush()
		expect(otlp.hits).toHaveLength(2)
		expect(spansIn(otlp.hits[1].body)).toBe(2)
		expect(tracing.exportBackoffMs).toBe(0)
		// each sampled span was exported or counted: the refused batch of three and the 52 held back
		expect(Object.values(lost).reduce((a, b) => a + b, 0)).toBe(55)
	} finally {
		await tracing.shutdown(1000)
		otlp.stop()
	}
})
