// CompletionWriter on a store that cannot write: the log says it once, then
// at most once every so often with a count, and once when writes go through.
import { expect, test } from 'bun:test'
import { join } from 'node:path'
import { CompletionWriter, FailureLog } from '../../src/dispatch/completions'
import { SqliteStore } from '../../src/store/sqlite/store'
import type { Completion, IngestItem } from '../../src/store/types'
import { tempDir } from '../support/gateway'
import { waitFor } from '../support/wait'

function memoryLog() {
	const lines: Array<{ level: string; msg: string; o: Record<string, unknown> }> = []
	const at = (level: string) => (o: object, msg: string) => { lines.push({ level, msg, o: o as Record<string, unknown> }) }
	return { lines, log: { error: at('error'), info: at('info') } }
}

test('a store failing five times a second for a minute is logged once, then once every 30 s with the failures since, then once when it recovers', () => {
	let now = 0
	const { lines, log } = memoryLog()
	const failures = new FailureLog(log, () => now)
	for (; now < 60_000; now += 200) failures.failed(new Error('database or disk is full'), 3)
	failures.written()
	expect(lines.map((l) => [l.level, l.msg])).toEqual([
		['error', 'could not record finished attempts; will retry'],
		['error', 'still could not record finished attempts; will retry'],
		['info', 'finished attempts recorded again'],
	])
	expect(lines[0].o).toEqual({ err: 'Error: database or disk is full', jobs: 3 })
	expect(lines[1].o).toEqual({ err: 'Error: database or disk is full', jobs: 3, failures: 150, since: new Date(0).toISOString() })
	expect(lines[2].o).toEqual({ failures: 300, forMs: 60_000 })
	// a write that never failed says nothing; the next outage starts over
	failures.written()
	failures.failed(new Error('disk I/O error'), 1)
	expect(lines).toHaveLength(4)
	expect(lines[3].msg).toBe('could not record finished attempts; will retry')
})

const item = (id: string, pad: number, endpoints: string[]): IngestItem => ({
	event: { id, type: 't', sessionId: null, occurredAt: null, success: true, data: { pad: 'x'.repeat(pad) } }, endpoints,
})

test('finished tries against a store at its hard size cap: one error line and a count while it stays full, one line when it takes writes again, and the try is recorded', async () => {
	const store = new SqliteStore({ path: join(tempDir(), 'full.db'), synchronous: 'normal', maxSizeBytes: 1024 * 1024 })
	const { lines, log } = memoryLog()
	const writer = new CompletionWriter(store, log, () => {}, () => {}, { logEveryMs: 500 })
	try {
		expect((await store.ingest('f', [item('job', 10, ['x'])], 1000)).ok).toBe(true)
		const [job] = await store.claim('f', 'x', 1, 1000, 60_000)
		// hookgate's own reserve goes up to the hard stop; then smaller and smaller pieces fill what is left
		for (let i = 0, pad = 50_000; pad >= 16; i++) {
			try { await store.ingest('f', [item(`fill${i}`, pad, [])], 1000, { reserve: true }) } catch { pad = Math.floor(pad / 2) }
		}
		const c: Completion = {
			pk: job.pk, status: 'succeeded', nextAttemptAt: 2000, now: 2000, attempt: {
				n: 1, startedAt: 1500, url: 'http://127.0.0.1:9/', requestHeaders: { 'content-type': 'application/json' }, requestBody: 'y'.repeat(4000),
				// past the ingest limit the request body is cut to a KB; the response needs pages the store has not got
				status: 200, responseHeaders: {}, responseBody: 'z'.repeat(8000), responseTruncated: false, durationMs: 3, error: null,
			},
		}
		writer.push(c)
		// retried every 200 ms: about 7 tries in 1.4 s
		await Bun.sleep(1400)
		const errors = lines.filter((l) => l.level === 'error')
		expect(errors.length).toBeGreaterThanOrEqual(2)
		expect(errors.length).toBeLessThanOrEqual(4)
		expect(errors[0].msg).toBe('could not record finished attempts; will retry')
		expect(String(errors[0].o.err)).toContain('full')
		expect(errors[1].msg).toBe('still could not record finished attempts; will retry')
		expect(errors[1].o.failures as number).toBeGreaterThanOrEqual(2)

		store.setMaxSize(0)
		await waitFor(async () => (await store.getJob(job.id))?.status === 'succeeded', 5000, 'the try to be recorded')
		await writer.drain()
		expect(lines.filter((l) => l.level === 'info')).toEqual([{ level: 'info', msg: 'finished attempts recorded again', o: { failures: expect.any(Number), forMs: expect.any(Number) } }])
		// every failure counted: the first, those the later lines told, and any after the last of them
		expect(lines.at(-1)!.o.failures).toBeGreaterThanOrEqual(1 + errors.slice(1).reduce((n, l) => n + (l.o.failures as number), 0))
	} finally {
		await store.close()
	}
})
