// Endpoints of an application: API endpoints of its flow with Svix's fields.
import type { z } from 'zod'
import type { EndpointConfig, HeaderValue, SvixEndpointFields } from '../../domain'
import { validateHeader } from '../../signing/headers'
import { generateSecret } from '../../signing/secret'
import { conflict, invalid, notFound, SvixError } from '../errors'
import type { Ctx } from '../http'
import { newSvixId } from '../ids'
import { pathNameProblem, type endpointIn, type endpointPatch, type endpointUpsertIn, type rotateIn } from '../model'
import { ownEndpoint } from '../flow'
import { findApp, iso } from './apps'
import { checkEndpointTypes } from './event-types'

// Svix refuses these names (and prefixes) for endpoint headers
const REFUSED = new Set(['user-agent', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailers', 'transfer-encoding', 'upgrade',
	'age', 'cache-control', 'clear-site-data', 'expires', 'pragma', 'warning', 'content-length', 'content-type', 'content-encoding',
	'content-language', 'content-location'])
const REFUSED_PREFIXES = ['x-amz-', 'x-amzn-', 'x-google', 'x-goog-', 'x-gfe', 'x-azure-', 'x-fd-', 'x-svix-', 'svix-']
export const SENSITIVE = new Set(['authorization', 'x-auth-token', 'x-api-key', 'www-authenticate'])
const MAX_OLD_KEYS = 10

export function checkHeaders(headers: Record<string, string>, at: string[]): Record<string, HeaderValue> {
	const out: Record<string, HeaderValue> = {}
	for (const [name, value] of Object.entries(headers)) {
		const lower = name.toLowerCase()
		if (REFUSED.has(lower) || REFUSED_PREFIXES.some((p) => lower.startsWith(p))) throw invalid(at, 'a header name Svix reserves')
		if (value.length > 4096) throw invalid(at, 'a header value is longer than 4096 bytes')
		// hookgate's own rules too: token syntax, visible ASCII, its reserved names
		const problem = validateHeader(name, value, null)
		if (problem) throw invalid(at, 'a header name or value that cannot be sent')
		Object.defineProperty(out, name, { value: { value, sensitive: SENSITIVE.has(lower) }, enumerable: true, writable: true, configurable: true })
	}
	return out
}

export function endpointOut(ctx: Ctx, app: string, shown: EndpointConfig) {
	const e = ownEndpoint(shown)
	const s = e.svix
	return {
		id: e.id, url: e.url, description: s?.description ?? '', throttleRate: e.rateLimit, uid: s?.uid ?? null,
		disabled: !ctx.deps.catalog.isEnabled(app, e), eventTypes: s?.eventTypes ?? null, channels: s?.channels ?? null,
		metadata: s?.metadata ?? {}, createdAt: iso(e.createdAt ?? 0), updatedAt: iso(s?.updatedAt ?? e.createdAt ?? 0),
	}
}

export function appEndpoints(ctx: Ctx, app: string): EndpointConfig[] {
	return (ctx.deps.catalog.flow(app)?.endpoints ?? []).map(ownEndpoint)
}

export function lookupEndpoint(ctx: Ctx, app: string, idOrUid: string): EndpointConfig | undefined {
	const all = appEndpoints(ctx, app)
	return idOrUid.startsWith('ep_') ? all.find((e) => e.id === idOrUid) : all.find((e) => e.svix?.uid === idOrUid)
}

export function findEndpoint(ctx: Ctx, appIdOrUid: string, idOrUid: string) {
	const app = findApp(ctx, appIdOrUid)
	const endpoint = lookupEndpoint(ctx, app.id, idOrUid)
	if (!endpoint) throw notFound('Endpoint not found')
	return { app, endpoint }
}

type Fields = z.infer<typeof endpointUpsertIn>

function build(id: string, f: Fields, secret: string, headers: Record<string, HeaderValue>, createdAt: number, now: number): EndpointConfig {
	const svix: SvixEndpointFields = {
		uid: f.uid ?? null, description: f.description ?? '', metadata: f.metadata ?? {}, eventTypes: f.eventTypes ?? null, channels: f.channels ?? null, updatedAt: now,
	}
	return {
		id, url: f.url, events: svix.eventTypes,
		signing: { scheme: 'standard-webhooks', secret, header: 'x-signature', encoding: 'base64', previous: null, olderKeys: [] },
		headers, body: {}, timeoutMs: null, retryScheduleMs: null, concurrency: null, rateLimit: f.throttleRate ?? null,
		enabled: f.disabled !== true, managedBy: 'api', createdAt, svix,
	}
}

function uidFree(ctx: Ctx, app: string, uid: string | null | undefined, self: string | null) {
	if (uid == null) return
	if (appEndpoints(ctx, app).some((e) => e.id !== self && e.svix?.uid === uid)) throw conflict('An endpoint with that uid already exists')
}

async function save(ctx: Ctx, app: string, e: EndpointConfig, status: number, body: unknown) {
	await ctx.deps.catalog.putSvixEndpoint(app, e, ctx.deps.now(), ctx.answer(status, body))
	// disabled: false turns off what the health rules switched off
	const state = ctx.deps.catalog.state(app, e.id)
	if (e.enabled && !state.enabled) await ctx.deps.catalog.saveState({ ...state, enabled: true, disabledReason: null, disabledAt: null, consecutiveFailures: 0, failingSince: null, updatedAt: ctx.deps.now() })
	return { status, body: status === 204 ? undefined : endpointOut(ctx, app, e) }
}

function checkLimit(ctx: Ctx, app: string) {
	const limit = ctx.deps.catalog.config.svix.endpointsPerApp
	if (appEndpoints(ctx, app).length >= limit) throw new SvixError(409, 'endpoint_limit', `An application has at most ${limit} endpoints (svix.endpointsPerApp)`)
}

export async function createEndpoint(ctx: Ctx, appIdOrUid: string, input: z.infer<typeof endpointIn>) {
	const app = findApp(ctx, appIdOrUid)
	checkLimit(ctx, app.id)
	uidFree(ctx, app.id, input.uid, null)
	await checkEndpointTypes(ctx, input.eventTypes)
	const headers = checkHeaders(input.headers ?? {}, ['body', 'headers'])
	const now = ctx.deps.now()
	const e = build(newSvixId('ep'), input, input.secret ?? generateSecret('standard-webhooks'), headers, now, now)
	return save(ctx, app.id, e, 201, endpointOut(ctx, app.id, e))
}

export async function upsertEndpoint(ctx: Ctx, appIdOrUid: string, idOrUid: string, input: Fields) {
	const app = findApp(ctx, appIdOrUid)
	const existing = lookupEndpoint(ctx, app.id, idOrUid)
	const now = ctx.deps.now()
	await checkEndpointTypes(ctx, input.eventTypes)
	if (existing) {
		uidFree(ctx, app.id, input.uid, existing.id)
		const e = { ...build(existing.id, input, existing.signing.secret!, existing.headers, existing.createdAt ?? now, now), signing: existing.signing }
		return save(ctx, app.id, e, 200, endpointOut(ctx, app.id, e))
	}
	if (idOrUid.startsWith('ep_')) throw notFound('Endpoint not found')
	const problem = pathNameProblem(idOrUid, 'ep_')
	if (problem) throw invalid(['path', 'endpoint_id'], problem)
	checkLimit(ctx, app.id)
	uidFree(ctx, app.id, idOrUid, null)
	const e = build(newSvixId('ep'), { ...input, uid: idOrUid }, generateSecret('standard-webhooks'), {}, now, now)
	return save(ctx, app.id, e, 201, endpointOut(ctx, app.id, e))
}

export async function patchEndpoint(ctx: Ctx, appIdOrUid: string, idOrUid: string, input: z.infer<typeof endpointPatch>) {
	const { app, endpoint } = findEndpoint(ctx, appIdOrUid, idOrUid)
	const s = endpoint.svix
	const pick = <T>(v: T | undefined, old: T) => (v === undefined ? old : v)
	const fields: Fields = {
		url: input.url ?? endpoint.url,
		description: input.description ?? s?.description,
		throttleRate: pick(input.throttleRate, endpoint.rateLimit),
		uid: pick(input.uid, s?.uid ?? null),
		disabled: input.disabled ?? !endpoint.enabled,
		eventTypes: pick(input.eventTypes, s?.eventTypes ?? null),
		channels: pick(input.channels, s?.channels ?? null),
		metadata: input.metadata ?? s?.metadata,
	}
	uidFree(ctx, app.id, fields.uid, endpoint.id)
	if (input.eventTypes !== undefined) await checkEndpointTypes(ctx, input.eventTypes)
	const now = ctx.deps.now()
	const e = { ...build(endpoint.id, fields, endpoint.signing.secret!, endpoint.headers, endpoint.createdAt ?? now, now), signing: endpoint.signing }
	return save(ctx, app.id, e, 200, endpointOut(ctx, app.id, e))
}

export async function rotateSecret(ctx: Ctx, appIdOrUid: string, idOrUid: string, input: z.infer<typeof rotateIn>) {
	const { app, endpoint } = findEndpoint(ctx, appIdOrUid, idOrUid)
	const now = ctx.deps.now()
	const grace = (input.gracePeriodSeconds ?? 86400) * 1000
	const live = (endpoint.signing.olderKeys ?? []).filter((k) => k.until > now)
	if (live.length >= MAX_OLD_KEYS) throw new SvixError(400, 'limit_reached', `At most ${MAX_OLD_KEYS} old secrets may sign at once`)
	const olderKeys = grace > 0 ? [{ secret: endpoint.signing.secret!, until: now + grace }, ...live] : live
	const e: EndpointConfig = {
		...endpoint,
		signing: { ...endpoint.signing, secret: input.key ?? generateSecret('standard-webhooks'), olderKeys },
		svix: endpoint.svix && { ...endpoint.svix, updatedAt: now },
	}
	return save(ctx, app.id, e, 204, undefined)
}

/** Sensitive headers are named, never shown. */
export function headersOut(e: EndpointConfig) {
	const headers: Record<string, string> = {}
	const sensitive: string[] = []
	for (const [name, h] of Object.entries(e.headers)) {
		if (h.sensitive) sensitive.push(name)
		else Object.defineProperty(headers, name, { value: h.value, enumerable: true, writable: true, configurable: true })
	}
	return { headers, sensitive }
}

/** PUT replaces every header; PATCH sets some, and null or deleteHeaders removes. */
export async function changeHeaders(ctx: Ctx, appIdOrUid: string, idOrUid: string, set: Record<string, string | null>, replace: boolean, remove: string[] = []) {
	const { app, endpoint } = findEndpoint(ctx, appIdOrUid, idOrUid)
	const next: Record<string, string> = {}
	if (!replace) for (const [n, h] of Object.entries(endpoint.headers)) Object.defineProperty(next, n, { value: h.value, enumerable: true, writable: true, configurable: true })
	const drop = (name: string) => { for (const n of Object.keys(next)) if (n.toLowerCase() === name.toLowerCase()) delete next[n] }
	for (const name of remove) drop(name)
	for (const [name, value] of Object.entries(set)) {
		drop(name)
		if (value !== null) Object.defineProperty(next, name, { value, enumerable: true, writable: true, configurable: true })
	}
	const e: EndpointConfig = { ...endpoint, headers: checkHeaders(next, ['body', 'headers']), svix: endpoint.svix && { ...endpoint.svix, updatedAt: ctx.deps.now() } }
	return save(ctx, app.id, e, 204, undefined)
}

const STATS_WINDOW_MS = 28 * 86400_000
// svix-server allows five minutes beyond the window and the present, for clocks that differ
const STATS_SLACK_MS = 5 * 60_000

function statsTime(ctx: Ctx, name: 'since' | 'until'): number | null {
	const raw = ctx.query.get(name)
	if (raw === null || raw === '') return null
	const t = Date.parse(raw)
	if (Number.isNaN(t)) throw invalid(['query', name], 'must be a date-time')
	return t
}

/** Jobs of the endpoint created in the window [since, until] (default the 28 days up to now), by their status now. */
export async function endpointStats(ctx: Ctx, appIdOrUid: string, idOrUid: string) {
	const { app, endpoint } = findEndpoint(ctx, appIdOrUid, idOrUid)
	const now = ctx.deps.now()
	const until = statsTime(ctx, 'until') ?? now
	const since = statsTime(ctx, 'since') ?? until - STATS_WINDOW_MS
	if (until > now + STATS_SLACK_MS) throw new SvixError(400, 'invalid_range', 'until must not be in the future')
	if (since > until) throw new SvixError(400, 'invalid_range', 'since must not be after until')
	if (until - since > STATS_WINDOW_MS + STATS_SLACK_MS) throw new SvixError(400, 'invalid_range', 'the range must be at most 28 days')
	const out = { success: 0, pending: 0, sending: 0, fail: 0, canceled: 0 }
	const map = { succeeded: 'success', pending: 'pending', delivering: 'sending', failed: 'fail', cancelled: 'canceled' } as const
	const filter = { flow: app.id, endpoint: endpoint.id, since, until: until + 1 }
	let beforePk: number | null = null
	for (;;) {
		const jobs = await ctx.deps.store.listJobs(filter, { beforePk, limit: 1000 })
		for (const j of jobs) if (!j.test) out[map[j.status]]++
		if (jobs.length < 1000) break
		beforePk = jobs[jobs.length - 1].pk
	}
	return { status: 200, body: out }
}
