import { expect, test } from 'bun:test'
import { HEAP_GROWTH_BYTES, heapTrim } from '../../src/ops/heap'

test('a full collection runs only when the heap grew by the threshold since the last one', () => {
	let heap = 30 << 20
	let collections = 0
	const trim = heapTrim({ size: () => heap, collect: () => { collections++; heap = 20 << 20 }, everyMs: 60_000 })
	try {
		trim.check()
		heap += HEAP_GROWTH_BYTES - 1
		trim.check()
		expect(collections).toBe(0)
		heap += 1
		trim.check()
		expect(collections).toBe(1)
		// measured again after the collection: growth counts from 20 MB now
		heap = (20 << 20) + HEAP_GROWTH_BYTES - 1
		trim.check()
		expect(collections).toBe(1)
		heap += 1
		trim.check()
		expect(trim.collections).toBe(2)
	} finally {
		trim.stop()
	}
})
