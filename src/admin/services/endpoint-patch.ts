// A PATCH applied to a stored endpoint in its YAML form, so the result goes
// through normalizeEndpoint like any new endpoint. A value sent back in the
// redacted form the API showed keeps the stored one: an editor that shows
// `…1234` can never overwrite a secret with it.
import type { z } from 'zod'
import type { EndpointInput } from '../../config/schema'
import type { EndpointConfig, HeaderValue, SigningConfig } from '../../domain'
import { isSensitiveHeader, redactHeaderValue } from '../../signing/headers'
import { redactSecret } from '../../signing/secret'
import type { endpointPatch } from '../model/endpoint'

export type EndpointPatch = z.output<typeof endpointPatch>
type SigningInput = NonNullable<EndpointInput['signing']>
type HeadersInput = NonNullable<EndpointInput['headers']>

const PLAIN_KEYS = ['url', 'events', 'body', 'timeout', 'retrySchedule', 'concurrency', 'rateLimit'] as const

export function applyPatch(current: EndpointInput, patch: EndpointPatch, stored: EndpointConfig): EndpointInput {
	const out: Record<string, unknown> = { ...current }
	for (const key of PLAIN_KEYS) if (patch[key] !== undefined) out[key] = patch[key]
	if (patch.headers !== undefined) out.headers = mergeHeaders(stored.headers, patch.headers)
	if (patch.signing !== undefined) out.signing = mergeSigning(current.signing ?? null, patch.signing, stored.signing)
	// enabled is runtime state for API endpoints; the service switches it
	delete out.enabled
	return out as EndpointInput
}

function setKey(target: Record<string, unknown>, key: string, value: unknown) {
	// defineProperty: a header named __proto__ stays an ordinary key
	Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true })
}

function mergeHeaders(stored: Record<string, HeaderValue>, patch: EndpointPatch['headers']): HeadersInput | null {
	if (patch === null || patch === undefined) return null
	const out: Record<string, unknown> = {}
	for (const [name, h] of Object.entries(stored)) setKey(out, name, h.sensitive ? { value: h.value, sensitive: true } : h.value)
	for (const [name, sent] of Object.entries(patch)) {
		const existing = Object.keys(out).find((k) => k.toLowerCase() === name.toLowerCase())
		const before = existing === undefined ? undefined : stored[existing]
		if (existing !== undefined) delete out[existing]
		if (sent === null) continue
		const value = typeof sent === 'string' ? sent : sent.value
		const sensitive = typeof sent === 'string' ? (before?.sensitive ?? false) : (sent.sensitive ?? before?.sensitive ?? false)
		const shownRedacted = before !== undefined && isSensitiveHeader(name, before.sensitive)
		const kept = shownRedacted && value === redactHeaderValue(before.value) ? before.value : value
		setKey(out, name, sensitive ? { value: kept, sensitive: true } : kept)
	}
	return out as HeadersInput
}

function mergeSigning(current: SigningInput | null, patch: NonNullable<EndpointPatch['signing']> | null, stored: SigningConfig): SigningInput | null {
	if (patch === null) return null
	// a new scheme starts from nothing: the old secret, header and encoding do not fit it
	const base: Record<string, unknown> = patch.scheme !== undefined && patch.scheme !== stored.scheme ? {} : { ...current }
	for (const [key, value] of Object.entries(patch)) {
		if (value === undefined) continue
		if (value === null) delete base[key]
		else base[key] = value
	}
	if (stored.secret !== null && patch.secret === redactSecret(stored.secret)) base.secret = stored.secret
	const prev = patch.previous
	if (prev && stored.previous && prev.secret === redactSecret(stored.previous.secret)) {
		base.previous = { ...prev, secret: stored.previous.secret }
	}
	return base as SigningInput
}
