import { expect, test } from 'bun:test'
import { EventCache } from '../../src/dispatch/event-cache'
import type { StoredEvent } from '../../src/domain'

const ev = (pk: number) => ({ id: `e${pk}` }) as unknown as StoredEvent

test('keeps the last one to two generations of events and forgets older ones', () => {
	const c = new EventCache(3)
	for (let pk = 1; pk <= 7; pk++) c.set(pk, ev(pk))
	// 1-3 were a generation, then 4-6, now 7 is young: 1-3 are gone
	expect([1, 2, 3].map((pk) => c.has(pk))).toEqual([false, false, false])
	expect([4, 5, 6, 7].map((pk) => c.get(pk)?.id)).toEqual(['e4', 'e5', 'e6', 'e7'])
})
