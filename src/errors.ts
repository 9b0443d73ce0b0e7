// One error vocabulary for every surface: {error: {code, message, ...extra}}.
// Messages name fields and types, never submitted values, tokens or secrets.

export class HttpError extends Error {
	constructor(
		readonly status: number,
		readonly code: string,
		message: string,
		readonly extra: Record<string, unknown> = {},
		readonly headers: Record<string, string> = {},
	) {
		super(message)
	}

	body() {
		return { error: { code: this.code, message: this.message, ...this.extra } }
	}

	toResponse() {
		return new Response(JSON.stringify(this.body()), {
			status: this.status,
			headers: { 'content-type': 'application/json', ...this.headers },
		})
	}
}

export const notFound = (what = 'resource') => new HttpError(404, 'not_found', `${what} not found`)
export const unauthorized = () => new HttpError(401, 'unauthorized', 'missing or invalid bearer token')
export const unavailable = (message: string, retryAfter = 5) =>
	new HttpError(503, 'unavailable', message, { retryAfter }, { 'retry-after': String(retryAfter) })

/** A zod-style issue path as `a.b[0].c`. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
	let out = ''
	for (const p of path) {
		if (typeof p === 'number') out += `[${p}]`
		else out += out === '' ? String(p) : `.${String(p)}`
	}
	return out
}
