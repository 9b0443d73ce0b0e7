import { expect, test } from 'bun:test'
import { startable } from '../../src/dispatch/pump'

test('an endpoint starts as many waiting jobs as its own cap and the process-wide cap both allow', () => {
	expect(startable(10, 0, 4, 0, 64)).toBe(4)
	expect(startable(10, 2, 4, 0, 64)).toBe(2)
	expect(startable(10, 0, 4, 62, 64)).toBe(2)
	expect(startable(1, 0, 4, 0, 64)).toBe(1)
})

test('nothing starts with nothing waiting or either cap full, even past it (a cap lowered by a reload)', () => {
	expect(startable(0, 0, 4, 0, 64)).toBe(0)
	expect(startable(10, 4, 4, 0, 64)).toBe(0)
	expect(startable(10, 6, 4, 0, 64)).toBe(0)
	expect(startable(10, 0, 4, 64, 64)).toBe(0)
	expect(startable(10, 0, 4, 70, 64)).toBe(0)
})
