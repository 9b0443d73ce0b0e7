import { describe, expect, test } from 'bun:test'
import { matchesFilter } from '../../src/routing/match'

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
