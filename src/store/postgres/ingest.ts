import type { DeliveryStatus } from '../../domain'
import { canonicalJson } from '../../json'
import { newJobId } from '../ids'
import type { DeliveryRef, IngestedEvent, IngestItem, IngestOutcome, NewEvent } from '../types'
import type { PgGroupCommit } from './group-commit'
import { num, type Q } from './rows'

class Rollback {
	constructor(readonly outcome: IngestOutcome) {}
}

interface StoredRow { pk: string; type: string; session_id: string | null; occurred_at: string; occurred_at_sent: boolean; success: boolean; data: string }

// "Same body" exactly as the SQLite store decides it.
function sameBody(r: StoredRow, e: NewEvent): boolean {
	const occurredSame = e.occurredAt === null ? !r.occurred_at_sent : r.occurred_at_sent && num(r.occurred_at) === e.occurredAt
	return occurredSame && r.type === e.type && r.session_id === e.sessionId && r.success === e.success
		&& canonicalJson(JSON.parse(r.data)) === canonicalJson(e.data)
}

/**
 * One request, all or nothing, a few statements whatever the batch size,
 * inside a group transaction shared with the requests that arrived with it
 * (its own writes roll back alone). The unique key (flow, id) decides between
 * two instances, or two groups, taking the same id at once: the second INSERT
 * waits for the first to commit, then finds the row and answers as a resend.
 * Outcomes match the SQLite store's, which takes the events one by one: the
 * first event that cannot be taken decides the answer.
 */
export async function ingest(group: PgGroupCommit, flow: string, items: IngestItem[], now: number, committed: (events: IngestedEvent[]) => void): Promise<IngestOutcome> {
	try {
		const events = await group.run(items.map((i) => `${flow}\n${i.event.id}`), (tx) => applyAll(tx, flow, items, now), {
			after: committed,
			// the other instances look for new jobs sooner (a hint; they also look on a timer)
			wakes: (evs) => evs.some((e) => e.stored && e.deliveries.length > 0),
		})
		return { ok: true, events }
	} catch (err) {
		if (err instanceof Rollback) return err.outcome
		throw err
	}
}

export async function applyAll(tx: Q, flow: string, all: IngestItem[], now: number): Promise<IngestedEvent[]> {
	const sessionIds = [...new Set(all.map((i) => i.event.sessionId).filter((id): id is string => id !== null))]
	const sessions = new Map<string, string>()
	if (sessionIds.length > 0) {
		for (const r of await tx`SELECT id, metadata FROM sessions WHERE flow = ${flow} AND id = ANY(${sessionIds}::text[])`) sessions.set(r.id, r.metadata)
	}
	// events after an unknown session are never looked at; a conflict before it still wins
	const unknown = all.findIndex((i) => i.event.sessionId !== null && !sessions.has(i.event.sessionId))
	const items = unknown >= 0 ? all.slice(0, unknown) : all
	const rows = items.map((item, ord) => {
		const e = item.event
		return {
			ord, id: e.id, type: e.type, session_id: e.sessionId, occurred_at: e.occurredAt ?? now, occurred_at_sent: e.occurredAt !== null,
			success: e.success, data: JSON.stringify(e.data), metadata: e.sessionId !== null ? sessions.get(e.sessionId)! : '{}',
			trace_context: e.traceContext ?? null,
		}
	})
	const inserted = new Map<string, number>()
	if (rows.length > 0) {
		// rows go in request order, so of one id sent twice in a batch the first is stored and the second compared with it
		const fresh = await tx`INSERT INTO events (flow, id, type, session_id, occurred_at, occurred_at_sent, success, data, metadata, accepted_at, trace_context)
			SELECT ${flow}, v.id, v.type, v.session_id, v.occurred_at, v.occurred_at_sent, v.success, v.data, v.metadata, ${now}, v.trace_context
			FROM jsonb_to_recordset(${JSON.stringify(rows)}::text::jsonb) AS v(ord int, id text, type text, session_id text, occurred_at bigint,
				occurred_at_sent boolean, success boolean, data text, metadata text, trace_context text)
			ORDER BY v.ord
			ON CONFLICT (flow, id) DO NOTHING RETURNING pk, id`
		for (const r of fresh) inserted.set(r.id, num(r.pk))
	}
	const firstOf = new Map<string, number>()
	items.forEach((item, i) => { if (!firstOf.has(item.event.id)) firstOf.set(item.event.id, i) })
	const isNew = (i: number) => inserted.has(items[i].event.id) && firstOf.get(items[i].event.id) === i
	const resent = [...new Set(items.filter((_, i) => !isNew(i)).map((item) => item.event.id))]
	const existing = new Map<string, StoredRow>()
	const earlier = new Map<string, DeliveryRef[]>()
	if (resent.length > 0) {
		const found = await tx`SELECT pk, id, type, session_id, occurred_at, occurred_at_sent, success, data FROM events WHERE flow = ${flow} AND id = ANY(${resent}::text[])`
		for (const r of found) existing.set(r.id, r as StoredRow)
		const pks = [...existing.values()].map((r) => r.pk)
		for (const d of await tx`SELECT event_pk, id, endpoint, status FROM deliveries WHERE event_pk = ANY(${pks}::bigint[]) AND test = false ORDER BY pk`) {
			const list = earlier.get(String(d.event_pk)) ?? []
			list.push({ id: d.id, endpoint: d.endpoint, status: d.status })
			earlier.set(String(d.event_pk), list)
		}
	}
	const out: IngestedEvent[] = []
	const jobs: Array<{ id: string; endpoint: string; event_pk: number }> = []
	const newDeliveries = new Map<string, DeliveryRef[]>()
	for (let i = 0; i < items.length; i++) {
		const e = items[i].event
		if (!isNew(i)) {
			const row = existing.get(e.id)!
			if (!sameBody(row, e)) throw new Rollback({ ok: false, index: i, code: 'id_conflict' })
			out.push({ id: e.id, duplicate: true, deliveries: earlier.get(String(row.pk)) ?? newDeliveries.get(e.id) ?? [] })
			continue
		}
		const pk = inserted.get(e.id)!
		const deliveries: DeliveryRef[] = items[i].endpoints.map((endpoint) => ({ id: newJobId(), endpoint, status: 'pending' as DeliveryStatus }))
		newDeliveries.set(e.id, deliveries)
		for (const d of deliveries) {
			jobs.push({ id: d.id, endpoint: d.endpoint, event_pk: pk })
		}
		out.push({
			id: e.id, duplicate: false, deliveries,
			stored: {
				pk, flow, id: e.id, type: e.type, sessionId: e.sessionId, occurredAt: e.occurredAt ?? now, success: e.success,
				data: e.data, metadata: JSON.parse(rows[i].metadata), acceptedAt: now, traceContext: e.traceContext ?? null,
			},
		})
	}
	if (unknown >= 0) throw new Rollback({ ok: false, index: unknown, code: 'unknown_session' })
	// one parameter however many jobs: a big batch fanned out wide stays far from the protocol's 65,535
	if (jobs.length > 0) {
		await tx`INSERT INTO deliveries (id, flow, endpoint, event_pk, status, test, attempt_count, schedule_base, next_attempt_at, created_at, updated_at)
			SELECT v.id, ${flow}, v.endpoint, v.event_pk, 'pending', false, 0, 0, ${now}, ${now}, ${now}
			FROM jsonb_to_recordset(${JSON.stringify(jobs)}::text::jsonb) AS v(id text, endpoint text, event_pk bigint)`
	}
	return out
}
