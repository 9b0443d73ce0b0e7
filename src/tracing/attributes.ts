// What a span may say about an ingest request or an attempt: ids, the HTTP
// semantic-convention attributes and outcome classes. Never a body, a header
// value or a query value (an endpoint's query may carry a key), so nothing
// the producer or the operator sent as a secret reaches the collector.
import type { Attributes } from '@opentelemetry/api'

/** The URL without userinfo and fragment, each query value replaced by REDACTED (names stay: they are the URL's shape). */
export function redactedUrl(raw: string): string | null {
	const u = parse(raw)
	return u ? redacted(u) : null
}

/** server.address and server.port of a URL (the default port when none is written). */
export function serverOf(raw: string): Attributes {
	const u = parse(raw)
	return u ? server(u) : {}
}

function parse(raw: string): URL | null {
	try {
		return new URL(raw)
	} catch {
		return null
	}
}

function redacted(u: URL): string {
	u.username = ''
	u.password = ''
	u.hash = ''
	if (u.search) {
		// by hand: URLSearchParams would re-encode the names it keeps
		const names = u.search.slice(1).split('&').map((pair) => pair.split('=')[0])
		u.search = `?${names.map((n) => `${n}=REDACTED`).join('&')}`
	}
	return u.href
}

function server(u: URL): Attributes {
	const port = u.port ? Number(u.port) : u.protocol === 'https:' ? 443 : u.protocol === 'http:' ? 80 : undefined
	return {
		'server.address': u.hostname.replace(/^\[(.*)\]$/, '$1'),
		...(port !== undefined ? { 'server.port': port } : {}),
	}
}

export interface AttemptIdentity {
	flow: string
	endpoint: string
	eventId: string
	n: number
}

/** Known when a try starts (a sampler may read them); the URL is known once placeholders are filled. */
export function attemptStartAttributes(a: AttemptIdentity): Attributes {
	return {
		'hookgate.flow': a.flow,
		'hookgate.endpoint': a.endpoint,
		'hookgate.event.id': a.eventId,
		'hookgate.attempt': a.n,
		'http.request.method': 'POST',
	}
}

export interface AttemptResult {
	/** the URL as contacted (placeholders filled) */
	url: string
	ok: boolean
	status: number | null
	errorClass: string | null
	connectedIp: string | null
}

/**
 * Known when it ends. error.type follows the HTTP client convention: the
 * status code for an answer that failed the try, else the failure's class
 * (timeout, connect, tls, blocked…), never its message.
 */
export function attemptEndAttributes(r: AttemptResult): Attributes {
	const u = parse(r.url)
	// server first: redacting rewrites the URL object
	const out: Attributes = u ? { ...server(u), 'url.full': redacted(u) } : {}
	if (r.status !== null) out['http.response.status_code'] = r.status
	if (r.connectedIp) out['network.peer.address'] = r.connectedIp
	if (!r.ok) out['error.type'] = r.status !== null && r.errorClass === 'http_status' ? String(r.status) : (r.errorClass ?? '_OTHER')
	return out
}

export const INGEST_ROUTES = {
	single: '/v1/flows/:flow/events',
	batch: '/v1/flows/:flow/events/batch',
} as const

/** The server span's attributes once the answer is known; error.type only for 5xx (a 4xx is the client's). */
export function ingestEndAttributes(status: number): Attributes {
	return {
		'http.response.status_code': status,
		...(status >= 500 ? { 'error.type': String(status) } : {}),
	}
}
