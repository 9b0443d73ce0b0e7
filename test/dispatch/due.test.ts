import { expect, test } from 'bun:test'
import { JUMP_MS, JumpDetector } from '../../src/dispatch/clock'
import { DueHints } from '../../src/dispatch/due'

test('a lowering only lowers a known hint; an unknown one stays unknown (look now)', () => {
	const h = new DueHints()
	h.lower('a', 50)
	expect(h.get('a')).toBeUndefined()
	const t = h.begin()
	h.settle(t, 'a', null)
	h.end(t)
	expect(h.get('a')).toBe(Infinity)
	h.lower('a', 70)
	h.lower('a', 90)
	expect(h.get('a')).toBe(70)
})

test('a read that began before a lowering cannot raise the hint above it', () => {
	const h = new DueHints()
	const t = h.begin()
	// the read saw the job in flight ("nothing pending"); its completion then committed a retry at 120
	h.lower('a', 120)
	h.settle(t, 'a', null)
	expect(h.get('a')).toBe(120)
	h.settle(t, 'b', 300)
	expect(h.get('b')).toBe(300)
	h.end(t)
})

test('forget voids reads under way: what they saw may be older than the change', () => {
	const h = new DueHints()
	const t = h.begin()
	h.forget()
	h.settle(t, 'a', null)
	expect(h.get('a')).toBeUndefined()
})

test('forgetOne during a read leaves the endpoint unknown', () => {
	const h = new DueHints()
	const t = h.begin()
	h.forgetOne('a')
	h.settle(t, 'a', 500)
	expect(h.get('a')).toBeUndefined()
})

test('the jump detector tells a step of the wall clock from time passing', () => {
	let wall = 1_000_000
	let mono = 5
	const d = new JumpDetector(() => wall, () => mono)
	wall += 800; mono += 800
	expect(d.check()).toBeNull()
	// small differences (slew, jitter) are not steps
	wall += JUMP_MS - 1; mono += 0
	expect(d.check()).toBeNull()
	wall += 100 - 3 * 3_600_000; mono += 100
	const back = d.check()!
	expect(back.deltaMs).toBe(-3 * 3_600_000)
	wall += 7_200_000 + 50; mono += 50
	expect(d.check()).toMatchObject({ deltaMs: 7_200_000, oldNow: wall - 7_200_000 })
})
