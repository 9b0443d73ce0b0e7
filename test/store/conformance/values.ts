// Values and steps the conformance tests share.
import type { IngestStore } from '../../../src/ingest/store'
import type { AttemptRecord, ClaimedJob, NewEvent } from '../../../src/store/types'

let flows = 0
export const newFlow = () => `flow${++flows}_${Math.random().toString(36).slice(2, 6)}`

export const event = (id: string, over: Partial<NewEvent> = {}): NewEvent => ({
	id, type: 'order.created', sessionId: null, occurredAt: null, success: true, data: { n: id }, ...over,
})

export const attempt = (n: number, startedAt: number, over: Partial<AttemptRecord> = {}): AttemptRecord => ({
	n, startedAt, url: 'http://127.0.0.1:9/hook', requestHeaders: { 'content-type': 'application/json' }, requestBody: '{}',
	status: 200, responseHeaders: {}, responseBody: 'ok', responseTruncated: false, durationMs: 12, error: null, ...over,
})

export async function ingestMany(store: IngestStore, flow: string, n: number, endpoints: string[], now: number, prefix = 'e') {
	for (let i = 0; i < n; i++) {
		const out = await store.ingest(flow, [{ event: event(`${prefix}${i}`), endpoints }], now + i)
		if (!out.ok) throw new Error(`ingest refused: ${out.code}`)
	}
}

export const done = (job: ClaimedJob, now: number, owner?: string) => ({
	pk: job.pk, attempt: attempt(job.attemptCount + 1, now), status: 'succeeded' as const, nextAttemptAt: now, now, owner,
})
