import { describe, expect, test } from 'bun:test'
import { afterWritten, completionOf, resultOf, stamp, type PendingCompletion } from '../../src/dispatch/finish'
import type { AttemptOutcome } from '../../src/dispatch/http'
import { key } from '../../src/dispatch/sweep'
import type { AttemptRecord, ClaimedJob } from '../../src/store/types'

const NOW = 1_700_000_000_000
const job = (over: Partial<ClaimedJob> = {}): ClaimedJob => ({ pk: 7, id: 'del_1', flow: 'orders', endpoint: 'crm', eventPk: 3, attemptCount: 0, scheduleBase: 0, test: false, ...over })
const record: AttemptRecord = {
	n: 1, startedAt: NOW, url: 'http://127.0.0.1/', requestHeaders: {}, requestBody: '{}', status: 500,
	responseHeaders: {}, responseBody: '', responseTruncated: false, durationMs: 3, error: null,
}
const pending = (hint: string, at: number): PendingCompletion => ({ pk: 1, attempt: record, status: 'pending', nextAttemptAt: at, now: NOW, hint, delayMs: at - NOW })
const done = (hint: string, now: number, status: 'succeeded' | 'failed' = 'succeeded'): PendingCompletion => ({ pk: 2, attempt: record, status, nextAttemptAt: now, now, hint, delayMs: 0 })

describe('the completion of a try', () => {
	test('a retry is due after its delay, under the endpoint it came from', () => {
		const c = completionOf(job(), record, { status: 'pending', delayMs: 5_000 }, NOW)
		expect(c).toMatchObject({ pk: 7, status: 'pending', nextAttemptAt: NOW + 5_000, now: NOW, delayMs: 5_000, hint: key('orders', 'crm') })
		expect(c.exhausted).toBeUndefined()
	})

	test('a real job that failed for good is exhausted; a test job or a success is not', () => {
		expect(completionOf(job(), record, { status: 'failed' }, NOW)).toMatchObject({ status: 'failed', nextAttemptAt: NOW, exhausted: ['orders', 'crm'] })
		expect(completionOf(job({ test: true }), record, { status: 'failed' }, NOW).exhausted).toBeUndefined()
		expect(completionOf(job(), record, { status: 'succeeded' }, NOW).exhausted).toBeUndefined()
	})

	test('stamped at its write, a retry counts its delay from then; a finished job is done then', () => {
		const retry = completionOf(job(), record, { status: 'pending', delayMs: 5_000 }, NOW)
		stamp(retry, NOW + 60_000)
		expect(retry).toMatchObject({ now: NOW + 60_000, nextAttemptAt: NOW + 65_000 })
		const ok = completionOf(job(), record, { status: 'succeeded' }, NOW)
		stamp(ok, NOW - 3_600_000)
		expect(ok).toMatchObject({ now: NOW - 3_600_000, nextAttemptAt: NOW - 3_600_000 })
	})

	test('what health reads of an outcome: its error class and message, and whether the event was at fault', () => {
		const outcome: AttemptOutcome = {
			ok: false, status: null, responseHeaders: {}, responseBody: '', responseTruncated: false, durationMs: 1,
			error: { class: 'blocked', message: 'private address' }, retryAfterMs: null, connectedIp: null, producerFault: true,
		}
		expect(resultOf(outcome)).toEqual({ ok: false, status: null, errorClass: 'blocked', errorMessage: 'private address', producerFault: true })
		expect(resultOf({ ...outcome, ok: true, status: 200, error: null, producerFault: undefined }))
			.toEqual({ ok: true, status: 200, errorClass: null, errorMessage: null, producerFault: undefined })
	})
})

describe('a written batch', () => {
	test('makes each retry due at its time', () => {
		expect(afterWritten([pending('a', NOW + 100), pending('b', NOW + 200)], new Set())).toEqual([['a', NOW + 100], ['b', NOW + 200]])
	})

	test('makes an endpoint held back by shared caps due at once, and it is no longer held back', () => {
		const heldBack = new Set(['a'])
		expect(afterWritten([done('a', NOW), done('b', NOW, 'failed')], heldBack)).toEqual([['a', NOW]])
		expect(heldBack.size).toBe(0)
	})

	test('wakes a held-back endpoint once however many of its tries were written', () => {
		expect(afterWritten([done('a', NOW), done('a', NOW + 1)], new Set(['a']))).toEqual([['a', NOW]])
	})

	test('makes nothing due when nothing is retried or held back', () => {
		expect(afterWritten([done('a', NOW)], new Set(['b']))).toEqual([])
	})
})
