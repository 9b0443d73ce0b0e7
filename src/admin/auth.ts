// The admin surface's bearer check and body reading. The token is checked
// before anything of the request is looked at: Elysia parses bodies before
// `transform` hooks run and would turn a throw into a 400, so the parser only
// reads bodies of authenticated requests and notes problems, and the transform
// hooks (which run before any validation) answer 401, then 403 (access.ts),
// then the noted problem.
import { bearer, tokenMatches } from '../auth'
import { HttpError, unauthorized } from '../errors'
import { MAX_JSON_DEPTH, parseJsonBounded } from '../json'
import type { AdminDeps } from './deps'
import { verifyPortalToken } from './portal/links'
import type { PortalClaims } from './portal/token'
import { invalidRequest } from './validate'

/** Far above any endpoint or replay body, and below the cap at which Bun answers a bare 413 itself. */
const MAX_BODY_BYTES = 512 * 1024

export type Principal = { kind: 'admin' } | ({ kind: 'portal' } & PortalClaims)

const problems = new WeakMap<Request, HttpError>()
// One check per request, shared by the body parser and the hooks. Resolved
// values only (an HttpError stands for a refusal): no promise is left rejected.
const principals = new WeakMap<Request, Promise<Principal | HttpError>>()

async function identify(deps: AdminDeps, request: Request): Promise<Principal | HttpError> {
	const token = bearer(request.headers.get('authorization'))
	if (tokenMatches(token, deps.catalog.config.admin.tokens)) return { kind: 'admin' }
	if (!token) return unauthorized()
	try {
		return await verifyPortalToken(deps, token)
	} catch (e) {
		if (e instanceof HttpError) return e
		throw e
	}
}

/** The caller of an admin request, or throws 401 (`unauthorized` or `token_expired`). */
export async function authenticate(deps: AdminDeps, request: Request): Promise<Principal> {
	let p = principals.get(request)
	if (!p) {
		p = identify(deps, request)
		principals.set(request, p)
	}
	const who = await p
	if (who instanceof HttpError) throw who
	return who
}

/** What the body parser found wrong with an authenticated request's body, answered after the access check. */
export function bodyProblem(request: Request): HttpError | undefined {
	return problems.get(request)
}

/**
 * A body parser: JSON whatever the content-type says. `optional` routes (the
 * actions) take an empty body as `{}`. Use as `parse: [parser, 'json']`: the
 * 'json' entry never runs, it tells the OpenAPI document the media type.
 */
export function adminBody(deps: AdminDeps, optional: boolean) {
	return async function adminBody({ request }: { request: Request }): Promise<unknown> {
		try {
			await authenticate(deps, request)
		} catch {
			return {}
		}
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
