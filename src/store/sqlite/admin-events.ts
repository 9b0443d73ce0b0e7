// The admin API's reads of events, and the one write that makes an event
// outside ingest: a test send, stored with its single job and fanned out to
// no other endpoint.
import type { Database } from 'bun:sqlite'
import type { StoredEvent } from '../../domain'
import { newJobId } from '../ids'
import type { EventFilter, JobRecord, Page, TestJobInput } from '../records'
import { getJob } from './admin-jobs'
import { eventFromRow, LOCAL_OWNER } from './dispatch'

type EventRow = Parameters<typeof eventFromRow>[0]
type Stored = StoredEvent & { pk: number }

export function listEvents(client: Database, f: EventFilter, page: Page): Stored[] {
	const terms: string[] = []
	const args: Array<string | number> = []
	// `+flow` walks pks newest first instead of sorting every event of the flow; a session is selective
	if (f.flow !== undefined) { terms.push(f.sessionId !== undefined ? 'flow = ?' : '+flow = ?'); args.push(f.flow) }
	if (f.type !== undefined) { terms.push('type = ?'); args.push(f.type) }
	if (f.sessionId !== undefined) { terms.push('session_id = ?'); args.push(f.sessionId) }
	if (page.beforePk !== null) { terms.push('pk < ?'); args.push(page.beforePk) }
	const sql = `SELECT * FROM events${terms.length ? ` WHERE ${terms.join(' AND ')}` : ''} ORDER BY pk DESC LIMIT ?`
	return (client.query(sql).all(...args, page.limit) as EventRow[]).map(eventFromRow)
}

/** Every event with this id, in any flow unless one is named. */
export function findEvents(client: Database, id: string, flow: string | null): Stored[] {
	const rows = flow === null
		? client.query('SELECT * FROM events WHERE id = ? ORDER BY flow').all(id)
		: client.query('SELECT * FROM events WHERE id = ? AND flow = ?').all(id, flow)
	return (rows as EventRow[]).map(eventFromRow)
}

/**
 * Stores a test event and its one job, already `delivering` with a lease, so
 * the dispatcher never claims it while the admin request sends it. Null when
 * the session does not exist.
 */
export function insertTestJob(client: Database, t: TestJobInput): { job: JobRecord; event: Stored } | null {
	return client.transaction(() => {
		let metadata = '{}'
		if (t.event.sessionId !== null) {
			const s = client.query('SELECT metadata FROM sessions WHERE flow = ? AND id = ?').get(t.flow, t.event.sessionId) as { metadata: string } | null
			if (!s) return null
			metadata = s.metadata
		}
		const e = t.event
		const occurredAt = e.occurredAt ?? t.now
		const ev = client.query(`INSERT INTO events (flow, id, type, session_id, occurred_at, occurred_at_sent, success, data, metadata, accepted_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING pk`)
			.get(t.flow, e.id, e.type, e.sessionId, occurredAt, e.occurredAt !== null ? 1 : 0, e.success ? 1 : 0, JSON.stringify(e.data), metadata, t.now) as { pk: number }
		const id = newJobId()
		client.query(`INSERT INTO deliveries (id, flow, endpoint, event_pk, status, owner, test, attempt_count, schedule_base, next_attempt_at, created_at, updated_at)
			VALUES (?, ?, ?, ?, 'delivering', ?, 1, 0, 0, ?, ?, ?)`).run(id, t.flow, t.endpoint, ev.pk, LOCAL_OWNER, t.leaseUntil, t.now, t.now)
		const event: Stored = {
			pk: ev.pk, flow: t.flow, id: e.id, type: e.type, sessionId: e.sessionId, occurredAt, success: e.success,
			data: e.data, metadata: JSON.parse(metadata), acceptedAt: t.now,
		}
		return { job: getJob(client, id)!, event }
	})()
}
