import type { Database, Statement } from 'bun:sqlite'
import type { BacklogRow, EventCursor } from '../records'

/**
 * The backlog without counting it: the per-endpoint counts the triggers of
 * migration 0002 keep, and each endpoint's oldest pending job found in one seek
 * of the partial index deliveries_pending_age. Neither scans deliveries, so a
 * scrape costs the same with 10 pending jobs or 10 million.
 */
export const BACKLOG_SQL = 'SELECT flow, endpoint, pending FROM backlog WHERE pending > 0'
export const OLDEST_PENDING_SQL = `SELECT MIN(created_at) AS oldest FROM deliveries INDEXED BY deliveries_pending_age
	WHERE flow = ? AND endpoint = ? AND status = 'pending'`

// The queries behind /metrics and the retention task. Each purge call is one
// short transaction over at most `limit` rows, so ingest (same connection, same
// thread) waits for one batch at most, never for the whole purge.
export class OpsQueries {
	private backlogStmt: Statement
	private oldestStmt: Statement
	private finishedStmt: Statement
	private deleteAttempts: Statement
	private deleteDeliveries: Statement
	private oldEvents: Statement
	private deleteOrphans: Statement

	constructor(private client: Database) {
		this.backlogStmt = client.prepare(BACKLOG_SQL)
		this.oldestStmt = client.prepare(OLDEST_PENDING_SQL)
		// deliveries_status_updated serves this as three short range scans
		this.finishedStmt = client.prepare(`SELECT pk FROM deliveries
			WHERE status IN ('succeeded', 'failed', 'cancelled') AND updated_at < ? LIMIT ?`)
		this.deleteAttempts = client.prepare('DELETE FROM attempts WHERE delivery_pk IN (SELECT value FROM json_each(?))')
		this.deleteDeliveries = client.prepare('DELETE FROM deliveries WHERE pk IN (SELECT value FROM json_each(?))')
		// Candidates are walked in (accepted_at, pk) order behind a cursor, so an old
		// event that still has jobs is looked at once per purge, not once per batch.
		this.oldEvents = client.prepare(`SELECT pk, accepted_at AS acceptedAt FROM events
			WHERE accepted_at < ? AND (accepted_at > ? OR (accepted_at = ? AND pk > ?))
			ORDER BY accepted_at, pk LIMIT ?`)
		this.deleteOrphans = client.prepare(`DELETE FROM events WHERE pk IN (SELECT value FROM json_each(?))
			AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.event_pk = events.pk)`)
	}

	backlog(): BacklogRow[] {
		const rows = this.backlogStmt.all() as Array<{ flow: string; endpoint: string; pending: number }>
		return rows.map((r) => {
			const o = this.oldestStmt.get(r.flow, r.endpoint) as { oldest: number | null }
			return { ...r, oldestCreatedAt: o.oldest ?? 0 }
		})
	}

	/** One batch: finished jobs last changed before `before`, with their attempts. */
	purgeFinishedJobs(before: number, limit: number): { jobs: number; attempts: number } {
		return this.client.transaction(() => {
			const pks = (this.finishedStmt.all(before, limit) as Array<{ pk: number }>).map((r) => r.pk)
			if (pks.length === 0) return { jobs: 0, attempts: 0 }
			const list = JSON.stringify(pks)
			const attempts = this.deleteAttempts.run(list).changes
			const jobs = this.deleteDeliveries.run(list).changes
			return { jobs, attempts }
		}).immediate()
	}

	/** One batch of events accepted before `before`: those with no jobs left go. */
	purgeOrphanEvents(before: number, after: EventCursor | null, limit: number): { events: number; next: EventCursor | null } {
		return this.client.transaction(() => {
			const from = after ?? { acceptedAt: Number.MIN_SAFE_INTEGER, pk: 0 }
			const rows = this.oldEvents.all(before, from.acceptedAt, from.acceptedAt, from.pk, limit) as EventCursor[]
			if (rows.length === 0) return { events: 0, next: null }
			const events = this.deleteOrphans.run(JSON.stringify(rows.map((r) => r.pk))).changes
			return { events, next: rows.length < limit ? null : rows[rows.length - 1] }
		}).immediate()
	}

	/** Moves the WAL into the main file and truncates it to zero bytes. */
	checkpoint() {
		this.client.exec('PRAGMA wal_checkpoint(TRUNCATE)')
	}

	freePages(): { free: number; total: number } {
		const r = this.client.prepare('SELECT f.freelist_count AS free, c.page_count AS total FROM pragma_freelist_count() f, pragma_page_count() c').get() as { free: number; total: number }
		return r
	}

	/** Returns up to `pages` free pages to the file system (auto_vacuum = INCREMENTAL). */
	vacuumStep(pages: number): number {
		const before = this.freePages().free
		this.client.exec(`PRAGMA incremental_vacuum(${Math.max(1, Math.floor(pages))})`)
		return before - this.freePages().free
	}
}
