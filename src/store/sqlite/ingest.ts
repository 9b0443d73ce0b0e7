import type { Database, Statement } from 'bun:sqlite'
import type { DeliveryStatus } from '../../domain'
import { newJobId } from '../ids'
import { canonicalJson } from '../../json'
import type { DeliveryRef, IngestedEvent, IngestItem, IngestOutcome, NewEvent } from '../types'
import type { SpaceMeter } from './space'

interface StoredRow { pk: number; type: string; session_id: string | null; occurred_at: number; occurred_at_sent: number; success: number; data: string }

// "Same body": type, sessionId, occurredAt (an absent one differs from a sent
// one), success and data after parsing. Only a resend pays for the comparison.
function sameBody(r: StoredRow, e: NewEvent): boolean {
	const occurredSame = e.occurredAt === null ? r.occurred_at_sent === 0 : r.occurred_at_sent === 1 && r.occurred_at === e.occurredAt
	return occurredSame && r.type === e.type && r.session_id === e.sessionId && (r.success === 1) === e.success
		&& canonicalJson(JSON.parse(r.data)) === canonicalJson(e.data)
}

class Rollback {
	constructor(readonly outcome: IngestOutcome) {}
}

// The ingest writes, run by the WriteQueue inside its shared transaction.
export class IngestWrites {
	private findSession: Statement
	private findEvent: Statement
	private insertEvent: Statement
	private insertDelivery: Statement
	private eventDeliveries: Statement

	constructor(private client: Database, private space: SpaceMeter | null = null) {
		this.findSession = client.prepare('SELECT metadata FROM sessions WHERE flow = ? AND id = ?')
		this.findEvent = client.prepare('SELECT pk, type, session_id, occurred_at, occurred_at_sent, success, data FROM events WHERE flow = ? AND id = ?')
		// ON CONFLICT DO NOTHING: a new event costs one statement, a duplicate two
		this.insertEvent = client.prepare(`INSERT INTO events
			(flow, id, type, session_id, occurred_at, occurred_at_sent, success, data, metadata, accepted_at, trace_context)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (flow, id) DO NOTHING RETURNING pk`)
		this.insertDelivery = client.prepare(`INSERT INTO deliveries
			(id, flow, endpoint, event_pk, status, test, attempt_count, schedule_base, next_attempt_at, created_at, updated_at)
			VALUES (?, ?, ?, ?, 'pending', 0, 0, 0, ?, ?, ?)`)
		this.eventDeliveries = client.prepare('SELECT id, endpoint, status FROM deliveries WHERE event_pk = ? AND test = 0 ORDER BY pk')
	}

	/** One request, all or nothing, inside the shared transaction. */
	apply(p: { flow: string; items: IngestItem[]; now: number; reserve?: boolean }): IngestOutcome {
		// the reserve (hookgate's own signals) is not held to the ingest limit, only to the hard stop
		const capped = this.space?.capped === true && p.reserve !== true
		// A lone event refuses (Rollback) before its first write, so it needs no
		// savepoint; a batch may have written earlier events and does, and so does
		// any request under a size cap, measured after its writes.
		if (p.items.length === 1 && !capped) {
			try {
				return { ok: true, events: [this.applyItem(p.flow, p.items[0], 0, p.now)] }
			} catch (err) {
				if (err instanceof Rollback) return err.outcome
				throw err
			}
		}
		if (capped && this.space!.overIngestLimit()) {
			this.space!.refused()
			return { ok: false, code: 'store_full' }
		}
		this.client.exec('SAVEPOINT req')
		try {
			const events = p.items.map((item, index) => this.applyItem(p.flow, item, index, p.now))
			// a request that would carry the store past the ingest limit is refused whole
			if (capped && this.space!.overIngestLimit()) throw new Rollback({ ok: false, code: 'store_full' })
			this.client.exec('RELEASE req')
			return { ok: true, events }
		} catch (err) {
			if (err instanceof Rollback) {
				this.client.exec('ROLLBACK TO req')
				this.client.exec('RELEASE req')
				if (err.outcome.ok === false && err.outcome.code === 'store_full') this.space!.refused()
				return err.outcome
			}
			// the write queue rolls the whole group back; SQLite may already have (a full disk)
			throw err
		}
	}

	private applyItem(flow: string, item: IngestItem, index: number, now: number): IngestedEvent {
		const e = item.event
		let metadata = '{}'
		if (e.sessionId !== null) {
			const s = this.findSession.get(flow, e.sessionId) as { metadata: string } | null
			if (!s) throw new Rollback({ ok: false, index, code: 'unknown_session' })
			metadata = s.metadata
		}
		const occurredAt = e.occurredAt ?? now
		const data = JSON.stringify(e.data)
		const row = this.insertEvent.get(flow, e.id, e.type, e.sessionId, occurredAt, e.occurredAt === null ? 0 : 1, e.success ? 1 : 0, data, metadata, now, e.traceContext ?? null) as { pk: number } | null
		if (!row) {
			const existing = this.findEvent.get(flow, e.id) as StoredRow
			if (!sameBody(existing, e)) throw new Rollback({ ok: false, index, code: 'id_conflict' })
			const deliveries = this.eventDeliveries.all(existing.pk) as DeliveryRef[]
			return { id: e.id, duplicate: true, deliveries }
		}
		const deliveries: DeliveryRef[] = []
		for (const endpoint of item.endpoints) {
			const id = newJobId()
			this.insertDelivery.run(id, flow, endpoint, row.pk, now, now, now)
			deliveries.push({ id, endpoint, status: 'pending' as DeliveryStatus })
		}
		return {
			id: e.id,
			duplicate: false,
			deliveries,
			stored: {
				pk: row.pk, flow, id: e.id, type: e.type, sessionId: e.sessionId, occurredAt, success: e.success,
				data: e.data, metadata: JSON.parse(metadata), acceptedAt: now, traceContext: e.traceContext ?? null,
			},
		}
	}
}
