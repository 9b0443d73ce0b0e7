// Custom endpoint headers: which are refused, and which are shown redacted.

export const RESERVED_HEADERS: readonly string[] = [
	'host', 'content-length', 'transfer-encoding', 'connection', 'content-type', 'user-agent',
	'webhook-id', 'webhook-timestamp', 'webhook-signature',
]

// RFC 7230 token
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
const HEADER_VALUE = /^[\x20-\x7e\t]*$/
/** Bytes; the value is ASCII, so characters. */
export const MAX_HEADER_VALUE = 8 * 1024
const SENSITIVE_PARTS = ['authorization', 'cookie', 'key', 'token', 'secret']

/** Why a custom header is refused, or null. Messages name the header, never the value. */
export function validateHeader(name: string, value: string, hmacHeader: string | null): string | null {
	if (!TOKEN.test(name)) return 'a header name must be an HTTP token (letters, digits and !#$%&\'*+-.^_`|~)'
	const lower = name.toLowerCase()
	if (RESERVED_HEADERS.includes(lower)) return `header ${name} is set by hookgate and cannot be overridden`
	if (hmacHeader !== null && lower === hmacHeader.toLowerCase()) {
		return `header ${name} carries the endpoint's signature and cannot be overridden`
	}
	// Anything else is refused by fetch (CR, LF, NUL) or sent differently by each
	// client (non-ASCII), so every try would fail: refuse it where it is configured.
	if (!HEADER_VALUE.test(value)) return `the value of header ${name} must be visible ASCII, spaces and tabs (no CR, LF, NUL, control or non-ASCII characters)`
	if (value.length > MAX_HEADER_VALUE) return `the value of header ${name} must be at most 8 KB`
	return null
}

export function isSensitiveHeader(name: string, marked: boolean): boolean {
	if (marked) return true
	const lower = name.toLowerCase()
	return SENSITIVE_PARTS.some((part) => lower.includes(part))
}

/** `…` and the last 4 characters; a value of 4 characters or fewer shows nothing. */
export function redactHeaderValue(value: string): string {
	return `…${value.length > 4 ? value.slice(-4) : ''}`
}

/**
 * A copy for storing and showing. Names that look sensitive are always
 * redacted; `sensitive` adds the ones marked in config (a set is matched
 * case-insensitively).
 */
export function redactHeaders(
	headers: Record<string, string>,
	sensitive: Set<string> | ((name: string) => boolean),
): Record<string, string> {
	const marked = typeof sensitive === 'function'
		? sensitive
		: (name: string) => sensitive.has(name) || [...sensitive].some((s) => s.toLowerCase() === name.toLowerCase())
	const out: Record<string, string> = {}
	for (const [name, value] of Object.entries(headers)) {
		const v = isSensitiveHeader(name, marked(name)) ? redactHeaderValue(value) : value
		Object.defineProperty(out, name, { value: v, enumerable: true, writable: true, configurable: true })
	}
	return out
}
