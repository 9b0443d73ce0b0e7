import { Elysia } from 'elysia'
import { z } from 'zod'
import { HttpError, formatPath, notFound } from '../errors'
import { isPlainObject, mergePatch } from '../json'
import { newSessionId } from '../store/ids'
import { traced, type IngestTracing } from '../tracing/ingest'
import type { SessionRecord } from '../store/types'
import { acceptEvents, invalidEvent, storeWrite, type IngestDeps } from './accept'
import * as m from './model'
import { authorizeFlow, ingestBody, type GateDeps } from './parser'

export type IngestRouteDeps = IngestDeps & GateDeps & { maxBodyBytes: () => number; batchLimit: () => number; tracing?: IngestTracing | null }

const iso = (ms: number) => new Date(ms).toISOString()
const sessionOut = (s: SessionRecord) => ({ id: s.id, metadata: s.metadata, createdAt: iso(s.createdAt), updatedAt: iso(s.updatedAt) })

const json = (schema: z.ZodType) => ({ content: { 'application/json': { schema: z.toJSONSchema(schema, { io: 'input' }) as object } } })
const errors = (...codes: number[]) => Object.fromEntries(codes.map((c) => [c, { description: 'error', ...json(m.errorBody) }]))
const security = [{ ingestToken: [] }]

function sessionBody(raw: unknown, schema: z.ZodType) {
	const r = schema.safeParse(raw)
	if (!r.success) {
		const issue = r.error.issues[0]
		const path = formatPath(issue.path)
		throw new HttpError(400, 'invalid_request', `${path || 'body'}: ${issue.code === 'unrecognized_keys' ? 'unknown key' : issue.message}`, path ? { path } : {})
	}
	// zod rebuilds a record by assignment, which drops a key named __proto__ (and
	// makes its value the copy's prototype); the metadata it validated is kept
	// as sent instead, so __proto__ is data here as it is in event data.
	const out = r.data as Record<string, unknown>
	if (isPlainObject(raw) && isPlainObject(raw.metadata)) out.metadata = raw.metadata
	return out
}

// No session has another id: one that could not be stored (a NUL fails the
// statement on PostgreSQL) is not looked up.
const namesSession = (id: string) => m.ID_PATTERN.test(id)

const knownFlow = (deps: IngestRouteDeps, flow: string) => (deps.tracing && deps.catalog.flow(flow) ? flow : null)

// Session bodies are not events: their shape errors, too deep included, are 400 invalid_request.
const SESSION_BODY = { tooDeepCode: 'invalid_request' }

// Bodies are read by our own code (parse: 'none'), so the 503/404/401/415/413
// checks answer before anything is buffered or validated.
export function ingestRoutes(deps: IngestRouteDeps) {
	return new Elysia({ name: 'ingest' })
		.post('/v1/flows/:flow/events', ({ request, params, set }) => traced(deps.tracing, request, 'single', knownFlow(deps, params.flow), set, async (span) => {
			const { view, body } = await ingestBody(deps, request, params.flow)
			const [e] = await acceptEvents(deps, view, [body], request.headers.get('idempotency-key'), false, span?.traceparent ?? null)
			span?.eventId(e.id)
			const deliveries = e.deliveries
			if (e.duplicate) {
				set.status = 200
				return { id: e.id, deliveries, duplicate: true }
			}
			set.status = 202
			return { id: e.id, deliveries }
		}), {
			parse: 'none',
			detail: {
				tags: ['ingest'], summary: 'Send one event', security,
				requestBody: { required: true, ...json(m.eventInput) },
				responses: { 202: { description: 'accepted', ...json(m.eventAccepted) }, 200: { description: 'duplicate of an accepted event', ...json(m.eventAccepted) }, ...errors(400, 401, 404, 409, 413, 415, 422, 503) },
			},
		})
		.post('/v1/flows/:flow/events/batch', ({ request, params, set }) => traced(deps.tracing, request, 'batch', knownFlow(deps, params.flow), set, async (span) => {
			const { view, body } = await ingestBody(deps, request, params.flow)
			if (!isPlainObject(body) || !Array.isArray(body.events)) throw invalidEvent('events: must be an array of events', { path: 'events' })
			const extra = Object.keys(body).filter((k) => k !== 'events')
			if (extra.length > 0) throw invalidEvent(`unknown key "${extra[0]}"`, { path: extra[0] })
			if (body.events.length === 0) throw invalidEvent('events: must hold at least one event', { path: 'events' })
			if (body.events.length > deps.batchLimit()) throw invalidEvent(`events: at most ${deps.batchLimit()} events in one batch`, { path: 'events' })
			span?.eventCount(body.events.length)
			const events = await acceptEvents(deps, view, body.events, null, true, span?.traceparent ?? null)
			set.status = 202
			return { events: events.map((e) => ({ id: e.id, deliveries: e.deliveries, duplicate: e.duplicate })) }
		}), {
			parse: 'none',
			detail: {
				tags: ['ingest'], summary: 'Send a batch of events (all or nothing)', security,
				requestBody: { required: true, ...json(z.object({ events: z.array(m.eventInput) })) },
				responses: { 202: { description: 'accepted', ...json(m.batchAccepted) }, ...errors(400, 401, 404, 409, 413, 415, 422, 503) },
			},
		})
		.post('/v1/flows/:flow/sessions', async ({ request, params, set }) => {
			const { view, body } = await ingestBody(deps, request, params.flow, SESSION_BODY)
			const input = sessionBody(body, m.sessionInput) as { id?: string; metadata?: Record<string, unknown> }
			const r = await storeWrite(() => deps.store.createSession(view.flow.id, input.id ?? newSessionId(), input.metadata ?? {}, deps.now()))
			if (r.kind === 'conflict') throw new HttpError(409, 'id_conflict', 'a session with this id exists with other metadata')
			set.status = r.kind === 'created' ? 201 : 200
			return sessionOut(r.session)
		}, {
			parse: 'none',
			detail: {
				tags: ['ingest'], summary: 'Create a session', security,
				requestBody: { required: true, ...json(m.sessionInput) },
				responses: { 201: { description: 'created', ...json(m.sessionOut) }, 200: { description: 'same session again', ...json(m.sessionOut) }, ...errors(400, 401, 404, 409, 413, 415, 503) },
			},
		})
		.get('/v1/flows/:flow/sessions/:id', async ({ request, params }) => {
			const view = authorizeFlow({ ...deps, refusal: () => null }, params.flow, request.headers.get('authorization'))
			const s = namesSession(params.id) ? await deps.store.getSession(view.flow.id, params.id) : null
			if (!s) throw notFound('session')
			return sessionOut(s)
		}, {
			detail: {
				tags: ['ingest'], summary: 'Read a session', security,
				responses: { 200: { description: 'the session', ...json(m.sessionOut) }, ...errors(401, 404) },
			},
		})
		.patch('/v1/flows/:flow/sessions/:id', async ({ request, params }) => {
			const { view, body } = await ingestBody(deps, request, params.flow, { ...SESSION_BODY, mediaTypes: ['application/merge-patch+json'] })
			const input = sessionBody(body, m.sessionPatch) as { metadata: Record<string, unknown> }
			if (!namesSession(params.id)) throw notFound('session')
			const s = await storeWrite(() => deps.store.updateSession(view.flow.id, params.id, (old) => mergePatch(old, input.metadata), deps.now()))
			if (!s) throw notFound('session')
			return sessionOut(s)
		}, {
			parse: 'none',
			detail: {
				tags: ['ingest'], summary: 'Merge-update a session\'s metadata', security,
				requestBody: { required: true, ...json(m.sessionPatch) },
				responses: { 200: { description: 'the session', ...json(m.sessionOut) }, ...errors(400, 401, 404, 413, 415, 503) },
			},
		})
}

