import { describe, expect, test } from 'bun:test'
import { afterAttempt, verdict } from '../../src/dispatch/health'
import type { EndpointStateRecord } from '../../src/store/types'

const fresh: EndpointStateRecord = {
	flow: 'f', endpoint: 'e', enabled: true, disabledReason: null, disabledAt: null, consecutiveFailures: 0, failingSince: null, updatedAt: 0,
}
const fail = { ok: false, status: 500, errorClass: 'http_status' as const, errorMessage: 'HTTP 500' }
const ok = { ok: true, status: 200, errorClass: null, errorMessage: null }
const DAY = 86_400_000

describe('endpoint health after an attempt', () => {
	test('a success on a healthy endpoint changes nothing (no write)', () => {
		expect(afterAttempt(fresh, ok, 1000, 5 * DAY)).toEqual({ state: fresh, changed: false, disabled: null })
	})

	test('failures count up and remember since when', () => {
		const a = afterAttempt(fresh, fail, 1000, 5 * DAY).state
		const b = afterAttempt(a, fail, 2000, 5 * DAY).state
		expect([b.consecutiveFailures, b.failingSince, b.enabled]).toEqual([2, 1000, true])
	})

	test('a success resets the run of failures', () => {
		const failing = { ...fresh, consecutiveFailures: 4, failingSince: 10 }
		expect(afterAttempt(failing, ok, 50, DAY).state).toMatchObject({ consecutiveFailures: 0, failingSince: null })
	})

	test('failing continuously for disableAfter disables with a reason', () => {
		const failing = { ...fresh, consecutiveFailures: 9, failingSince: 0 }
		expect(afterAttempt(failing, fail, 5 * DAY - 1, 5 * DAY).disabled).toBeNull()
		const r = afterAttempt(failing, fail, 5 * DAY, 5 * DAY)
		expect(r.disabled).toContain('failing continuously since 1970-01-01T00:00:00.000Z')
		expect(r.state).toMatchObject({ enabled: false, disabledAt: 5 * DAY })
	})

	test('410 Gone and the egress guard disable at once', () => {
		expect(afterAttempt(fresh, { ...fail, status: 410 }, 1, DAY).disabled).toContain('410 Gone')
		expect(afterAttempt(fresh, { ok: false, status: null, errorClass: 'blocked', errorMessage: '10.0.0.0/8' }, 1, DAY).disabled).toContain('egress guard')
	})

	test('an already disabled endpoint is not disabled again', () => {
		const off = { ...fresh, enabled: false, disabledReason: 'by hand' }
		const r = afterAttempt(off, { ...fail, status: 410 }, 1, DAY)
		expect(r.disabled).toBeNull()
		expect(r.state.disabledReason).toBe('by hand')
	})
})

describe('what a job becomes', () => {
	test.each([
		['success', ok, false, 100, { status: 'succeeded' }],
		['failure with schedule left', fail, false, 100, { status: 'pending', delayMs: 100 }],
		['failure with schedule exhausted', fail, false, null, { status: 'failed' }],
		['410 never retries', { ...fail, status: 410 }, false, 100, { status: 'failed' }],
		['a test job never retries', fail, true, 100, { status: 'failed' }],
		['a test job that landed', ok, true, 100, { status: 'succeeded' }],
	] as const)('%s', (_name, r, isTest, delay, expected) => {
		expect(verdict(r, isTest, () => delay)).toEqual(expected as never)
	})
})

describe("a try the event's own values failed", () => {
	const byData = { ok: false, status: null, errorClass: 'blocked' as const, errorMessage: '169.254.0.0/16', producerFault: true }
	test('leaves the endpoint as it was: no failure counted, never disabled', () => {
		expect(afterAttempt(fresh, byData, 1, DAY)).toEqual({ state: fresh, changed: false, disabled: null })
		const failing = { ...fresh, consecutiveFailures: 9, failingSince: 0 }
		expect(afterAttempt(failing, byData, 10 * DAY, DAY)).toEqual({ state: failing, changed: false, disabled: null })
	})

	test('fails its job at once: the same values would fail every retry', () => {
		expect(verdict(byData, false, () => 1000)).toEqual({ status: 'failed' })
	})
})
