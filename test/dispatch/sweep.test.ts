import { expect, test } from 'bun:test'
import { isTime, key, RECLAIM_EVERY_MS, SWEEP_MS } from '../../src/dispatch/sweep'

test('the first pass sweeps, and again once SWEEP_MS went by on the monotonic clock', () => {
	expect(isTime(0, -Infinity, SWEEP_MS)).toBe(true)
	expect(isTime(1_000 + SWEEP_MS - 1, 1_000, SWEEP_MS)).toBe(false)
	expect(isTime(1_000 + SWEEP_MS, 1_000, SWEEP_MS)).toBe(true)
})

test('expired leases are looked for every RECLAIM_EVERY_MS, counted from the start', () => {
	expect(isTime(RECLAIM_EVERY_MS - 1, 0, RECLAIM_EVERY_MS)).toBe(false)
	expect(isTime(RECLAIM_EVERY_MS, 0, RECLAIM_EVERY_MS)).toBe(true)
})

test('an endpoint key tells flow and endpoint apart whatever their ids hold', () => {
	expect(key('a-b', 'c')).not.toBe(key('a', 'b-c'))
	expect(key('a', 'b')).toBe(key('a', 'b'))
})
