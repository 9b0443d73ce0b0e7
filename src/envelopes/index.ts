// The envelope a receiver gets, built afresh at every attempt from the stored
// event and the current config.

import type { BuiltinEnvelope } from '../domain'
import { campaignBody } from './campaign'
import { flowEventBody } from './flow-event'
import { put } from './object'
import { platformActionBody } from './platform-action'
import { recordEventBody } from './record-event'
import { buildScope, type EnvelopeInput } from './scope'
import { unsendableUrl, type UrlProblem } from './url'
import { sessionStepBody } from './session-step'
import { standardBody } from './standard'
import { renderTemplate, renderText } from './template'

export { checkTemplate, checkUrlPlaceholders, envelopeFieldNames, targetFromPlaceholders } from './check'
export { acceptedTypes, PLATFORM_ACTIONS, routeFor } from './routes'
export { sampleEvent } from './sample'
export { invalidData, type InvalidData } from './validate'
export type { EnvelopeInput } from './scope'

const BUILTINS: Record<BuiltinEnvelope, (input: EnvelopeInput) => Record<string, unknown>> = {
	standard: standardBody,
	'session-step': sessionStepBody,
	'flow-event': flowEventBody,
	'record-event': recordEventBody,
	campaign: campaignBody,
	'platform-action': platformActionBody,
	raw: ({ event }) => event.data,
}

function envelopeValue(input: EnvelopeInput): unknown {
	const spec = input.flow.envelope
	if (spec.kind === 'builtin') return BUILTINS[spec.name](input)
	return renderTemplate(spec.template, buildScope(input))
}

/** Compact JSON; the endpoint's extra fields follow the envelope's own and never replace them. */
export function buildBody(input: EnvelopeInput): string {
	// raw: the stored payload byte for byte as serialized at accept time, no extra fields
	if (input.flow.envelope.kind === 'builtin' && input.flow.envelope.name === 'raw') return JSON.stringify(input.event.data)
	const value = envelopeValue(input)
	if (typeof value !== 'object' || value === null || Array.isArray(value)) return JSON.stringify(value)
	const body = value as Record<string, unknown>
	for (const [key, extra] of Object.entries(input.endpoint.body)) {
		if (!Object.hasOwn(body, key)) put(body, key, extra)
	}
	return JSON.stringify(body)
}

/** The endpoint URL with placeholder values encoded by encodeURIComponent; a missing value is empty. */
export function renderUrl(input: EnvelopeInput): string {
	return renderText(input.endpoint.url, buildScope(input), encodeURIComponent)
}

/** Why this event's values cannot fill the endpoint URL as written (ingest refuses these; events stored earlier meet it here). */
export function unsendableUrlOf(input: EnvelopeInput): UrlProblem | null {
	return unsendableUrl(input.endpoint.url, buildScope(input))
}
