// The Svix-compatible surface under /api/v1: one Elysia route that reads the
// request itself (auth, body, idempotency) and routes by method and path, so
// every answer, errors included, is Svix's JSON and never Elysia's own.
import { createHash, timingSafeEqual } from 'node:crypto'
import { Elysia } from 'elysia'
import type { z } from 'zod'
import type { Catalog } from '../catalog'
import { parseJsonBounded } from '../json'
import { nulInUrl } from '../text'
import { IDEMPOTENCY_TTL_MS, IdempotencyTaken, type SvixIdempotentAnswer } from '../store/svix-types'
import { authFailed, fromZod, invalid, notFound, notImplemented, SvixError } from './errors'
import type { SvixStore } from './store'

export interface SvixDeps {
	store: SvixStore
	catalog: Catalog
	now: () => number
	maxBodyBytes: () => number
	/** jobs changed outside ingest (resend): the dispatcher looks again */
	notify: () => void
	log: { error(o: object, m: string): void }
}

export interface Ctx {
	deps: SvixDeps
	params: Record<string, string>
	query: URLSearchParams
	/** the parsed JSON body; undefined when none was sent */
	body: unknown
	/** what a write stores beside its effect so a retry with the same idempotency key gets this answer */
	answer(status: number, body: unknown): SvixIdempotentAnswer | null
}

export interface Answer {
	status: number
	body?: unknown
}

export interface Route {
	method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
	/** segments after /api/v1/, `:name` for a parameter */
	path: string
	handler: (ctx: Ctx) => Promise<Answer>
}

const IDEMPOTENCY_WAIT_MS = 5000
/** requests of this process by idempotency key, while they run: a second one waits for the first */
const running = new Map<string, Promise<unknown>>()

/** Body validation: 422 with loc ["body", ...]. */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
	if (body === undefined) throw invalid(['body'], 'a JSON body is required')
	const r = schema.safeParse(body)
	if (!r.success) throw fromZod('body', r.error.issues)
	return r.data
}

// Operations of the SDK that hookgate does not offer: 501, not 404.
const UNOFFERED = [
	/^auth(\/|$)/, /^stats(\/|$)/, /^environment(\/|$)/, /^transformation-template(\/|$)/, /^operational-webhook(\/|$)/,
	/^stream(\/|$)/, /^connector(\/|$)/, /^ingest(\/|$)/, /^integration(\/|$)/, /^event-type\/import(\/|$)/,
	/^app\/[^/]+\/integration(\/|$)/, /^app\/[^/]+\/msg\/precheck/, /^app\/[^/]+\/msg\/[^/]+\/content$/, /^app\/[^/]+\/msg\/expunge-all-contents$/,
	/^app\/[^/]+\/endpoint\/[^/]+\/(replay-missing|bulk-replay|transformation)(\/|$)/,
	/^app\/[^/]+\/msg\/[^/]+\/endpoint\/[^/]+$/, /^app\/[^/]+\/msg\/[^/]+\/raw$/, /^app\/[^/]+\/stats(\/|$)/,
]

const json = (status: number, body: unknown) => new Response(status === 204 ? null : JSON.stringify(body), {
	status, headers: status === 204 ? {} : { 'content-type': 'application/json' },
})

function tokenOk(given: string, tokens: string[]): boolean {
	const g = createHash('sha256').update(given).digest()
	let ok = false
	for (const t of tokens) if (timingSafeEqual(g, createHash('sha256').update(t).digest())) ok = true
	return ok
}

function match(routes: Route[], method: string, segs: string[]): { route: Route; params: Record<string, string> } | 'method' | null {
	let pathMatched = false
	for (const route of routes) {
		const parts = route.path.split('/')
		if (parts.length !== segs.length) continue
		const params: Record<string, string> = {}
		if (!parts.every((p, i) => (p.startsWith(':') ? ((params[p.slice(1)] = segs[i]), true) : p === segs[i]))) continue
		pathMatched = true
		if (route.method === method) return { route, params }
	}
	return pathMatched ? 'method' : null
}

async function readBody(request: Request, max: number): Promise<unknown> {
	const text = await request.text()
	if (text.length === 0) return undefined
	if (Buffer.byteLength(text) > max) throw new SvixError(413, 'payload_too_large', 'The request body is too large')
	const parsed = parseJsonBounded(text)
	if (!parsed.ok) throw invalid(['body'], parsed.reason === 'too_deep' ? 'nests too deep' : 'Invalid JSON', 'value_error.jsondecode')
	return parsed.value
}

export async function handle(deps: SvixDeps, routes: Route[], request: Request): Promise<Response> {
	try {
		const url = new URL(request.url)
		const rest = url.pathname.replace(/^\/api\/v1\/?/, '').replace(/\/$/, '')
		const method = request.method === 'HEAD' ? 'GET' : request.method
		if (rest === 'health' || rest === 'health/ping') {
			if (method !== 'GET') throw new SvixError(405, 'method_not_allowed', 'Method not allowed')
			return json(204, null)
		}
		const auth = request.headers.get('authorization') ?? ''
		const token = /^Bearer (.+)$/i.exec(auth)?.[1] ?? ''
		if (!token || !tokenOk(token, deps.catalog.config.svix.tokens)) throw authFailed()
		let segs: string[]
		try {
			segs = rest === '' ? [] : rest.split('/').map(decodeURIComponent)
		} catch {
			throw notFound()
		}
		const found = match(routes, method, segs)
		if (found === null || found === 'method') {
			if (UNOFFERED.some((r) => r.test(rest))) throw notImplemented()
			throw found === 'method' ? new SvixError(405, 'method_not_allowed', 'Method not allowed') : notFound()
		}
		// no row holds a NUL, and PostgreSQL fails any statement given one: refused before any lookup
		const nul = nulInUrl(url)
		if (nul?.in === 'path') throw notFound()
		if (nul?.in === 'query') throw invalid(['query', nul.name], 'must not hold a NUL character')
		const key = request.headers.get('idempotency-key')
		let idem: string | null = null
		if (method === 'POST' && key) {
			idem = createHash('sha256').update(`${token}\u0000${key}\u0000${url.pathname}${url.search}`).digest('hex')
			const first = running.get(idem)
			if (first) await Promise.race([first.catch(() => {}), Bun.sleep(IDEMPOTENCY_WAIT_MS)])
			const stored = await deps.store.svixAnswer(idem, deps.now() - IDEMPOTENCY_TTL_MS)
			if (stored) return replay(stored)
		}
		const body = method === 'GET' || method === 'DELETE' ? undefined : await readBody(request, deps.maxBodyBytes())
		const ctx: Ctx = {
			deps, params: found.params, query: url.searchParams, body,
			answer: (status, b) => (idem === null ? null : { key: idem, status, body: status === 204 ? '' : JSON.stringify(b) }),
		}
		const work = found.route.handler(ctx)
		if (idem !== null) {
			const k = idem
			running.set(k, work)
			work.finally(() => { if (running.get(k) === work) running.delete(k) }).catch(() => {})
		}
		let out: Awaited<typeof work>
		try {
			out = await work
		} catch (err) {
			if (!(err instanceof IdempotencyTaken) || idem === null) throw err
			const stored = await deps.store.svixAnswer(idem, deps.now() - IDEMPOTENCY_TTL_MS)
			if (!stored) throw err
			return replay(stored)
		}
		return json(out.status, out.body)
	} catch (err) {
		if (err instanceof SvixError) return json(err.status, err.body())
		deps.log.error({ err: err instanceof Error ? { message: err.message, stack: err.stack } : String(err) }, 'svix api: unhandled error')
		return json(500, {})
	}
}

const replay = (stored: { status: number; body: string }) =>
	new Response(stored.status === 204 ? null : stored.body, { status: stored.status, headers: stored.status === 204 ? {} : { 'content-type': 'application/json' } })

export function svixPlugin(deps: SvixDeps, routes: Route[]) {
	const run = ({ request }: { request: Request }) => handle(deps, routes, request)
	return new Elysia({ name: 'svix' })
		.all('/api/v1', run, { parse: 'none', detail: { hide: true } })
		.all('/api/v1/*', run, { parse: 'none', detail: { hide: true } })
}
