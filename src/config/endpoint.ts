// One endpoint, from its YAML / API form to the EndpointConfig the rest of the
// process uses, with every rule that involves more than one field. The loader
// and the admin API both call this, so an endpoint means the same either way.

import type { EndpointConfig, EnvelopeSpec, FlowConfig, HeaderValue, SigningConfig, SigningScheme } from '../domain'
import { checkUrlPlaceholders, envelopeFieldNames } from '../envelopes/check'
import { validateHeader } from '../signing/headers'
import { generateSecret, validateSecret } from '../signing/secret'
import { isPlainObject, MAX_JSON_DEPTH, valueNestsDeeperThan } from '../json'
import { isoTime, toMs } from './fields'
import { fromZod, type ConfigIssue } from './issues'
import { endpointInputSchema, type EndpointInput } from './schema'

export interface FlowDefaults {
	/** null when the flow's own envelope is invalid: the envelope-dependent checks are skipped */
	envelope: EnvelopeSpec | null
	signing: FlowConfig['signing']
}

export interface NormalizeOptions {
	managedBy: 'config' | 'api'
	/** becomes createdAt */
	now: number
	/** a missing secret is generated instead of refused; default: true for 'api', false for 'config' */
	allowMissingSecret?: boolean
	/** makes an id when none is given (the API's choice); without it a missing id is refused */
	generateId?: () => string
}

export type NormalizeResult = { endpoint: EndpointConfig } | { issues: ConfigIssue[] }

// Any envelope will do for checking where URL placeholders sit; this one admits every root.
const PERMISSIVE: EnvelopeSpec = { kind: 'builtin', name: 'platform-action' }

/** Validates `input` (the YAML endpoint object or an API body) and converts it. Issue paths are relative to the endpoint. */
export function normalizeEndpoint(input: unknown, flow: FlowDefaults, opts: NormalizeOptions): NormalizeResult {
	const parsed = endpointInputSchema.safeParse(input, { reportInput: true })
	if (!parsed.success) return { issues: fromZod(parsed.error.issues) }
	const ep = parsed.data
	const issues: ConfigIssue[] = []

	const id = ep.id ?? opts.generateId?.()
	if (id === undefined) issues.push({ path: ['id'], message: 'required' })

	const urlProblem = checkUrl(ep.url, flow.envelope)
	if (urlProblem) issues.push({ path: ['url'], message: urlProblem })

	const signing = mergeSigning(ep, flow, opts.allowMissingSecret ?? opts.managedBy === 'api', issues)
	const headers = checkHeaders(ep, signing.scheme === 'hmac-sha256' ? signing.header : null, issues)
	checkBody(ep, flow.envelope, issues)

	if (issues.length > 0 || id === undefined) return { issues }
	return {
		endpoint: {
			id,
			url: ep.url,
			events: ep.events ?? null,
			signing,
			headers,
			// as sent: zod's copy of a record drops a key named __proto__, which is data here as anywhere
			body: isPlainObject(input) && isPlainObject(input.body) ? input.body : ep.body ?? {},
			timeoutMs: ep.timeout != null ? toMs(ep.timeout) : null,
			retryScheduleMs: ep.retrySchedule?.map(toMs) ?? null,
			concurrency: ep.concurrency ?? null,
			rateLimit: ep.rateLimit ?? null,
			enabled: ep.enabled ?? true,
			managedBy: opts.managedBy,
			createdAt: opts.now,
		},
	}
}

function checkUrl(url: string, envelope: EnvelopeSpec | null): string | null {
	const placeholder = checkUrlPlaceholders(url, envelope ?? PERMISSIVE)
	if (placeholder) return placeholder
	let parsed: URL
	try {
		// Placeholders stand in for path or query text; any filler parses the same way.
		parsed = new URL(url.replace(/\{\{.*?\}\}/g, 'x'))
	} catch {
		return 'must be an absolute http(s) URL'
	}
	if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return 'must be an absolute http(s) URL'
	if (parsed.username || parsed.password) return 'must not carry a user name or password (send credentials in headers)'
	return null
}

function mergeSigning(ep: EndpointInput, flow: FlowDefaults, allowMissing: boolean, issues: ConfigIssue[]): SigningConfig {
	const own = ep.signing ?? {}
	const scheme: SigningScheme = own.scheme ?? flow.signing.scheme ?? 'standard-webhooks'
	const header = (own.header ?? flow.signing.header ?? 'x-signature').toLowerCase()
	const encoding = own.encoding ?? flow.signing.encoding ?? 'hex'

	for (const key of ['header', 'encoding'] as const) {
		if (own[key] !== undefined && scheme !== 'hmac-sha256') {
			issues.push({ path: ['signing', key], message: 'applies to scheme hmac-sha256 only' })
		}
	}
	if (own.header !== undefined && scheme === 'hmac-sha256') {
		const problem = validateHeader(own.header, '', null)
		if (problem) issues.push({ path: ['signing', 'header'], message: problem })
	}

	if (scheme === 'none') {
		for (const key of ['secret', 'previous'] as const) {
			if (own[key] != null) issues.push({ path: ['signing', key], message: 'not used by scheme none' })
		}
		return { scheme, secret: null, header, encoding, previous: null }
	}

	let secret = own.secret ?? flow.signing.secret ?? undefined
	if (secret === undefined) {
		if (allowMissing) secret = generateSecret(scheme)
		else issues.push({ path: ['signing', 'secret'], message: `required for scheme ${scheme}` })
	} else {
		const problem = validateSecret(scheme, secret)
		if (problem && own.secret !== undefined) issues.push({ path: ['signing', 'secret'], message: problem })
		else if (problem) {
			// The secret came from the flow; what made it wrong is this endpoint's scheme.
			issues.push({ path: ['signing', 'scheme'], message: `the flow's signing secret does not fit: ${problem}` })
		}
	}

	let previous: SigningConfig['previous'] = null
	if (own.previous) {
		const problem = validateSecret(scheme, own.previous.secret)
		if (problem) issues.push({ path: ['signing', 'previous', 'secret'], message: problem })
		const until = isoTime.safeParse(own.previous.until)
		if (!until.success) issues.push(...fromZod(until.error.issues, ['signing', 'previous', 'until']))
		else previous = { secret: own.previous.secret, until: until.data }
	}
	return { scheme, secret: secret ?? null, header, encoding, previous }
}

function checkHeaders(ep: EndpointInput, hmacHeader: string | null, issues: ConfigIssue[]): Record<string, HeaderValue> {
	const out: Record<string, HeaderValue> = {}
	const seen = new Set<string>()
	for (const [name, raw] of Object.entries(ep.headers ?? {})) {
		const value = typeof raw === 'string' ? raw : raw.value
		const lower = name.toLowerCase()
		const nameProblem = validateHeader(name, '', hmacHeader)
		const problem = nameProblem ?? validateHeader(name, value, hmacHeader)
		if (seen.has(lower)) {
			issues.push({ path: ['headers', name], message: 'duplicate header (names are case-insensitive)', atKey: true })
		} else if (nameProblem) {
			issues.push({ path: ['headers', name], message: nameProblem, atKey: true })
		} else if (problem) {
			issues.push({ path: typeof raw === 'string' ? ['headers', name] : ['headers', name, 'value'], message: problem })
		}
		seen.add(lower)
		// defineProperty: a header named __proto__ must stay an ordinary key
		Object.defineProperty(out, name, {
			value: { value, sensitive: typeof raw === 'string' ? false : (raw.sensitive ?? false) },
			enumerable: true,
			writable: true,
			configurable: true,
		})
	}
	return out
}

function checkBody(ep: EndpointInput, envelope: EnvelopeSpec | null, issues: ConfigIssue[]): void {
	// the body is serialized on every try: a depth JSON.stringify cannot take would fail them all
	if (valueNestsDeeperThan(ep.body)) {
		issues.push({ path: ['body'], message: `nests more than ${MAX_JSON_DEPTH} levels deep` })
		return
	}
	const keys = Object.keys(ep.body ?? {})
	if (envelope === null || keys.length === 0) return
	const template = envelope.kind === 'template' ? envelope.template : null
	if (envelope.kind === 'template' && (typeof template !== 'object' || template === null || Array.isArray(template))) {
		issues.push({ path: ['body'], message: 'extra body fields need an envelope whose body is a JSON object' })
		return
	}
	const written = new Set(envelopeFieldNames(envelope))
	for (const key of keys) {
		if (written.has(key)) {
			issues.push({
				path: ['body', key],
				message: `the flow's envelope already writes ${key}; body fields add, never override`,
				atKey: true,
			})
		}
	}
}
