// The placeholder language shared by templates and endpoint URLs: `{{ a.b.c }}`
// with optional spaces, dotted paths only. Nothing here evaluates anything.

import type { EnvelopeSpec } from '../domain'

/** Every `{{ ... }}` in a string; the inner text is left raw so bad forms can be reported. */
export const PLACEHOLDER = /\{\{(.*?)\}\}/g
const WHOLE = /^\{\{(.*?)\}\}$/
const PATH = /^[A-Za-z0-9_$-]+(?:\.[A-Za-z0-9_$-]+)*$/

/** Keys that could reach an object's prototype; never resolved, refused at load. */
export const FORBIDDEN_SEGMENTS: ReadonlySet<string> = new Set(['__proto__', 'prototype', 'constructor'])

const EXACT: ReadonlySet<string> = new Set([
	'event.id', 'event.type', 'event.sessionId', 'event.success', 'event.occurredAt', 'event.occurredAtUnix',
	'event.data', 'session.id', 'session.metadata', 'flow.id', 'flow.name', 'endpoint.id',
	'route.group', 'route.name', 'attempt',
])
const OPEN_PREFIXES = ['event.data.', 'session.metadata.']
export const ROOTS = ['event', 'session', 'flow', 'endpoint', 'route', 'attempt']

/** The path of a string that is exactly one placeholder, else null. */
export function wholePlaceholder(s: string): string | null {
	const m = WHOLE.exec(s)
	if (!m || m[1]!.includes('{{') || m[1]!.includes('}}')) return null
	return m[1]!.trim()
}

export function placeholdersIn(s: string): string[] {
	return [...s.matchAll(PLACEHOLDER)].map((m) => m[1]!.trim())
}

/** Why a placeholder path cannot be used with this envelope, or null when it can. */
export function placeholderError(path: string, envelope: EnvelopeSpec): string | null {
	if (!PATH.test(path)) return `invalid placeholder {{ ${path} }}: expected a dotted path such as {{ event.id }}`
	const segments = path.split('.')
	const bad = segments.find((s) => FORBIDDEN_SEGMENTS.has(s))
	if (bad) return `placeholder {{ ${path} }} uses the forbidden key ${bad}`
	const root = segments[0]!
	if (!ROOTS.includes(root)) return `unknown placeholder {{ ${path} }}: the root must be one of ${ROOTS.join(', ')}`
	const known = EXACT.has(path) || OPEN_PREFIXES.some((p) => path.startsWith(p))
	if (!known) return `unknown placeholder {{ ${path} }}`
	if (root === 'route' && !(envelope.kind === 'builtin' && envelope.name === 'platform-action')) {
		return `placeholder {{ ${path} }} needs the platform-action envelope`
	}
	return null
}

/** An opening `{{` left after removing well-formed placeholders means a malformed one (a lone `}}` is just text). */
export function strayBraces(s: string): boolean {
	return s.replace(PLACEHOLDER, '').includes('{{')
}
