import { expect, test } from 'bun:test'
import { EventCache, eventBytes } from '../../src/dispatch/event-cache'
import type { StoredEvent } from '../../src/domain'

const ev = (pk: number, pad = 0): StoredEvent => ({
	id: `e${pk}`, flow: 'f', type: 't', sessionId: null, occurredAt: 0, success: true, data: { pad: 'x'.repeat(pad) }, metadata: {}, acceptedAt: 0,
})

test('keeps the last one to two generations of events and forgets older ones', () => {
	const c = new EventCache(1 << 20, 6)
	for (let pk = 1; pk <= 7; pk++) c.set(pk, ev(pk))
	// 1-3 were a generation, then 4-6, now 7 is young: 1-3 are gone
	expect([1, 2, 3].map((pk) => c.has(pk))).toEqual([false, false, false])
	expect([4, 5, 6, 7].map((pk) => c.get(pk)?.id)).toEqual(['e4', 'e5', 'e6', 'e7'])
})

test('is bounded by bytes: large events push older ones out long before the count limit', () => {
	const budget = 1_000_000
	const c = new EventCache(budget, 20_000)
	for (let pk = 1; pk <= 3000; pk++) {
		c.set(pk, ev(pk, 250_000), 1)
		expect(c.bytes).toBeLessThanOrEqual(budget + 251_000)
	}
	expect(c.size).toBeLessThanOrEqual(8)
	expect(c.has(3000)).toBe(true)
	expect(c.has(1)).toBe(false)
})

test('an event with no job is not kept, nor one larger than half the budget', () => {
	const c = new EventCache(100_000)
	c.set(1, ev(1), 0)
	c.set(2, ev(2, 60_000), 1)
	expect(c.has(1)).toBe(false)
	expect(c.has(2)).toBe(false)
	expect(c.bytes).toBe(0)
})

test('an ingested event leaves once each of its jobs was claimed; a loaded one stays until it ages out', () => {
	const c = new EventCache()
	c.set(1, ev(1), 3)
	c.set(2, ev(2))
	c.claimed(1)
	c.claimed(1)
	expect(c.get(1)?.id).toBe('e1')
	c.claimed(1)
	expect(c.has(1)).toBe(false)
	for (let i = 0; i < 10; i++) c.claimed(2)
	expect(c.get(2)?.id).toBe('e2')
	expect(c.bytes).toBe(eventBytes(ev(2)))
})
