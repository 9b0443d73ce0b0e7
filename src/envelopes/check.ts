// Load-time checks of envelopes, so a config that could only fail at delivery
// is refused when it is read.

import type { BuiltinEnvelope, EnvelopeSpec } from '../domain'
import { PLACEHOLDER, placeholderError, placeholdersIn, strayBraces } from './placeholders'

const BUILTIN_FIELDS: Record<BuiltinEnvelope, readonly string[]> = {
	standard: ['type', 'timestamp', 'data'],
	'session-step': ['payload', 'sessionId', 'pipelineId', 'stepId', 'date', 'metadata'],
	'flow-event': ['id', 'event', 'session_id', 'created', 'success', 'flow_name', 'metadata', 'data'],
	'record-event': ['event', 'eventId', 'eventTimestamp', 'data'],
	// option and keyword are only sometimes written, but an endpoint field must not shadow them either
	campaign: ['campaignId', 'label', 'phoneNumber', 'date', 'response', 'option', 'keyword'],
	'platform-action': ['id', 'action', 'route', 'timestamp', 'data'],
	// the payload as the producer sent it: its keys are the producer's
	raw: [],
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
	return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/** Top-level keys the envelope itself writes; endpoint `body` may not reuse them. */
export function envelopeFieldNames(spec: EnvelopeSpec): string[] {
	if (spec.kind === 'builtin') return [...BUILTIN_FIELDS[spec.name]]
	return isPlainObject(spec.template) ? Object.keys(spec.template) : []
}

function stringErrors(s: string, envelope: EnvelopeSpec): string[] {
	const errors: string[] = []
	if (strayBraces(s)) errors.push('an opening {{ has no closing }}')
	for (const path of placeholdersIn(s)) {
		const e = placeholderError(path, envelope)
		if (e) errors.push(e)
	}
	return errors
}

export function checkTemplate(
	template: unknown,
	envelope: EnvelopeSpec,
): Array<{ path: (string | number)[]; message: string }> {
	const out: Array<{ path: (string | number)[]; message: string }> = []
	const walk = (v: unknown, path: (string | number)[]): void => {
		if (typeof v === 'string') {
			for (const message of stringErrors(v, envelope)) out.push({ path, message })
		} else if (Array.isArray(v)) {
			v.forEach((item, i) => walk(item, [...path, i]))
		} else if (isPlainObject(v)) {
			for (const [k, item] of Object.entries(v)) walk(item, [...path, k])
		}
	}
	walk(template, [])
	return out
}

// Fillers tried in place of every placeholder: a URL whose scheme, host, port
// or user info is the same whatever fills it has them literal. The URL parser
// decides, not a search for `://`: `http:/{{x}}:21001/p` and `http:/\t/{{x}}`
// both parse with the placeholder as the host.
const MARK = 'hookgate0placeholder'
const FILLERS = [MARK, '', '0', '.', '..', 'a.b']
const ORIGIN_PARTS = ['protocol', 'username', 'password', 'hostname', 'port'] as const

function parsed(url: string): URL | null {
	try {
		return new URL(url)
	} catch {
		return null
	}
}

/** Why the placeholders of `url` are not all in its path and query, or null. */
function placementError(url: string): string | null {
	const count = placeholdersIn(url).length
	if (count === 0) return null
	const outside = 'placeholders are allowed only in the URL path and query, not in scheme, host or port'
	const urls = FILLERS.map((f) => parsed(url.replace(PLACEHOLDER, f)))
	// not a URL whatever fills it: the URL check says so
	if (urls.every((u) => u === null)) return null
	const marked = urls[0]
	if (marked === null || urls.some((u) => u === null)) return outside
	if (urls.some((u) => ORIGIN_PARTS.some((part) => u![part] !== marked[part]))) return outside
	const occurrences = (text: string) => text.split(MARK).length - 1
	if (occurrences(marked.pathname) + occurrences(marked.search) === count) return null
	if (occurrences(marked.hash) > 0) return 'placeholders are allowed only in the URL path and query, not in the fragment'
	// scheme, host and port held, so the path lost it: a literal `..` after the placeholder
	return 'a "." or ".." path segment would drop a placeholder when the URL is parsed'
}

/** True when a placeholder of `url` can change its scheme, host, port or user info (an endpoint stored before this was refused). */
export function targetFromPlaceholders(url: string): boolean {
	const problem = placementError(url)
	return problem !== null && !problem.endsWith('fragment')
}

/** Placeholders may fill path and query, never scheme, host or port: the target must be known at load. */
export function checkUrlPlaceholders(url: string, envelope: EnvelopeSpec): string | null {
	return placementError(url) ?? stringErrors(url, envelope)[0] ?? null
}
