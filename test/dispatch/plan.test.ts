import { describe, expect, test } from 'bun:test'
import { afterShortClaim, HELD_RETRY_MS, nextLook, planClaims, type Candidate } from '../../src/dispatch/plan'

const NOW = 1_000_000
const idle = (over: Partial<Candidate> = {}): Candidate => ({ cap: 64, held: 0, due: undefined, tokens: null, tokenWaitMs: 0, ...over })
const plan = (cands: Candidate[], budget = 128) => planClaims(cands, budget, NOW, 30_000, 100)

describe('planning the claims of one pass', () => {
	test('endpoints known to have nothing due take no slots; the one with work gets them', () => {
		const cands = [...Array.from({ length: 9 }, () => idle({ due: Infinity })), idle({ due: NOW - 5 })]
		expect(plan(cands).claims).toEqual([[9, 100]])
	})

	test('unknown endpoints share the budget evenly and the pass is marked starved', () => {
		const r = plan([idle(), idle(), idle()], 64)
		expect(r.claims).toEqual([[0, 22], [1, 22], [2, 20]])
		expect(r.starved).toBe(true)
	})

	test('an endpoint claims at most a round in flight plus one claimed ahead', () => {
		expect(plan([idle({ cap: 8, held: 3 })]).claims).toEqual([[0, 13]])
	})

	test('a busy endpoint waits until a quarter of a round is free', () => {
		expect(plan([idle({ cap: 64, held: 120 })]).claims).toEqual([])
		expect(plan([idle({ cap: 64, held: 112 })]).claims).toEqual([[0, 16]])
		expect(plan([idle({ cap: 64, held: 0 })]).claims).toEqual([[0, 100]])
	})

	test('the earliest known due time bounds the sleep; nothing known sleeps the cap', () => {
		expect(plan([idle({ due: NOW + 500 }), idle({ due: Infinity })]).earliest).toBe(NOW + 500)
		expect(plan([idle({ due: Infinity })]).earliest).toBe(NOW + 30_000)
	})

	test('a rate-limited endpoint claims no more than its tokens, and none without one', () => {
		expect(plan([idle({ tokens: 3 })]).claims).toEqual([[0, 3]])
		const r = plan([idle({ tokens: 0, tokenWaitMs: 40 }), idle()])
		expect(r.claims).toEqual([[1, 100]])
		expect(r.earliest).toBe(NOW + 40)
	})

	test('no budget, no claims', () => {
		expect(plan([idle(), idle()], 0).claims).toEqual([])
	})
})

describe('after a claim that came back short', () => {
	test('jobs due but not given mean others hold the endpoint: held back, looked at again shortly', () => {
		expect(afterShortClaim(NOW - 10, NOW)).toEqual({ due: NOW + HELD_RETRY_MS, heldBack: true })
		expect(afterShortClaim(NOW, NOW)).toEqual({ due: NOW + HELD_RETRY_MS, heldBack: true })
	})

	test('a next job due later, or none, is the hint as read and nothing is held back', () => {
		expect(afterShortClaim(NOW + 5_000, NOW)).toEqual({ due: NOW + 5_000, heldBack: false })
		expect(afterShortClaim(null, NOW)).toEqual({ due: null, heldBack: false })
	})
})

describe('when the loop looks again', () => {
	test('a starved pass that left planned slots unused looks again at once', () => {
		expect(nextLook(NOW + 400, true, 3, NOW)).toBe(NOW)
	})

	test('otherwise at the earliest time it found', () => {
		expect(nextLook(NOW + 400, true, 0, NOW)).toBe(NOW + 400)
		expect(nextLook(NOW + 400, false, 3, NOW)).toBe(NOW + 400)
	})
})
