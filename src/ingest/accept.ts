import type { FlowView, Catalog } from '../catalog'
import { HttpError, formatPath, unavailable } from '../errors'
import { acceptedTypes, invalidData } from '../envelopes'
import { matchesFilter } from '../routing/match'
import { newEventId } from '../store/ids'
import { STORE_FULL, type IngestedEvent, type IngestItem, type NewEvent } from '../store/types'
import { eventInput, ID_PATTERN, quickEvent } from './model'
import type { IngestStore } from './store'

export interface IngestDeps {
	store: IngestStore
	catalog: Catalog
	now: () => number
	/** hookgate's own operational events: they may use the store's last 5%, kept for state it must record (store.nearly_full at 95% among them) */
	reserve?: boolean
}

export const invalidEvent = (message: string, extra: Record<string, unknown> = {}) =>
	new HttpError(400, 'invalid_event', message, extra)

/** Shape check of one raw event; throws 400 invalid_event naming the field. */
export function parseEvent(raw: unknown, idempotencyKey: string | null, extra: Record<string, unknown> = {}): NewEvent {
	const quick = quickEvent(raw)
	const r = quick ? { success: true as const, data: quick } : eventInput.safeParse(raw)
	if (!r.success) {
		const issue = r.error.issues[0]
		const path = formatPath(issue.path)
		const what = issue.code === 'unrecognized_keys' ? `unknown key ${issue.keys.map((k) => `"${k}"`).join(', ')}` : issue.message
		throw invalidEvent(path ? `${path}: ${what}` : what, { ...extra, ...(path ? { path } : {}) })
	}
	// zod's copy of `data` would drop a key named __proto__: keep the object as sent
	const e = quick ?? { ...r.data, data: (raw as { data?: Record<string, unknown> }).data }
	if (idempotencyKey !== null && e.id !== undefined && e.id !== idempotencyKey) throw invalidEvent('Idempotency-Key and body id differ', extra)
	if (idempotencyKey !== null && e.id === undefined && !ID_PATTERN.test(idempotencyKey)) throw invalidEvent('Idempotency-Key: must be 1-128 characters of A-Z a-z 0-9 _ : . -', extra)
	const occurredAt = e.occurredAt === undefined ? null : Date.parse(e.occurredAt)
	if (occurredAt !== null && Number.isNaN(occurredAt)) throw invalidEvent('occurredAt: must be an ISO 8601 date-time', { ...extra, path: 'occurredAt' })
	const event = {
		id: e.id ?? idempotencyKey ?? newEventId(),
		type: e.type,
		sessionId: e.sessionId ?? null,
		occurredAt,
		success: e.success ?? true,
		data: e.data ?? {},
	}
	return event
}

/** The checks that need the flow (422s), in the order of INTERFACE.md. */
async function checkAgainstFlow(view: FlowView, deps: IngestDeps, e: NewEvent, extra: Record<string, unknown>) {
	const { flow } = view
	const accepted = acceptedTypes(flow)
	if (accepted && !accepted.includes(e.type)) throw new HttpError(422, 'unknown_event_type', `event type "${e.type}" is not declared by flow "${flow.id}"`, extra)
	const session = e.sessionId === null ? null : await deps.store.getSession(flow.id, e.sessionId)
	if (e.sessionId !== null && !session) throw new HttpError(422, 'unknown_session', 'sessionId names no session of this flow', extra)
	const bad = invalidData({ flow: view.withAll, ...e, metadata: session?.metadata ?? {} })
	if (bad) throw new HttpError(422, 'invalid_data', bad.message, { ...extra, field: bad.field })
}

function targets(view: FlowView, type: string): string[] {
	return view.endpoints.filter((e) => matchesFilter(type, e.events)).map((e) => e.id)
}

/** A store that cannot write answers 503, never 500: the producer should retry. */
export async function storeWrite<T>(write: () => Promise<T>): Promise<T> {
	try {
		return await write()
	} catch (err) {
		if (err instanceof HttpError) throw err
		throw unavailable('the store cannot take writes')
	}
}

/** `traceContext`: the ingest span's traceparent, stored with each new event (tracing on). */
export async function acceptEvents(deps: IngestDeps, view: FlowView, raws: unknown[], idempotencyKey: string | null, batch: boolean, traceContext: string | null = null): Promise<IngestedEvent[]> {
	const items: IngestItem[] = []
	for (let i = 0; i < raws.length; i++) {
		const extra = batch ? { index: i } : {}
		const event = parseEvent(raws[i], batch ? null : idempotencyKey, extra)
		if (traceContext !== null) event.traceContext = traceContext
		items.push({ event, endpoints: [] })
	}
	for (let i = 0; i < items.length; i++) {
		const e = items[i].event
		await checkAgainstFlow(view, deps, e, batch ? { index: i } : {})
		items[i].endpoints = targets(view, e.type)
	}
	const outcome = await storeWrite(() => deps.store.ingest(view.flow.id, items, deps.now(), { reserve: deps.reserve === true }))
	if (!outcome.ok) {
		if (outcome.code === 'store_full') throw unavailable(STORE_FULL)
		const extra = batch ? { index: outcome.index } : {}
		if (outcome.code === 'unknown_session') throw new HttpError(422, 'unknown_session', 'sessionId names no session of this flow', extra)
		throw new HttpError(409, 'id_conflict', 'an event with this id was already accepted with another body', extra)
	}
	return outcome.events
}
