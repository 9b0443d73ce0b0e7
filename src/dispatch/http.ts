// One HTTP try of a delivery: resolve, check every address, connect to a
// checked address (never to the name again), one deadline for everything,
// no redirects, at most 16 KiB of the answer kept.
import { isIP } from 'node:net'
import type { AttemptErrorClass } from '../domain'
import { type AllowList, checkHostName, classifyAddress, isAllowed, normalizeHost } from './egress'
import { type Resolver, systemResolver } from './resolve'
import { parseRetryAfter } from './retry'

/** bytes of a response body kept for the viewer; the rest is never read */
export const RESPONSE_BODY_LIMIT = 16384

export interface AttemptInput {
	url: string
	headers: Record<string, string>
	body: string
	/** one deadline for lookup, connect, headers and body */
	timeoutMs: number
	allow: AllowList
	resolver?: Resolver
	/** called with each address just before connecting to it (a test spy) */
	connect?: (ip: string) => void
	/** extra trusted CA certificates (PEM) instead of the system store: tests, private PKI */
	ca?: string | string[]
}

export interface AttemptOutcome {
	ok: boolean
	status: number | null
	responseHeaders: Record<string, string>
	responseBody: string
	responseTruncated: boolean
	durationMs: number
	error: { class: AttemptErrorClass; message: string } | null
	retryAfterMs: number | null
	/** the address the request went (or tried to go) to; null when refused before connecting */
	connectedIp: string | null
	/** the try failed because of the event's values, not the endpoint: the job fails, the endpoint's health is untouched */
	producerFault?: boolean
}

type Draft = Omit<AttemptOutcome, 'durationMs'>
const EMPTY: Draft = {
	ok: false, status: null, responseHeaders: {}, responseBody: '', responseTruncated: false,
	error: null, retryAfterMs: null, connectedIp: null,
}
const failure = (cls: AttemptErrorClass, message: string, more: Draft | {} = {}): Draft =>
	({ ...EMPTY, ...more, error: { class: cls, message } })

export async function performAttempt(input: AttemptInput): Promise<AttemptOutcome> {
	const started = performance.now()
	// One deadline aborts fetch and every later body read alike (ARCHITECTURE.md).
	// Not AbortSignal.timeout: its timer cannot be cleared, so each finished
	// attempt's signal, and what fetch hung on it, stayed alive for the whole
	// timeout (10 s × thousands of attempts a second while draining).
	const deadline = new AbortController()
	const timer = setTimeout(() => deadline.abort(new DOMException('The operation timed out.', 'TimeoutError')), input.timeoutMs)
	try {
		const outcome = await attempt(input, deadline.signal).catch((e) => failure('internal', describe(e)))
		return { ...outcome, durationMs: Math.round(performance.now() - started) }
	} finally {
		clearTimeout(timer)
	}
}

async function attempt(input: AttemptInput, signal: AbortSignal): Promise<Draft> {
	let url: URL
	try {
		url = new URL(input.url)
	} catch {
		return failure('internal', 'not a valid URL')
	}
	if (url.protocol !== 'http:' && url.protocol !== 'https:') return failure('blocked', `scheme ${url.protocol} is not allowed`)
	const named = checkHostName(url.hostname, input.allow)
	if (named.blocked) return failure('blocked', `${url.hostname} refused: ${named.range}`)

	let addresses: string[]
	try {
		addresses = [...new Set(await untilAborted((input.resolver ?? systemResolver)(url.hostname), signal))]
	} catch (e) {
		return failure(signal.aborted ? 'timeout' : 'dns', `lookup of ${url.hostname} failed: ${describe(e)}`)
	}
	if (addresses.length === 0) return failure('dns', `no address for ${url.hostname}`)
	// fail closed: one bad address refuses the whole name (a rebinding name mixes them)
	for (const ip of addresses) {
		if (!isAllowed(ip, input.allow)) return failure('blocked', `${url.hostname} → ${ip} refused: ${classifyAddress(ip).range}`)
	}

	let last: Draft = failure('connect', 'no address tried')
	for (const ip of addresses) {
		last = await send(input, url, ip, signal)
		// only a refused connection sent nothing, so only then is the next address safe to try
		if (last.error?.class !== 'connect' || signal.aborted) return last
	}
	return last
}

async function send(input: AttemptInput, url: URL, ip: string, signal: AbortSignal): Promise<Draft> {
	const connectedIp = ip
	let response: Response
	try {
		input.connect?.(ip)
		const headers = new Headers(input.headers)
		// the receiver must see its own name although we dial the address
		headers.set('host', url.host)
		const name = normalizeHost(url.hostname)
		response = await fetch(pinnedUrl(url, ip), {
			method: 'POST',
			headers,
			body: input.body,
			redirect: 'manual',
			signal,
			// an env proxy would route around the guard: Bun ≥ 1.4 honours `false` ("connect directly")
			proxy: false,
			// the certificate is checked against the name (and SNI sent for it), not the IP we dial
			tls: url.protocol === 'https:'
				? { ...(isIP(name) ? {} : { serverName: name }), ...(input.ca ? { ca: input.ca } : {}) }
				: undefined,
		})
	} catch (e) {
		return failure(errorClass(e, signal), describe(e), { ...EMPTY, connectedIp })
	}

	const status = response.status
	// a Map, then fromEntries: a header named `__proto__` or `constructor` stays a plain entry
	const joined = new Map<string, string>()
	response.headers.forEach((value, key) => {
		const before = joined.get(key)
		joined.set(key, before === undefined ? value : `${before}, ${value}`)
	})
	const responseHeaders: Record<string, string> = Object.fromEntries(joined)
	const retryAfterMs = status === 429 || status === 503
		? parseRetryAfter(response.headers.get('retry-after'), Date.now())
		: null
	const got: Draft = { ...EMPTY, status, responseHeaders, retryAfterMs, connectedIp }
	try {
		const body = await readCapped(response.body, RESPONSE_BODY_LIMIT)
		got.responseBody = body.text
		got.responseTruncated = body.truncated
	} catch (e) {
		// a 2xx whose body misses the deadline is still a failed attempt: the timeout covers the body
		return failure(errorClass(e, signal), describe(e), got)
	}
	if (status >= 200 && status < 300) return { ...got, ok: true }
	if (status >= 300 && status < 400) {
		const location = response.headers.get('location')
		return failure('redirect', `HTTP ${status}, not followed${location ? ` (to ${location})` : ''}`, got)
	}
	return failure('http_status', `HTTP ${status}`, got)
}

/**
 * The URL with its host replaced by the checked address, so fetch does no
 * lookup of its own. Userinfo is left out on purpose: credentials belong in a
 * sensitive custom header, not in a URL that fetch would turn into Basic auth.
 */
function pinnedUrl(url: URL, ip: string): string {
	const host = isIP(ip) === 6 ? `[${ip}]` : ip
	return `${url.protocol}//${host}${url.port ? `:${url.port}` : ''}${url.pathname}${url.search}`
}

/** Reads at most `limit` bytes, then cancels the stream so the rest is never buffered. */
async function readCapped(body: ReadableStream<Uint8Array> | null, limit: number) {
	if (body === null) return { text: '', truncated: false }
	const reader = body.getReader()
	// the chunks as they come, not a buffer of `limit` bytes per attempt: most bodies are a few bytes
	const kept: Uint8Array[] = []
	let size = 0
	let truncated = false
	let finished = false
	try {
		while (!truncated) {
			const chunk = await reader.read()
			if (chunk.done) {
				finished = true
				break
			}
			const room = limit - size
			kept.push(chunk.value.byteLength > room ? chunk.value.subarray(0, room) : chunk.value)
			size += Math.min(room, chunk.value.byteLength)
			truncated = chunk.value.byteLength > room
		}
	} finally {
		if (!finished) await reader.cancel().catch(() => {})
	}
	const bytes = kept.length === 1 ? kept[0] : Buffer.concat(kept, size)
	// Bytes that are not text show as U+FFFD, a NUL among them: PostgreSQL
	// cannot keep a NUL in text, and the attempt must record alike on both stores.
	return { text: new TextDecoder().decode(bytes).replaceAll('\u0000', '\ufffd'), truncated }
}

function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
	// a lookup cannot be cancelled, but the attempt need not wait for it
	return new Promise<T>((resolve, reject) => {
		if (signal.aborted) return reject(signal.reason)
		const stop = () => reject(signal.reason)
		signal.addEventListener('abort', stop, { once: true })
		work.then(resolve, reject).finally(() => signal.removeEventListener('abort', stop))
	})
}

// Bun 1.4 names (measured on loopback): refused → ECONNREFUSED (older Buns:
// ConnectionRefused); peer closed or reset → ECONNRESET; not HTTP →
// Malformed_HTTP_Response; handshake with a non-TLS peer → EPROTO; certificate
// problems → OpenSSL names (DEPTH_ZERO_SELF_SIGNED_CERT, ERR_TLS_CERT_ALTNAME_INVALID…);
// the deadline → DOMException TimeoutError.
const CONNECT = new Set(['ECONNREFUSED', 'ConnectionRefused', 'EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN',
	'ENETDOWN', 'EADDRNOTAVAIL', 'ETIMEDOUT', 'FailedToOpenSocket', 'ConnectionTimedOut'])
const NETWORK = new Set(['ECONNRESET', 'ConnectionClosed', 'EPIPE', 'ECONNABORTED', 'UnexpectedEOF'])
const TLS = /^(EPROTO|ERR_TLS_.*|ERR_SSL_.*|.*CERT.*|.*SELF_SIGNED.*|UNABLE_TO_.*|.*TLS.*|.*SSL.*)$/
const DNS = new Set(['ENOTFOUND', 'EAI_AGAIN', 'DNSLookupFailed', 'DNSResolveFailed'])

function errorClass(e: unknown, signal: AbortSignal): AttemptErrorClass {
	const err = e as { name?: string; code?: unknown; cause?: { code?: unknown } } | null
	if (signal.aborted || err?.name === 'TimeoutError' || err?.name === 'AbortError') return 'timeout'
	const code = String(err?.code ?? err?.cause?.code ?? '')
	if (CONNECT.has(code)) return 'connect'
	if (NETWORK.has(code) || /HTTP|Response|Header|Chunk/i.test(code)) return 'network'
	if (TLS.test(code)) return 'tls'
	if (DNS.has(code)) return 'dns'
	return 'internal'
}

function describe(e: unknown): string {
	const err = e as { code?: unknown; message?: unknown } | null
	const message = String(err?.message ?? e).replace(/\. For more information, pass `verbose: true`.*$/, '')
	return err?.code && !message.includes(String(err.code)) ? `${err.code}: ${message}` : message
}
