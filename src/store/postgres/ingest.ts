import type { DeliveryStatus } from '../../domain'
import { canonicalJson } from '../../json'
import { newJobId } from '../ids'
import type { DeliveryRef, IngestedEvent, IngestItem, IngestOutcome, NewEvent } from '../types'
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
 * One request, all or nothing, in its own transaction. The unique key
 * (flow, id) decides between two instances taking the same id at once: the
 * second INSERT waits for the first to commit, then finds the row and answers
 * as a resend.
 */
export async function ingest(sql: Q, flow: string, items: IngestItem[], now: number, hint: { channel: string; payload: string }): Promise<IngestOutcome> {
	try {
		return await sql.begin(async (tx) => {
			const events: IngestedEvent[] = []
			for (let i = 0; i < items.length; i++) events.push(await applyItem(tx, flow, items[i], i, now))
			// delivered on commit only: the other instances look for new jobs sooner (a hint; they also look on a timer)
			if (events.some((e) => e.stored && e.deliveries.length > 0)) await tx.notify(hint.channel, hint.payload)
			return { ok: true as const, events }
		})
	} catch (err) {
		if (err instanceof Rollback) return err.outcome
		throw err
	}
}

async function applyItem(tx: Q, flow: string, item: IngestItem, index: number, now: number): Promise<IngestedEvent> {
	const e = item.event
	let metadata = '{}'
	if (e.sessionId !== null) {
		const [s] = await tx`SELECT metadata FROM sessions WHERE flow = ${flow} AND id = ${e.sessionId}`
		if (!s) throw new Rollback({ ok: false, index, code: 'unknown_session' })
		metadata = s.metadata
	}
	const occurredAt = e.occurredAt ?? now
	const [row] = await tx`INSERT INTO events (flow, id, type, session_id, occurred_at, occurred_at_sent, success, data, metadata, accepted_at)
		VALUES (${flow}, ${e.id}, ${e.type}, ${e.sessionId}, ${occurredAt}, ${e.occurredAt !== null}, ${e.success}, ${JSON.stringify(e.data)}, ${metadata}, ${now})
		ON CONFLICT (flow, id) DO NOTHING RETURNING pk`
	if (!row) {
		const [existing] = await tx`SELECT pk, type, session_id, occurred_at, occurred_at_sent, success, data FROM events WHERE flow = ${flow} AND id = ${e.id}` as StoredRow[]
		if (!sameBody(existing, e)) throw new Rollback({ ok: false, index, code: 'id_conflict' })
		const deliveries = await tx`SELECT id, endpoint, status FROM deliveries WHERE event_pk = ${existing.pk} AND test = false ORDER BY pk` as DeliveryRef[]
		return { id: e.id, duplicate: true, deliveries: [...deliveries].map((d) => ({ id: d.id, endpoint: d.endpoint, status: d.status })) }
	}
	const pk = num(row.pk)
	const deliveries: DeliveryRef[] = item.endpoints.map((endpoint) => ({ id: newJobId(), endpoint, status: 'pending' as DeliveryStatus }))
	if (deliveries.length > 0) {
		const rows = deliveries.map((d) => ({
			id: d.id, flow, endpoint: d.endpoint, event_pk: pk, status: 'pending', test: false, attempt_count: 0, schedule_base: 0,
			next_attempt_at: now, created_at: now, updated_at: now,
		}))
		await tx`INSERT INTO deliveries ${tx(rows)}`
	}
	return {
		id: e.id,
		duplicate: false,
		deliveries,
		stored: {
			pk, flow, id: e.id, type: e.type, sessionId: e.sessionId, occurredAt, success: e.success,
			data: e.data, metadata: JSON.parse(metadata), acceptedAt: now,
		},
	}
}
