// JSON from outside, read with a bound on nesting, and helpers for "same body"
// comparisons (key order and whitespace never matter).

/**
 * How deep any JSON we take from outside may nest (objects and arrays inside
 * one another, the outermost counting as 1). `JSON.stringify` and every
 * recursive walk (canonicalJson, merge patch, templates) throw RangeError near
 * 10,000 levels, and such a throw inside a group commit failed other
 * producers' writes: nothing deeper than this is ever parsed.
 */
export const MAX_JSON_DEPTH = 64

export type JsonParse = { ok: true; value: unknown } | { ok: false; reason: 'malformed' | 'too_deep' }

/**
 * True when `text` opens more than `max` arrays/objects inside one another.
 * Brackets inside strings do not count. One linear pass that allocates
 * nothing and stops at the first level too many, so a 40,000-deep body costs
 * what reading its first 65 brackets costs.
 */
export function nestsDeeperThan(text: string, max: number): boolean {
	let depth = 0
	const n = text.length
	for (let i = 0; i < n; i++) {
		const c = text.charCodeAt(i)
		if (c === 0x22) {
			// skip the string: a backslash always escapes exactly the next character
			for (i++; i < n; i++) {
				const s = text.charCodeAt(i)
				if (s === 0x5c) i++
				else if (s === 0x22) break
			}
		} else if (c === 0x7b || c === 0x5b) {
			if (++depth > max) return true
		} else if (c === 0x7d || c === 0x5d) {
			depth--
		}
	}
	return false
}

/**
 * The one way JSON from outside is parsed (ingest, sessions, admin bodies):
 * depth is checked before `JSON.parse` builds anything. A body both too deep
 * and malformed reads as too deep; either way the producer gets a 400-class
 * answer naming the problem.
 */
export function parseJsonBounded(text: string, maxDepth = MAX_JSON_DEPTH): JsonParse {
	if (nestsDeeperThan(text, maxDepth)) return { ok: false, reason: 'too_deep' }
	try {
		return { ok: true, value: JSON.parse(text) as unknown }
	} catch {
		return { ok: false, reason: 'malformed' }
	}
}

/**
 * For values already built (YAML config): true when `value` nests deeper than
 * `max`. The walk gives up one level past `max`, so it cannot overflow the stack.
 */
export function valueNestsDeeperThan(value: unknown, max = MAX_JSON_DEPTH): boolean {
	const walk = (v: unknown, depth: number): boolean => {
		if (v === null || typeof v !== 'object') return false
		if (depth + 1 > max) return true
		const items = Array.isArray(v) ? v : Object.values(v)
		return items.some((item) => walk(item, depth + 1))
	}
	return walk(value, 0)
}

// A marker for text to emit, beside values still to write.
class Emit {
	constructor(readonly text: string) {}
}

/**
 * Compact JSON with object keys sorted. Written with an explicit stack, not
 * recursion: values stored before depth was bounded can nest thousands of
 * levels, and a RangeError here once failed a whole group commit.
 */
export function canonicalJson(value: unknown): string {
	const out: string[] = []
	const work: unknown[] = [value]
	while (work.length > 0) {
		const v = work.pop()
		if (v instanceof Emit) {
			out.push(v.text)
		} else if (v === null || typeof v !== 'object') {
			out.push(JSON.stringify(v) ?? 'null')
		} else if (Array.isArray(v)) {
			// pushed in reverse, so they come off the stack in order
			work.push(new Emit(']'))
			for (let i = v.length - 1; i >= 0; i--) {
				work.push(v[i])
				if (i > 0) work.push(new Emit(','))
			}
			out.push('[')
		} else {
			const obj = v as Record<string, unknown>
			const keys = Object.keys(obj).filter((k) => obj[k] !== undefined).sort()
			work.push(new Emit('}'))
			for (let i = keys.length - 1; i >= 0; i--) {
				work.push(obj[keys[i]!])
				work.push(new Emit(`${i > 0 ? ',' : ''}${JSON.stringify(keys[i])}:`))
			}
			out.push('{')
		}
	}
	return out.join('')
}

export const sameJson = (a: unknown, b: unknown) => canonicalJson(a) === canonicalJson(b)

/** RFC 7396 JSON merge patch on an object. */
export function mergePatch(target: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
	const out: Record<string, unknown> = { ...target }
	for (const [k, v] of Object.entries(patch)) {
		if (v === null) { delete out[k]; continue }
		const base = out[k]
		const next = isPlainObject(v) ? mergePatch(isPlainObject(base) ? base : {}, v) : v
		// defineProperty, so a key named __proto__ stays data and never becomes a prototype
		Object.defineProperty(out, k, { value: next, enumerable: true, writable: true, configurable: true })
	}
	return out
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
	return v !== null && typeof v === 'object' && !Array.isArray(v)
}
