import { expect, test } from 'bun:test'
import { ExportBackoff } from '../../src/tracing/backoff'

test('a failed export holds spans back, the wait doubling while failures go on up to its ceiling', () => {
	let now = 1000
	const b = new ExportBackoff(100, 350, () => now)
	expect(b.holding()).toBe(false)
	b.failed()
	expect([b.holding(), b.wait]).toEqual([true, 100])
	now += 99
	expect(b.holding()).toBe(true)
	now += 1
	expect(b.holding()).toBe(false)
	b.failed()
	expect(b.wait).toBe(200)
	now += 200
	b.failed()
	expect(b.wait).toBe(350)
	now += 350
	b.failed()
	expect(b.wait).toBe(350)
})

test('a batch that was queued before the wait and fails during it does not lengthen the wait', () => {
	let now = 0
	const b = new ExportBackoff(100, 1000, () => now)
	b.failed()
	now += 50
	b.failed()
	expect(b.wait).toBe(100)
	now += 50
	expect(b.holding()).toBe(false)
})

test('an export that goes through ends the back-off at once, and the next failure starts from the first wait', () => {
	let now = 0
	const b = new ExportBackoff(100, 1000, () => now)
	b.failed()
	now += 100
	b.failed()
	expect(b.wait).toBe(200)
	b.succeeded()
	expect([b.holding(), b.wait]).toEqual([false, 0])
	b.failed()
	expect(b.wait).toBe(100)
})
