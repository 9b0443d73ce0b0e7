// JSON helpers for "same body" comparisons: key order and whitespace never matter.

export function canonicalJson(value: unknown): string {
	if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null'
	if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
	const obj = value as Record<string, unknown>
	const keys = Object.keys(obj).filter((k) => obj[k] !== undefined).sort()
	return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`
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
