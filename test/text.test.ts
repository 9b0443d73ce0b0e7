import { describe, expect, test } from 'bun:test'
import { nulInUrl, storableString, textProblem } from '../src/text'

describe('textProblem', () => {
	test.each([
		['plain', 'text', null],
		['tab\tline\nbreak\u0001\u007f', 'text', null],
		['a\u0000b', 'text', 'must not hold a NUL character'],
		['a\ud800b', 'text', 'must not hold a lone surrogate'],
		['\udc00', 'text', 'must not hold a lone surrogate'],
		['émoji 😀', 'line', null],
		['a\tb', 'line', 'must not hold control characters'],
		['a\u007f', 'line', 'must not hold control characters'],
		['a\u0000b', 'line', 'must not hold control characters'],
		['a\ud800b', 'line', 'must not hold a lone surrogate'],
	] as const)('%j as %s: %p', (s, rule, problem) => {
		expect(textProblem(s, rule)).toBe(problem)
	})

	test('a zod string with the check names the problem, never the value', () => {
		const r = storableString().safeParse('secret\u0000')
		expect(r.success).toBe(false)
		expect(JSON.stringify(r.error?.issues)).not.toContain('secret')
	})
})

describe('nulInUrl', () => {
	test.each([
		['http://h/a/b?c=d', null],
		['http://h/a%00b', { in: 'path' }],
		['http://h/a?x=1&type=a%00b', { in: 'query', name: 'type' }],
		['http://h/a?ty%00pe=1', { in: 'query', name: 'type' }],
		['http://h/a?x=%01%0A', null],
	] as const)('%s', (url, at) => {
		expect(nulInUrl(new URL(url))).toEqual(at)
	})
})
