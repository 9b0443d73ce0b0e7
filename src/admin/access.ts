// Who may call an admin route, declared on the route itself:
//
//   .get('/:flow', handler, { access: grant('view', 'path'), ... })
//
// An admin token may call every route. A portal token (one flow, a few
// capabilities) may call a route only when the route grants the capability the
// token holds, for the token's own flow, found where the route says:
//   path  — the `:flow` path parameter
//   query — `?flow=`; implied when absent, so lists show only the token's flow
//   body  — the body's `flow`; implied when absent
//   job   — the flow of the job named by `:id` (a missing job goes on to 404)
// `adminOnly` routes refuse portal tokens; `anyToken` routes take any valid one.
//
// This runs in `transform`, before Elysia validates anything and before any
// handler looks up the flow, so a portal token without the right gets 403
// where an admin token would get 404, 409 or 422. A route that declares nothing
// refuses portal tokens (the plugin's before-handle hook).
import { Elysia } from 'elysia'
import { HttpError, notFound } from '../errors'
import { nulInUrl } from '../text'
import { authenticate, bodyProblem, type Principal } from './auth'
import type { AdminDeps } from './deps'
import type { Capability } from './portal/token'
import { invalidRequest } from './validate'

export type FlowFrom = 'path' | 'query' | 'body' | 'job'
export type Access = { kind: 'admin' } | { kind: 'any' } | { kind: 'grant'; need: Capability; flow: FlowFrom }

export const adminOnly: Access = { kind: 'admin' }
export const anyToken: Access = { kind: 'any' }
export const grant = (need: Capability, flow: FlowFrom): Access => ({ kind: 'grant', need, flow })

export const forbidden = (message = 'this token may not do that') => new HttpError(403, 'forbidden', message)

/** Requests whose portal token a route's declaration has let through. */
const granted = new WeakSet<Request>()

/** Who made a change, as operational events say it: a portal link or an admin token. */
export const actor = (request: Request): 'api' | 'portal' => granted.has(request) ? 'portal' : 'api'

interface RouteContext {
	request: Request
	params: Record<string, string | undefined>
	query: Record<string, unknown> | undefined
	body: unknown
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

/** Checks a portal token against a route's declaration; may imply the flow in the query or body. Throws 403. */
export async function authorize(deps: AdminDeps, who: Principal & { kind: 'portal' }, rule: Access, ctx: RouteContext): Promise<void> {
	if (rule.kind === 'admin') throw forbidden('portal tokens may not use this route')
	if (rule.kind === 'grant') {
		if (!who.capabilities.includes(rule.need)) throw forbidden(`this link lacks the ${rule.need} capability`)
		const other = forbidden('this link is for another flow')
		switch (rule.flow) {
			case 'path':
				if (ctx.params.flow !== who.flow) throw other
				break
			case 'query': {
				// Elysia parses the query only for routes that read it; the URL is the truth either way
				const named = new URL(ctx.request.url).searchParams.getAll('flow')
				if (named.some((f) => f !== who.flow) || (ctx.query?.flow !== undefined && ctx.query.flow !== who.flow)) throw other
				if (ctx.query) ctx.query.flow = who.flow
				break
			}
			case 'body':
				if (isObject(ctx.body)) {
					if (ctx.body.flow !== undefined && ctx.body.flow !== who.flow) throw other
					ctx.body.flow = who.flow
				}
				break
			case 'job': {
				const job = ctx.params.id === undefined ? null : await deps.store.getJob(ctx.params.id)
				if (job && job.flow !== who.flow) throw other
				break
			}
		}
	}
	granted.add(ctx.request)
}

/**
 * A NUL in the path or query fails any PostgreSQL statement it reaches, and no
 * row of either store holds one: the path names nothing (404), the filter is
 * refused (422), on both stores alike. Checked before anything is looked up.
 */
function refuseNul(request: Request) {
	const at = nulInUrl(new URL(request.url))
	if (at?.in === 'path') throw notFound()
	if (at?.in === 'query') throw invalidRequest([{ path: [at.name], message: 'must not hold a NUL character' }])
}

/**
 * The base of every admin plugin: authenticates each request (401), gives routes
 * the `access` option, and refuses portal tokens on routes that declare none.
 */
export function adminPlugin<const Prefix extends string = ''>(deps: AdminDeps, name: string, prefix?: Prefix) {
	return new Elysia({ name, prefix: (prefix ?? '') as Prefix })
		.macro({
			access: (rule: Access) => ({
				async transform(ctx: unknown) {
					const c = ctx as RouteContext
					const who = await authenticate(deps, c.request)
					refuseNul(c.request)
					if (who.kind === 'portal') await authorize(deps, who, rule, c)
					const problem = bodyProblem(c.request)
					if (problem) throw problem
				},
				detail: { 'x-portal': portalDoc(rule) } as object,
			}),
		})
		.onTransform(async function adminGuard({ request }) {
			const who = await authenticate(deps, request)
			refuseNul(request)
			// admin tokens: the body's problem now; portal tokens: after the route's check
			if (who.kind === 'admin') {
				const problem = bodyProblem(request)
				if (problem) throw problem
			}
		})
		.onBeforeHandle(async function undeclared({ request }) {
			const who = await authenticate(deps, request)
			if (who.kind === 'portal' && !granted.has(request)) throw forbidden('portal tokens may not use this route')
		})
}

/** What the OpenAPI document says about portal tokens on a route (`x-portal`). */
function portalDoc(rule: Access): Record<string, unknown> {
	if (rule.kind === 'admin') return { allowed: false }
	if (rule.kind === 'any') return { allowed: true }
	return { allowed: true, capability: rule.need, flowFrom: rule.flow }
}
