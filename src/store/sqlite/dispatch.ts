import type { Database, Statement } from 'bun:sqlite'
import type { StoredEvent } from '../../domain'
import type { ClaimedJob, Completion } from '../types'

interface EventRow {
	pk: number; flow: string; id: string; type: string; session_id: string | null; occurred_at: number
	success: number; data: string; metadata: string; accepted_at: number; trace_context?: string | null
}

export const eventFromRow = (r: EventRow): StoredEvent & { pk: number } => ({
	pk: r.pk, flow: r.flow, id: r.id, type: r.type, sessionId: r.session_id, occurredAt: r.occurred_at,
	success: r.success === 1, data: JSON.parse(r.data), metadata: JSON.parse(r.metadata), acceptedAt: r.accepted_at,
	traceContext: r.trace_context ?? null,
})

/** One instance per SQLite file (its lock file): the owner of every lease unless a caller names another. */
export const LOCAL_OWNER = 'local'

// The statements the dispatcher runs in its loop, prepared once.
export class DispatchQueries {
	private claimStmt: Statement
	private nextDueStmt: Statement
	private nextDueAllStmt: Statement
	private insertAttempt: Statement
	private finishDelivery: Statement
	private eventsStmt: Statement
	private futureStmt: Statement

	constructor(private client: Database) {
		// Claiming moves the due time to the lease's end in the same statement, so a
		// crashed claimer's rows come due again by themselves and the index stays tight.
		this.claimStmt = client.prepare(`UPDATE deliveries SET status = 'delivering', owner = ?, next_attempt_at = ?, updated_at = ?
			WHERE pk IN (SELECT pk FROM deliveries WHERE flow = ? AND endpoint = ? AND status = 'pending' AND next_attempt_at <= ?
				ORDER BY next_attempt_at LIMIT ?)
			RETURNING pk, id, flow, endpoint, event_pk AS eventPk, attempt_count AS attemptCount, schedule_base AS scheduleBase, test`)
		this.futureStmt = client.prepare(`SELECT 1 AS x WHERE EXISTS (SELECT 1 FROM deliveries WHERE status = 'pending' AND updated_at > ?)
			OR EXISTS (SELECT 1 FROM deliveries WHERE status = 'delivering' AND updated_at > ?)`)
		this.eventsStmt = client.prepare('SELECT * FROM events WHERE pk IN (SELECT value FROM json_each(?))')
		this.nextDueStmt = client.prepare(`SELECT MIN(next_attempt_at) AS due FROM deliveries WHERE flow = ? AND endpoint = ? AND status = 'pending'`)
		// one statement for every endpoint of a sweep, each an indexed MIN on deliveries_claim
		this.nextDueAllStmt = client.prepare(`SELECT (SELECT MIN(next_attempt_at) FROM deliveries
				WHERE flow = json_extract(t.value, '$[0]') AND endpoint = json_extract(t.value, '$[1]') AND status = 'pending') AS due
			FROM json_each(?) AS t ORDER BY t.key`)
		this.insertAttempt = client.prepare(`INSERT INTO attempts (delivery_pk, n, started_at, url, request_headers, request_body, status,
			response_headers, response_body, response_truncated, duration_ms, error_class, error_message)
			SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM deliveries WHERE pk = ? AND owner IS ?)`)
		this.finishDelivery = client.prepare(`UPDATE deliveries SET status = ?, attempt_count = ?, next_attempt_at = ?, last_status = ?,
			last_error_class = ?, last_error_message = ?, last_duration_ms = ?, updated_at = ?, owner = NULL
			WHERE pk = ? AND status = 'delivering' AND owner IS ?`)
	}

	claim(flow: string, endpoint: string, limit: number, now: number, leaseUntil: number, owner = LOCAL_OWNER): ClaimedJob[] {
		const rows = this.claimStmt.all(owner, leaseUntil, now, flow, endpoint, now, limit) as Array<Omit<ClaimedJob, 'test'> & { test: number }>
		return rows.map((r) => ({ ...r, test: r.test === 1 }))
	}

	nextDue(flow: string, endpoint: string): number | null {
		const r = this.nextDueStmt.get(flow, endpoint) as { due: number | null }
		return r.due
	}

	/** nextDue of each [flow, endpoint], in order, in one statement */
	nextDueAll(targets: Array<[string, string]>): Array<number | null> {
		if (targets.length === 0) return []
		const rows = this.nextDueAllStmt.all(JSON.stringify(targets)) as Array<{ due: number | null }>
		return rows.map((r) => r.due)
	}

	/**
	 * The wall clock stepped by deltaMs: due times and leases written under the
	 * old clock move with it, so nothing waits hours and nothing fires hours
	 * early. `writtenUpTo` (old clock) leaves rows written after the step alone;
	 * null moves them all.
	 *
	 * With `now`, rows then still written later than now + toleranceMs follow
	 * the clock too: such a row was written under a clock that ran ahead of this
	 * one (a step forward and back between two looks, or while no dispatcher
	 * looked), which no single step describes. Each writer sets updated_at with
	 * the same reading as next_attempt_at, so the delay it meant is kept.
	 */
	shiftDue(deltaMs: number, writtenUpTo: number | null, now?: number, toleranceMs = 0): number {
		// updated_at moves too, so a later step tells these rows by the clock they now follow
		let moved = deltaMs === 0 ? 0 : this.client.prepare(`UPDATE deliveries SET next_attempt_at = next_attempt_at + ?1, updated_at = updated_at + ?1
			WHERE status IN ('pending', 'delivering') AND (?2 IS NULL OR updated_at <= ?2)`).run(deltaMs, writtenUpTo).changes
		if (now !== undefined) moved += this.client.prepare(`UPDATE deliveries SET next_attempt_at = next_attempt_at - (updated_at - ?1), updated_at = ?1
			WHERE status IN ('pending', 'delivering') AND updated_at > ?1 + ?2`).run(now, toleranceMs).changes
		return moved
	}

	/** Whether a row is written later than `after`: an indexed probe (deliveries_status_updated), so a sweep can ask cheaply. */
	writtenAfter(after: number): boolean {
		return this.futureStmt.get(after, after) != null
	}

	events(pks: number[]): Map<number, StoredEvent & { pk: number }> {
		const out = new Map<number, StoredEvent & { pk: number }>()
		if (pks.length === 0) return out
		// one prepared statement for any number of keys: the list travels as JSON
		const rows = this.eventsStmt.all(JSON.stringify(pks)) as EventRow[]
		for (const r of rows) out.set(r.pk, eventFromRow(r))
		return out
	}

	/** Writes finished attempts of jobs their owner still holds; the caller's transaction makes the batch atomic. */
	complete(items: Completion[]) {
		for (const c of items) {
			const a = c.attempt
			const owner = c.owner ?? LOCAL_OWNER
			this.insertAttempt.run(c.pk, a.n, a.startedAt, a.url, JSON.stringify(a.requestHeaders), a.requestBody, a.status,
				JSON.stringify(a.responseHeaders), a.responseBody, a.responseTruncated ? 1 : 0, a.durationMs,
				a.error?.class ?? null, a.error?.message ?? null, c.pk, owner)
			this.finishDelivery.run(c.status, a.n, c.nextAttemptAt, a.status, a.error?.class ?? null, a.error?.message ?? null,
				a.durationMs, c.now, c.pk, owner)
		}
	}

	/** After a crash every job left in flight is due again: at least once, never lost. */
	recoverInFlight(now: number, owner?: string): number {
		if (owner === undefined) {
			return this.client.prepare(`UPDATE deliveries SET status = 'pending', owner = NULL, next_attempt_at = ?, updated_at = ? WHERE status = 'delivering'`)
				.run(now, now).changes
		}
		return this.client.prepare(`UPDATE deliveries SET status = 'pending', owner = NULL, next_attempt_at = ?, updated_at = ?
			WHERE status = 'delivering' AND owner = ?`).run(now, now, owner).changes
	}

	/** While delivering, next_attempt_at is the lease's end: past it, the job was lost. */
	reclaimExpired(now: number): number {
		return this.client.prepare(`UPDATE deliveries SET status = 'pending', owner = NULL, next_attempt_at = ?, updated_at = ?
			WHERE status = 'delivering' AND next_attempt_at < ?`).run(now, now, now).changes
	}

	/** Jobs a stopping dispatcher could not finish go back to pending, due now. */
	release(pks: number[], now: number, owner = LOCAL_OWNER) {
		if (pks.length === 0) return
		this.client.prepare(`UPDATE deliveries SET status = 'pending', owner = NULL, next_attempt_at = ?, updated_at = ?
			WHERE status = 'delivering' AND owner IS ? AND pk IN (SELECT value FROM json_each(?))`).run(now, now, owner, JSON.stringify(pks))
	}

	releaseUnheld(held: number[], now: number, owner = LOCAL_OWNER): number {
		return this.client.prepare(`UPDATE deliveries SET status = 'pending', owner = NULL, next_attempt_at = ?, updated_at = ?
			WHERE status = 'delivering' AND owner IS ? AND test = 0 AND pk NOT IN (SELECT value FROM json_each(?))`).run(now, now, owner, JSON.stringify(held)).changes
	}

	/** A try that runs longer keeps its job: only while the owner still holds it. */
	extendLease(pks: number[], leaseUntil: number, owner = LOCAL_OWNER): number {
		if (pks.length === 0) return 0
		return this.client.prepare(`UPDATE deliveries SET next_attempt_at = ?
			WHERE status = 'delivering' AND owner IS ? AND pk IN (SELECT value FROM json_each(?))`).run(leaseUntil, owner, JSON.stringify(pks)).changes
	}
}
