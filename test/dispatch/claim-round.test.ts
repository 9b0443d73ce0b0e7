import { expect, test } from 'bun:test'
import { claimBudget, rotated } from '../../src/dispatch/claim-round'

test('a pass claims up to a round in flight plus one claimed ahead, less what is already in hand', () => {
	expect(claimBudget(64, 0, 0)).toBe(128)
	expect(claimBudget(64, 64, 10)).toBe(54)
	expect(claimBudget(64, 64, 64)).toBe(0)
})

test('the claim order starts at the rotation and wraps around, so no endpoint always claims first', () => {
	expect(rotated(['a', 'b', 'c'], 0)).toEqual(['a', 'b', 'c'])
	expect(rotated(['a', 'b', 'c'], 1)).toEqual(['b', 'c', 'a'])
	expect(rotated(['a', 'b', 'c'], 2)).toEqual(['c', 'a', 'b'])
	expect(rotated([], 0)).toEqual([])
})
