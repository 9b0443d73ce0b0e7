import { describe, expect, test } from 'bun:test'
import fc from 'fast-check'
import { canonicalJson, MAX_JSON_DEPTH, nestsDeeperThan, parseJsonBounded, valueNestsDeeperThan } from '../src/json'

const nested = (levels: number) => '['.repeat(levels) + ']'.repeat(levels)
const nestedObject = (levels: number) => '{"a":'.repeat(levels - 1) + '{}' + '}'.repeat(levels - 1)

// The reference: depth of an already-built (shallow) value.
function depthOf(v: unknown): number {
	if (v === null || typeof v !== 'object') return 0
	const items = Array.isArray(v) ? v : Object.values(v)
	return 1 + Math.max(0, ...items.map(depthOf))
}

describe('bounded JSON parsing', () => {
	test('64 levels parse; 65 are too deep, arrays and objects alike', () => {
		expect(parseJsonBounded(nested(MAX_JSON_DEPTH)).ok).toBe(true)
		expect(parseJsonBounded(nestedObject(MAX_JSON_DEPTH)).ok).toBe(true)
		expect(parseJsonBounded(nested(MAX_JSON_DEPTH + 1))).toEqual({ ok: false, reason: 'too_deep' })
		expect(parseJsonBounded(nestedObject(MAX_JSON_DEPTH + 1))).toEqual({ ok: false, reason: 'too_deep' })
	})

	test('40,000 levels are refused without building anything', () => {
		expect(parseJsonBounded('{"data":' + nestedObject(40_000) + '}')).toEqual({ ok: false, reason: 'too_deep' })
	})

	test('brackets inside strings, escaped quotes included, do not count', () => {
		const text = JSON.stringify({ s: '['.repeat(100), t: '\\"{{{{'.repeat(50), u: '"\\'.repeat(30) + '[[[' })
		expect(parseJsonBounded(text)).toEqual({ ok: true, value: JSON.parse(text) })
	})

	test('text that is not JSON is malformed', () => {
		expect(parseJsonBounded('{"a": oops}')).toEqual({ ok: false, reason: 'malformed' })
		expect(parseJsonBounded('')).toEqual({ ok: false, reason: 'malformed' })
		expect(parseJsonBounded(']]]]')).toEqual({ ok: false, reason: 'malformed' })
	})

	test('the depth seen in the text is the depth of the parsed value (random JSON)', () => {
		fc.assert(fc.property(fc.jsonValue({ depthSize: 'large', maxDepth: 12 }), fc.integer({ min: 0, max: 12 }), (value, max) => {
			const text = JSON.stringify(value)
			expect(nestsDeeperThan(text, max)).toBe(depthOf(value) > max)
		}), { seed: 13, numRuns: 500 })
	})

	test('a built value is measured without following it past the limit', () => {
		let deep: unknown = 1
		for (let i = 0; i < 100_000; i++) deep = [deep]
		expect(valueNestsDeeperThan(deep)).toBe(true)
		expect(valueNestsDeeperThan(JSON.parse(nestedObject(MAX_JSON_DEPTH)))).toBe(false)
		expect(valueNestsDeeperThan(JSON.parse(nestedObject(MAX_JSON_DEPTH + 1)))).toBe(true)
	})
})

describe('canonicalJson', () => {
	// the recursive definition it replaced
	function recursive(value: unknown): string {
		if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null'
		if (Array.isArray(value)) return `[${value.map(recursive).join(',')}]`
		const obj = value as Record<string, unknown>
		const keys = Object.keys(obj).filter((k) => obj[k] !== undefined).sort()
		return `{${keys.map((k) => `${JSON.stringify(k)}:${recursive(obj[k])}`).join(',')}}`
	}

	test('writes what the recursive definition writes (random values)', () => {
		fc.assert(fc.property(fc.anything({ maxDepth: 6, withObjectString: true, withNullPrototype: true }), (value) => {
			expect(canonicalJson(value)).toBe(recursive(value))
		}), { seed: 13, numRuns: 400 })
	})

	test('sorts keys at every level and ignores undefined members', () => {
		expect(canonicalJson({ b: [1, { d: 1, c: undefined, a: 'x' }], a: null })).toBe('{"a":null,"b":[1,{"a":"x","d":1}]}')
		expect(canonicalJson(JSON.parse('{"__proto__":{"z":1},"a":[]}'))).toBe('{"__proto__":{"z":1},"a":[]}')
	})

	test('a value stored before depth was bounded (100,000 levels) is written without overflowing', () => {
		let deep: unknown = 1
		for (let i = 0; i < 100_000; i++) deep = { a: deep }
		const text = canonicalJson(deep)
		expect(text.length).toBe(100_000 * 6 + 1)
		expect(text.startsWith('{"a":{"a":')).toBe(true)
	})
})
