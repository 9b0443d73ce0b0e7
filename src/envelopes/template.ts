// Renders `{{ path }}` placeholders. Templates are data: a path is looked up
// key by key in own properties of plain values, so nothing is called and no
// prototype is reachable.

import { put } from './object'
import { FORBIDDEN_SEGMENTS, PLACEHOLDER, wholePlaceholder } from './placeholders'

/** The value at a dotted path, or undefined when any step is missing. */
export function resolvePath(root: unknown, path: string): unknown {
	let current: unknown = root
	for (const segment of path.split('.')) {
		if (FORBIDDEN_SEGMENTS.has(segment)) return undefined
		if (Array.isArray(current)) {
			if (!/^\d+$/.test(segment)) return undefined
			current = current[Number(segment)]
		} else if (typeof current === 'object' && current !== null && Object.hasOwn(current, segment)) {
			current = (current as Record<string, unknown>)[segment]
		} else {
			return undefined
		}
	}
	return current
}

/** How a value reads inside a longer string: missing and null are empty. */
export function toText(v: unknown): string {
	if (v === undefined || v === null) return ''
	if (typeof v === 'string') return v
	if (typeof v === 'object') return JSON.stringify(v)
	return String(v)
}

/** Fills every placeholder of a string with text, passed through `encode` (e.g. for URLs). */
export function renderText(s: string, scope: unknown, encode: (text: string) => string = (t) => t): string {
	return s.replace(PLACEHOLDER, (_, inner: string) => encode(toText(resolvePath(scope, inner.trim()))))
}

export function renderTemplate(template: unknown, scope: unknown): unknown {
	if (typeof template === 'string') {
		const whole = wholePlaceholder(template)
		if (whole !== null) return resolvePath(scope, whole) ?? null
		return renderText(template, scope)
	}
	if (Array.isArray(template)) return template.map((item) => renderTemplate(item, scope))
	if (typeof template === 'object' && template !== null) {
		const out: Record<string, unknown> = {}
		for (const [k, v] of Object.entries(template)) put(out, k, renderTemplate(v, scope))
		return out
	}
	return template
}
