import { describe, expect, test } from 'bun:test'
import { matchesFilter } from '../../src/routing/match'
import fc from 'fast-check'

describe('matchesFilter', () => {
	test('null matches every type', () => {
		expect(matchesFilter('anything.at.all', null)).toBe(true)
	})

	test('an empty filter matches nothing', () => {
		expect(matchesFilter('flow.start', [])).toBe(false)
	})

	test.each([
		['flow.start', ['flow.start'], true],
		['flow.start', ['flow.end'], false],
		['flow.start', ['flow.*'], true],
		['flow.', ['flow.*'], true],
		['flow', ['flow.*'], false],
		['flow.a.b.c', ['flow.*'], true],
		['technology.start', ['*.start'], true],
		['start', ['*start'], true],
		['x', ['*'], true],
		['', ['*'], true],
		['a.b.c', ['a*c'], true],
		['abc', ['a*b*c'], true],
		['ac', ['a*b*c'], false],
		['Submission Submitted', ['Submission *'], true],
		['submission submitted', ['Submission *'], false],
		['flowXstart', ['flow.start'], false],
		['flowXstart', ['flow.*'], false],
		['a+b', ['a+b'], true],
		['aab', ['a+b'], false],
		['(x)|y', ['(x)|*'], true],
		['x', ['(x)|*'], false],
		['a[1]', ['a[*]'], true],
		['a$^b', ['a$^*'], true],
		['a\\b', ['a\\*'], true],
		['line\nbreak', ['line*'], true],
		['order.created', ['invoice.*', 'order.*'], true],
		['refund.created', ['invoice.*', 'order.*'], false],
	] as const)('%j against %j → %p', (type, filter, expected) => {
		expect(matchesFilter(type, [...filter])).toBe(expected)
		// a second call goes through the cache and must agree
		expect(matchesFilter(type, [...filter])).toBe(expected)
	})
})

// The matcher once compiled to a backtracking RegExp: these inputs took
// 10-14 s. They are correctness cases here; the time is watched in bench/.
describe('patterns that made a backtracking matcher explode', () => {
	const dots = '.'.repeat(256)
	const as = 'a'.repeat(256)
	test.each([
		[dots, '*.*.*.*.*.created', false],
		[`${dots}created`, '*.*.*.*.*.created', true],
		[as, '*a*a*a*a*b', false],
		[`${as}b`, '*a*a*a*a*b', true],
		[as, '*a*a*a*a*a', true],
		['a'.repeat(4), '*a*a*a*a*a', false],
		[dots, `${'*.'.repeat(200)}*x`, false],
		[dots, `${'*.'.repeat(256)}*`, true],
		[dots, `${'*.'.repeat(257)}*`, false],
	] as const)('%#: %p', (type, pattern, expected) => {
		expect(matchesFilter(type, [pattern])).toBe(expected)
	})
})

// Reference: the regular expression the filter language is defined by, on inputs small enough for it.
const reference = (type: string, pattern: string) =>
	new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 's').test(type)

test('agrees with the regular-expression definition on random types and patterns', () => {
	const text = (chars: string[], max: number) => fc.array(fc.constantFrom(...chars), { maxLength: max }).map((a) => a.join(''))
	fc.assert(fc.property(text(['a', 'b', '.'], 12), text(['a', 'b', '.', '*'], 8), (type, pattern) => {
		expect(matchesFilter(type, [pattern])).toBe(reference(type, pattern))
	}), { seed: 13, numRuns: 3000 })
})
