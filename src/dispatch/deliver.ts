import type { EndpointConfig, FlowConfig, StoredEvent } from '../domain'
import { VERSION } from '../domain'
import { buildBody, renderUrl, targetFromPlaceholders, unsendableUrlOf } from '../envelopes'
import { redactHeaders } from '../signing/headers'
import { signingHeaders } from '../signing/sign'
import type { AttemptRecord } from '../store/types'
import type { AttemptSpan, AttemptTracing } from '../tracing/tracing'
import type { AllowList } from './egress'
import { performAttempt, type AttemptOutcome } from './http'
import type { Resolver } from './resolve'

/** How long past its timeout a claimed (or test) job stays in flight before it counts as lost. */
export const LEASE_MARGIN_MS = 60_000

export interface AttemptDeps {
	allow: AllowList
	resolver?: Resolver
	ca?: string | string[]
	now: () => number
	/** null or absent: tracing is off and costs nothing */
	tracing?: AttemptTracing | null
}

export interface AttemptPlan {
	flow: FlowConfig
	endpoint: EndpointConfig
	event: StoredEvent
	/** the run number of this try */
	n: number
	timeoutMs: number
}

/** The headers every delivery carries (and the attempt's traceparent), then the endpoint's own, then the signature. */
export function requestHeaders(plan: AttemptPlan, body: string, now: number, traceparent: string | null = null): Record<string, string> {
	const headers: Record<string, string> = {
		'content-type': 'application/json',
		'user-agent': `hookgate/${VERSION}`,
		'webhook-id': plan.event.id,
	}
	if (traceparent !== null) headers.traceparent = traceparent
	for (const [name, h] of Object.entries(plan.endpoint.headers)) headers[name] = h.value
	const signed = signingHeaders({ signing: plan.endpoint.signing, eventId: plan.event.id, body, now })
	// Svix applications: the same Standard Webhooks values under svix-* names
	if (plan.flow.signatureHeaders === 'svix') {
		for (const part of ['timestamp', 'signature']) {
			const v = signed[`webhook-${part}`]
			if (v === undefined) continue
			delete signed[`webhook-${part}`]
			signed[`svix-${part}`] = v
		}
		if (signed['svix-signature'] !== undefined) signed['svix-id'] = plan.event.id
	}
	Object.assign(headers, signed)
	return headers
}

// Per endpoint object: a reload or an API change makes a new one.
const sensitiveOf = new WeakMap<EndpointConfig, Set<string>>()
function sensitiveNames(e: EndpointConfig): Set<string> {
	let names = sensitiveOf.get(e)
	if (!names) {
		names = new Set(Object.entries(e.headers).filter(([, h]) => h.sensitive).map(([n]) => n.toLowerCase()))
		sensitiveOf.set(e, names)
	}
	return names
}

// Per endpoint object, as above: whether event values can pick the target
// (only an endpoint stored before such URLs were refused).
const targetFromData = new WeakMap<EndpointConfig, boolean>()
function dataPicksTarget(e: EndpointConfig): boolean {
	let yes = targetFromData.get(e)
	if (yes === undefined) {
		yes = targetFromPlaceholders(e.url)
		targetFromData.set(e, yes)
	}
	return yes
}

/** The URL as it goes out: dot segments resolved, no fragment. */
function contactedUrl(url: string): string {
	try {
		const u = new URL(url)
		u.hash = ''
		return u.href
	} catch {
		return url
	}
}

const failed = (cls: AttemptOutcome['error'] & {}, more: Partial<AttemptOutcome> = {}): AttemptOutcome => ({
	ok: false, status: null, responseHeaders: {}, responseBody: '', responseTruncated: false, durationMs: 0,
	error: cls, retryAfterMs: null, connectedIp: null, ...more,
})

/** Shapes, signs and sends one try; never throws: a failure is an outcome. */
export async function attemptDelivery(deps: AttemptDeps, plan: AttemptPlan): Promise<{ record: AttemptRecord; outcome: AttemptOutcome }> {
	if (!deps.tracing) return attemptOnce(deps, plan, null)
	// a tracing fault must not fail or hold up the try: without a span it goes out all the same
	let span: AttemptSpan | null = null
	try {
		span = deps.tracing.startAttempt({ flow: plan.flow.id, endpoint: plan.endpoint.id, eventId: plan.event.id, n: plan.n }, plan.event.traceContext)
	} catch {}
	const done = await attemptOnce(deps, plan, span?.traceparent ?? null)
	const { record, outcome } = done
	try {
		span?.end({ url: record.url, ok: outcome.ok, status: outcome.status, errorClass: outcome.error?.class ?? null, connectedIp: outcome.connectedIp })
	} catch {}
	return done
}

async function attemptOnce(deps: AttemptDeps, plan: AttemptPlan, traceparent: string | null): Promise<{ record: AttemptRecord; outcome: AttemptOutcome }> {
	const startedAt = deps.now()
	let body = ''
	let url = plan.endpoint.url
	let headers: Record<string, string> = {}
	let outcome: AttemptOutcome
	try {
		const input = { flow: plan.flow, endpoint: plan.endpoint, event: plan.event, attempt: plan.n }
		try {
			body = buildBody(input)
		} catch (err) {
			// data stored before depth was bounded: JSON.stringify cannot write it, now or on any retry
			if (err instanceof RangeError) return recorded(plan, startedAt, url, {}, '', failed({ class: 'internal', message: `the event cannot be written as JSON: ${err.message}` }, { producerFault: true }))
			throw err
		}
		const unsendable = unsendableUrlOf(input)
		if (unsendable) {
			outcome = failed({ class: 'internal', message: `the event cannot be sent to this endpoint: ${unsendable.message}` }, { producerFault: true })
		} else {
			url = contactedUrl(renderUrl(input))
			headers = requestHeaders(plan, body, startedAt, traceparent)
			outcome = await performAttempt({ url, headers, body, timeoutMs: plan.timeoutMs, allow: deps.allow, resolver: deps.resolver, ca: deps.ca })
			if (outcome.error?.class === 'blocked' && dataPicksTarget(plan.endpoint)) outcome = { ...outcome, producerFault: true }
		}
	} catch (err) {
		outcome = failed({ class: 'internal', message: err instanceof Error ? err.message : String(err) })
	}
	return recorded(plan, startedAt, url, headers, body, outcome)
}

function recorded(plan: AttemptPlan, startedAt: number, url: string, headers: Record<string, string>, body: string, outcome: AttemptOutcome) {
	const sensitive = sensitiveNames(plan.endpoint)
	const record: AttemptRecord = {
		n: plan.n,
		startedAt,
		url,
		requestHeaders: redactHeaders(headers, (name) => sensitive.has(name.toLowerCase())),
		requestBody: body,
		status: outcome.status,
		responseHeaders: outcome.responseHeaders,
		responseBody: outcome.responseBody,
		responseTruncated: outcome.responseTruncated,
		durationMs: outcome.durationMs,
		error: outcome.error,
	}
	return { record, outcome }
}
