// The job queue across instances. A claim stamps the owner and the lease end
// in the statement that picks the rows (FOR UPDATE SKIP LOCKED: two instances
// claiming at once take different rows and never wait for each other); every
// later write of a claimed job names its owner, so a try whose lease was taken
// back by another instance cannot overwrite that instance's claim.
import type { ClaimedJob, Completion } from '../types'
import { num, toEvent, type Q, type Stored } from './rows'

/** Rows taken per statement: a big claim is a few short ones, so locks are held briefly. */
export const CLAIM_CHUNK = 100

export async function claim(sql: Q, flow: string, endpoint: string, limit: number, now: number, leaseUntil: number, owner: string): Promise<ClaimedJob[]> {
	const out: ClaimedJob[] = []
	while (out.length < limit) {
		const take = Math.min(CLAIM_CHUNK, limit - out.length)
		const rows = await sql`WITH picked AS (
				SELECT pk FROM deliveries WHERE flow = ${flow} AND endpoint = ${endpoint} AND status = 'pending' AND next_attempt_at <= ${now}
				ORDER BY next_attempt_at LIMIT ${take} FOR UPDATE SKIP LOCKED)
			UPDATE deliveries d SET status = 'delivering', owner = ${owner}, next_attempt_at = ${leaseUntil}, updated_at = ${now}
			FROM picked WHERE d.pk = picked.pk
			RETURNING d.pk, d.id, d.flow, d.endpoint, d.event_pk, d.attempt_count, d.schedule_base, d.test`
		for (const r of rows) {
			out.push({
				pk: num(r.pk), id: r.id, flow: r.flow, endpoint: r.endpoint, eventPk: num(r.event_pk),
				attemptCount: num(r.attempt_count), scheduleBase: num(r.schedule_base), test: r.test,
			})
		}
		if (rows.length < take) break
	}
	return out.sort((a, b) => a.pk - b.pk)
}

export async function nextDue(sql: Q, flow: string, endpoint: string): Promise<number | null> {
	const [r] = await sql`SELECT MIN(next_attempt_at) AS due FROM deliveries WHERE flow = ${flow} AND endpoint = ${endpoint} AND status = 'pending'`
	return r.due === null ? null : num(r.due)
}

export async function events(sql: Q, pks: number[]): Promise<Map<number, Stored>> {
	const out = new Map<number, Stored>()
	if (pks.length === 0) return out
	for (const r of await sql`SELECT * FROM events WHERE pk = ANY(${pks}::bigint[])`) out.set(num(r.pk), toEvent(r))
	return out
}

/**
 * Finished tries in one transaction. Each job row is locked and checked for
 * its owner first: a try whose job was taken back writes nothing (its new
 * owner will make its own); a job cancelled while in flight keeps the attempt
 * but not the outcome.
 */
export async function complete(sql: Q, items: Completion[], defaultOwner: string): Promise<void> {
	if (items.length === 0) return
	await sql.begin(async (tx) => {
		for (const c of items) {
			const owner = c.owner ?? defaultOwner
			const [held] = await tx`SELECT status FROM deliveries WHERE pk = ${c.pk} AND owner = ${owner} FOR UPDATE`
			if (!held) continue
			const a = c.attempt
			await tx`INSERT INTO attempts (delivery_pk, n, started_at, url, request_headers, request_body, status,
				response_headers, response_body, response_truncated, duration_ms, error_class, error_message)
				VALUES (${c.pk}, ${a.n}, ${a.startedAt}, ${a.url}, ${JSON.stringify(a.requestHeaders)}, ${a.requestBody}, ${a.status},
				${JSON.stringify(a.responseHeaders)}, ${a.responseBody}, ${a.responseTruncated}, ${a.durationMs}, ${a.error?.class ?? null}, ${a.error?.message ?? null})`
			if (held.status !== 'delivering') continue
			await tx`UPDATE deliveries SET status = ${c.status}, attempt_count = ${a.n}, next_attempt_at = ${c.nextAttemptAt},
				last_status = ${a.status}, last_error_class = ${a.error?.class ?? null}, last_error_message = ${a.error?.message ?? null},
				last_duration_ms = ${a.durationMs}, updated_at = ${c.now}, owner = NULL WHERE pk = ${c.pk}`
		}
	})
}

/** Start-up: only this owner's leftovers; another live instance's leases are its own business. */
export async function recoverInFlight(sql: Q, now: number, owner: string): Promise<number> {
	const r = await sql`UPDATE deliveries SET status = 'pending', owner = NULL, next_attempt_at = ${now}, updated_at = ${now}
		WHERE status = 'delivering' AND owner = ${owner}`
	return r.count
}

/** Any instance takes back a lease that ran out: its holder died or hung. */
export async function reclaimExpired(sql: Q, now: number): Promise<number> {
	const r = await sql`UPDATE deliveries SET status = 'pending', owner = NULL, next_attempt_at = ${now}, updated_at = ${now}
		WHERE status = 'delivering' AND next_attempt_at < ${now}`
	return r.count
}

export async function release(sql: Q, pks: number[], now: number, owner: string): Promise<void> {
	if (pks.length === 0) return
	await sql`UPDATE deliveries SET status = 'pending', owner = NULL, next_attempt_at = ${now}, updated_at = ${now}
		WHERE status = 'delivering' AND owner = ${owner} AND pk = ANY(${pks}::bigint[])`
}

export async function extendLease(sql: Q, pks: number[], leaseUntil: number, owner: string): Promise<number> {
	if (pks.length === 0) return 0
	const r = await sql`UPDATE deliveries SET next_attempt_at = ${leaseUntil}
		WHERE status = 'delivering' AND owner = ${owner} AND pk = ANY(${pks}::bigint[])`
	return r.count
}
