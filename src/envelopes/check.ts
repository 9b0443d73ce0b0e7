// Load-time checks of envelopes, so a config that could only fail at delivery
// is refused when it is read.

import type { BuiltinEnvelope, EnvelopeSpec } from '../domain'
import { placeholderError, placeholdersIn, strayBraces } from './placeholders'

const BUILTIN_FIELDS: Record<BuiltinEnvelope, readonly string[]> = {
	standard: ['type', 'timestamp', 'data'],
	'session-step': ['payload', 'sessionId', 'pipelineId', 'stepId', 'date', 'metadata'],
	'flow-event': ['id', 'event', 'session_id', 'created', 'success', 'flow_name', 'metadata', 'data'],
	'record-event': ['event', 'eventId', 'eventTimestamp', 'data'],
	// option and keyword are only sometimes written, but an endpoint field must not shadow them either
	campaign: ['campaignId', 'label', 'phoneNumber', 'date', 'response', 'option', 'keyword'],
	'platform-action': ['id', 'action', 'route', 'timestamp', 'data'],
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

/** Placeholders may fill path and query, never scheme, host or port: the target must be known at load. */
export function checkUrlPlaceholders(url: string, envelope: EnvelopeSpec): string | null {
	const first = url.indexOf('{{')
	if (first >= 0) {
		const schemeEnd = url.indexOf('://')
		const authorityStart = schemeEnd >= 0 ? schemeEnd + 3 : 0
		const rest = url.slice(authorityStart).search(/[/?#]/)
		const authorityEnd = rest >= 0 ? authorityStart + rest : url.length
		if (first < authorityEnd) return 'placeholders are allowed only in the URL path and query, not in scheme, host or port'
		const hash = url.indexOf('#')
		if (hash >= 0 && url.indexOf('{{', hash) >= 0) return 'placeholders are allowed only in the URL path and query, not in the fragment'
	}
	const errors = stringErrors(url, envelope)
	return errors[0] ?? null
}
