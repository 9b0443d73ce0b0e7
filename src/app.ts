import { Elysia } from 'elysia'
import { HttpError } from './errors'

export interface AppLogger {
	error(obj: Record<string, unknown>, msg: string): void
}

/** Maps Elysia's own validation issues to a field path without ever echoing the value. */
function validationError(error: unknown): HttpError {
	const e = error as { all?: Array<{ path?: string | Array<PropertyKey>; message?: string; summary?: string }>; type?: string }
	const first = e.all?.[0]
	let path = ''
	if (first?.path !== undefined) {
		path = Array.isArray(first.path) ? first.path.map(String).join('.') : String(first.path).replace(/^\//, '').replaceAll('/', '.')
	}
	const where = [e.type, path].filter(Boolean).join('.')
	return new HttpError(422, 'invalid_request', `${where || 'request'}: is not valid`, { path: where || null })
}

// One error vocabulary for every plugin: {error: {code, message}}.
export function errorHandling(log: AppLogger, explain?: (err: unknown) => HttpError | null) {
	return new Elysia({ name: 'errors' }).onError({ as: 'global' }, ({ code, error }) => {
		if (error instanceof HttpError) return error.toResponse()
		if (code === 'NOT_FOUND') return new HttpError(404, 'not_found', 'no such route').toResponse()
		if (code === 'PARSE') return new HttpError(400, 'malformed_json', 'body is not valid JSON').toResponse()
		if (code === 'VALIDATION') return validationError(error).toResponse()
		log.error({ err: error instanceof Error ? { message: error.message, stack: error.stack } : String(error) }, 'unhandled error')
		return (explain?.(error) ?? new HttpError(500, 'internal', 'internal error')).toResponse()
	})
}

export interface AppParts {
	log: AppLogger
	plugins: Array<Elysia<any, any, any, any, any, any, any>>
	/** a better 5xx for an unexpected error, e.g. a damaged database */
	explain?: (err: unknown) => HttpError | null
}

/** Composes the HTTP surface; no listen, no timers: tests call app.handle(). */
export function createApp(parts: AppParts) {
	let app = new Elysia().use(errorHandling(parts.log, parts.explain))
	for (const p of parts.plugins) app = app.use(p) as typeof app
	return app
}
