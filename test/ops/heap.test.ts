import { expect, test } from 'bun:test'
import { HEAP_GROWTH_BYTES, heapTrim } from '../../src/ops/heap'

const MB = 1 << 20

test('a full collection runs only when the heap grew by the threshold since the last one', () => {
	let heap = 30 * MB
	let collections = 0
	const trim = heapTrim({ size: () => heap, collect: () => { collections++; heap = 20 * MB }, everyMs: 60_000 })
	try {
		trim.check()
		heap += HEAP_GROWTH_BYTES - 1
		trim.check()
		expect(collections).toBe(0)
		heap += 1
		trim.check()
		expect(collections).toBe(1)
		// measured again after the collection: growth counts from 20 MB now
		heap = 20 * MB + HEAP_GROWTH_BYTES - 1
		trim.check()
		expect(collections).toBe(1)
		heap += 1
		trim.check()
		expect(trim.collections).toBe(2)
	} finally {
		trim.stop()
	}
})

test('a collection the engine ran on its own lowers the floor the growth is counted from', () => {
	let heap = 60 * MB
	let collections = 0
	const trim = heapTrim({ size: () => heap, collect: () => { collections++ }, everyMs: 60_000 })
	try {
		heap = 25 * MB
		trim.check()
		heap = 25 * MB + HEAP_GROWTH_BYTES - 1
		trim.check()
		expect(collections).toBe(0)
		heap += 1
		trim.check()
		expect(collections).toBe(1)
	} finally {
		trim.stop()
	}
})
