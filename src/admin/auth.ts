// The admin surface's bearer check and body reading. The token is checked
// before anything of the request is looked at: Elysia parses bodies before
// `transform` hooks run and would turn a throw into a 400, so the parser only
// reads bodies of authorized requests and notes problems, and the transform
// hook (which runs before any validation) answers 401 or the noted problem.
import { bearer, tokenMatches } from '../auth'
import type { Catalog } from '../catalog'
import { HttpError, unauthorized } from '../errors'
import { MAX_JSON_DEPTH, parseJsonBounded } from '../json'
import { invalidRequest } from './validate'

/** Far above any endpoint or replay body, and below the cap at which Bun answers a bare 413 itself. */
const MAX_BODY_BYTES = 512 * 1024

const problems = new WeakMap<Request, HttpError>()

export function isAdmin(catalog: Catalog, request: Request): boolean {
	return tokenMatches(bearer(request.headers.get('authorization')), catalog.config.admin.tokens)
}

/** A `transform` hook for every admin route: 401, then what the body parser noted. */
export function adminGuard(catalog: Catalog) {
	return function adminGuard({ request }: { request: Request }) {
		if (!isAdmin(catalog, request)) throw unauthorized()
		const problem = problems.get(request)
		if (problem) throw problem
	}
}

/**
 * A body parser: JSON whatever the content-type says. `optional` routes (the
 * actions) take an empty body as `{}`. Use as `parse: [parser, 'json']`: the
 * 'json' entry never runs, it tells the OpenAPI document the media type.
 */
export function adminBody(catalog: Catalog, optional: boolean) {
	return async function adminBody({ request }: { request: Request }): Promise<unknown> {
		if (!isAdmin(catalog, request)) return {}
		const bytes = await request.arrayBuffer()
		if (bytes.byteLength > MAX_BODY_BYTES) {
			problems.set(request, new HttpError(413, 'body_too_large', `body is larger than ${MAX_BODY_BYTES} bytes`))
			return {}
		}
		const text = new TextDecoder().decode(bytes)
		if (text.trim() === '' && optional) return {}
		const parsed = parseJsonBounded(text)
		if (parsed.ok) return parsed.value
		problems.set(request, parsed.reason === 'too_deep'
			? invalidRequest([{ path: [], message: `body nests more than ${MAX_JSON_DEPTH} levels deep` }])
			: new HttpError(400, 'malformed_json', text.trim() === '' ? 'body is empty; send a JSON object' : 'body is not valid JSON'))
		return {}
	}
}
