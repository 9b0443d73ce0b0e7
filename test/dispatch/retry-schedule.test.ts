import { describe, expect, test } from 'bun:test'
import { type NextDelayInput, nextDelay, parseRetryAfter } from '../../src/dispatch/retry'

const S = 1000
const M = 60 * S
const H = 60 * M
const DEFAULT = [5 * S, 5 * M, 30 * M, 2 * H, 5 * H, 10 * H, 10 * H]
const fixed = (r: number) => () => r
const base: Omit<NextDelayInput, 'attemptsMade'> = { schedule: DEFAULT, jitter: 0.2, random: fixed(0.5), retryAfterMs: null, maxRetryAfterMs: H }

describe('nextDelay follows the schedule', () => {
	const cases: [string, Partial<NextDelayInput> & { attemptsMade: number }, number | null][] = [
		['nothing tried yet: try now', { attemptsMade: 0 }, 0],
		['after the first try: the first delay', { attemptsMade: 1 }, 5 * S],
		['after the second try: the second delay', { attemptsMade: 2 }, 5 * M],
		['after the seventh try: the last delay', { attemptsMade: 7 }, 10 * H],
		['after the eighth try: no more tries', { attemptsMade: 8 }, null],
		['far past the end: still none', { attemptsMade: 50 }, null],
		['an empty schedule means one try', { attemptsMade: 1, schedule: [] }, null],
		['random 0 takes the full jitter off', { attemptsMade: 1, random: fixed(0) }, 4 * S],
		['random 0.75 adds half the jitter', { attemptsMade: 1, random: fixed(0.75) }, 5500],
		['random near 1 adds nearly all of it', { attemptsMade: 2, random: fixed(0.999999) }, 360 * S],
		['jitter 0 ignores randomness', { attemptsMade: 3, jitter: 0, random: fixed(0) }, 30 * M],
		['rounded to whole ms', { attemptsMade: 1, schedule: [10], random: fixed(0.9) }, 12],
		['Retry-After longer than the delay wins', { attemptsMade: 1, retryAfterMs: 90 * S }, 90 * S],
		['Retry-After shorter than the delay loses', { attemptsMade: 2, retryAfterMs: 10 * S }, 5 * M],
		['the cap bounds the hint', { attemptsMade: 1, retryAfterMs: 5 * H }, H],
		['the cap never shortens the schedule', { attemptsMade: 5, retryAfterMs: 20 * H }, 5 * H],
		['the hint is compared with the jittered delay', { attemptsMade: 1, random: fixed(0), retryAfterMs: 4500 }, 4500],
		['Retry-After on the last try adds no try', { attemptsMade: 8, retryAfterMs: 10 * S }, null],
		['a zero hint changes nothing', { attemptsMade: 1, retryAfterMs: 0 }, 5 * S],
	]
	for (const [name, input, expected] of cases) {
		test(name, () => {
			expect(nextDelay({ ...base, ...input })).toBe(expected)
		})
	}

	test('jitter stays within ±jitter over many draws', () => {
		let seed = 42
		// a small LCG: deterministic, spread over [0, 1)
		const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31)
		for (let i = 0; i < 1000; i++) {
			const d = nextDelay({ ...base, attemptsMade: 3, random }) as number
			expect(d).toBeGreaterThanOrEqual(24 * M)
			expect(d).toBeLessThanOrEqual(36 * M)
		}
	})
})

describe('parseRetryAfter reads seconds or an HTTP date', () => {
	const now = Date.UTC(2026, 0, 1, 12, 0, 0)
	const cases: [string | null, number | null][] = [
		['120', 120 * S],
		['0', 0],
		[' 30 ', 30 * S],
		['Thu, 01 Jan 2026 12:01:00 GMT', 60 * S],
		['Thursday, 01-Jan-26 12:00:30 GMT', 30 * S],
		['Thu Jan  1 12:00:10 2026', 10 * S],
		['Thu, 01 Jan 2026 11:00:00 GMT', 0],
		['-5', null],
		['1.5', null],
		['soon', null],
		['', null],
		[null, null],
		['1', 1 * S],
		['Thu, 31 Feb 2026 12:00:00 GMT', null],
		['Thu, 01 Jan 2026 25:00:00 GMT', null],
		['2026-01-01T12:01:00Z', null],
	]
	for (const [value, expected] of cases) {
		test(`${JSON.stringify(value)} → ${expected}`, () => {
			expect(parseRetryAfter(value, now)).toBe(expected)
		})
	}
})
