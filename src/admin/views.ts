// Domain records → the JSON shapes of model/. Secrets leave here redacted;
// only the create and rotate answers add a secret, and they do it themselves.
import type { Catalog } from '../catalog'
import { formatDuration } from '../config/duration'
import type { EndpointConfig, FlowConfig, Route, StoredEvent } from '../domain'
import { routeFor } from '../envelopes'
import { isSensitiveHeader, redactHeaderValue } from '../signing/headers'
import { redactSecret } from '../signing/secret'
import type { JobRecord } from '../store/records'
import type { AttemptRecord } from '../store/types'

export const iso = (ms: number) => new Date(ms).toISOString()
const isoOrNull = (ms: number | null) => (ms === null ? null : iso(ms))

export function isPlatformAction(flow: FlowConfig | undefined): boolean {
	return flow?.envelope.kind === 'builtin' && flow.envelope.name === 'platform-action'
}

export function endpointView(catalog: Catalog, flow: string, e: EndpointConfig) {
	const { scheme, secret, header, encoding, previous } = e.signing
	const hmac = scheme === 'hmac-sha256'
	const headers = Object.entries(e.headers)
	return {
		id: e.id,
		flow,
		url: e.url,
		events: e.events,
		signing: {
			scheme,
			secret: secret === null ? null : redactSecret(secret),
			header: hmac ? header : null,
			encoding: hmac ? encoding : null,
			previous: previous ? { secret: redactSecret(previous.secret), until: iso(previous.until) } : null,
		},
		headers: headers.length === 0 ? null : Object.fromEntries(headers.map(([name, h]) => [
			name,
			h.sensitive ? { value: redactHeaderValue(h.value), sensitive: true as const }
				: isSensitiveHeader(name, false) ? redactHeaderValue(h.value) : h.value,
		])),
		body: Object.keys(e.body).length === 0 ? null : e.body,
		timeout: e.timeoutMs === null ? null : formatDuration(e.timeoutMs),
		retrySchedule: e.retryScheduleMs?.map(formatDuration) ?? null,
		concurrency: e.concurrency,
		rateLimit: e.rateLimit,
		enabled: catalog.isEnabled(flow, e),
		managedBy: e.managedBy,
		health: catalog.health(flow, e),
		disabledReason: catalog.disabledReason(flow, e),
		createdAt: isoOrNull(e.createdAt),
	}
}

export function flowSigningView(flow: FlowConfig) {
	const s = flow.signing
	return {
		scheme: s.scheme ?? null,
		secret: s.secret ? redactSecret(s.secret) : null,
		header: s.header ?? null,
		encoding: s.encoding ?? null,
	}
}

/** 1 + the job's retry schedule as the catalog has it now; a test job is never retried. */
export function maxAttempts(catalog: Catalog, job: JobRecord): number {
	if (job.test) return 1
	const view = catalog.flow(job.flow)
	return 1 + catalog.retrySchedule(view?.flow, catalog.endpoint(job.flow, job.endpoint)).length
}

export function jobView(catalog: Catalog, job: JobRecord, route: Route | null) {
	return {
		id: job.id,
		flow: job.flow,
		endpoint: job.endpoint,
		eventId: job.eventId,
		eventType: job.eventType,
		sessionId: job.sessionId,
		route,
		test: job.test,
		status: job.status,
		attemptCount: job.attemptCount,
		maxAttempts: maxAttempts(catalog, job),
		nextAttemptAt: job.status === 'pending' ? iso(job.nextAttemptAt) : null,
		lastStatus: job.lastStatus,
		lastError: job.lastError,
		lastDurationMs: job.lastDurationMs,
		createdAt: iso(job.createdAt),
		updatedAt: iso(job.updatedAt),
	}
}

export function eventView(catalog: Catalog, e: StoredEvent) {
	return {
		id: e.id,
		flow: e.flow,
		type: e.type,
		sessionId: e.sessionId,
		occurredAt: iso(e.occurredAt),
		success: e.success,
		data: e.data,
		metadata: e.metadata,
		acceptedAt: iso(e.acceptedAt),
		route: isPlatformAction(catalog.flow(e.flow)?.flow) ? routeFor(e.type, e.data) : null,
	}
}

export function attemptView(a: AttemptRecord) {
	return {
		n: a.n,
		startedAt: iso(a.startedAt),
		url: a.url,
		requestHeaders: a.requestHeaders,
		requestBody: a.requestBody,
		status: a.status,
		responseHeaders: a.responseHeaders,
		responseBody: a.responseBody,
		responseTruncated: a.responseTruncated,
		durationMs: a.durationMs,
		error: a.error,
	}
}
