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

/** nextDue of each [flow, endpoint], in order, in one statement: each an indexed MIN */
export async function nextDueAll(sql: Q, targets: Array<[string, string]>): Promise<Array<number | null>> {
	if (targets.length === 0) return []
	const flows = targets.map((t) => t[0])
	const endpoints = targets.map((t) => t[1])
	const rows = await sql`SELECT (SELECT MIN(next_attempt_at) FROM deliveries
			WHERE flow = t.flow AND endpoint = t.endpoint AND status = 'pending') AS due
		FROM unnest(${flows}::text[], ${endpoints}::text[]) WITH ORDINALITY AS t(flow, endpoint, i) ORDER BY t.i`
	return [...rows].map((r) => r.due === null ? null : num(r.due))
}

export async function events(sql: Q, pks: number[]): Promise<Map<number, Stored>> {
	const out = new Map<number, Stored>()
	if (pks.length === 0) return out
	for (const r of await sql`SELECT * FROM events WHERE pk = ANY(${pks}::bigint[])`) out.set(num(r.pk), toEvent(r))
	return out
}

/**
 * Finished tries in one transaction of three statements, whatever the batch
 * size. The job rows are locked and checked for their owner first: a try whose
 * job was taken back writes nothing (its new owner makes its own); a job
 * cancelled while in flight keeps the attempt but not the outcome.
 */
export async function complete(sql: Q, items: Completion[], defaultOwner: string): Promise<void> {
	if (items.length === 0) return
	await sql.begin(async (tx) => {
		const held = new Map<number, { status: string; owner: string | null }>()
		for (const r of await tx`SELECT pk, status, owner FROM deliveries WHERE pk = ANY(${items.map((c) => c.pk)}::bigint[]) ORDER BY pk FOR UPDATE`) {
			held.set(num(r.pk), { status: r.status, owner: r.owner })
		}
		const mine = items.filter((c) => {
			const h = held.get(c.pk)
			return h !== undefined && h.owner !== null && h.owner === (c.owner ?? defaultOwner)
		})
		if (mine.length === 0) return
		const attempts = mine.map((c) => {
			const a = c.attempt
			return {
				delivery_pk: c.pk, n: a.n, started_at: a.startedAt, url: a.url, request_headers: JSON.stringify(a.requestHeaders),
				request_body: a.requestBody, status: a.status, response_headers: JSON.stringify(a.responseHeaders), response_body: a.responseBody,
				response_truncated: a.responseTruncated, duration_ms: a.durationMs, error_class: a.error?.class ?? null, error_message: a.error?.message ?? null,
			}
		})
		await tx`INSERT INTO attempts ${tx(attempts)}`
		const outcomes = mine.filter((c) => held.get(c.pk)!.status === 'delivering').map((c) => ({
			pk: c.pk, status: c.status, n: c.attempt.n, next: c.nextAttemptAt, last_status: c.attempt.status,
			error_class: c.attempt.error?.class ?? null, error_message: c.attempt.error?.message ?? null, duration: c.attempt.durationMs, now: c.now,
		}))
		if (outcomes.length === 0) return
		// one statement for the whole batch: the values travel as one JSON array
		await tx`UPDATE deliveries d SET status = v.status, attempt_count = v.n, next_attempt_at = v.next, last_status = v.last_status,
				last_error_class = v.error_class, last_error_message = v.error_message, last_duration_ms = v.duration, updated_at = v.now, owner = NULL
			FROM jsonb_to_recordset(${JSON.stringify(outcomes)}::text::jsonb) AS v(pk bigint, status text, n int, next bigint, last_status int,
				error_class text, error_message text, duration int, now bigint)
			WHERE d.pk = v.pk`
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

/**
 * Jobs this owner holds in the database but not in hand: a claim that
 * committed while its answer was lost with the connection, or a release that
 * failed. Left alone they would wait out their lease (timeout + a minute).
 * A test job is never in a dispatcher's hands (the admin request sends it): left alone.
 */
export async function releaseUnheld(sql: Q, held: number[], now: number, owner: string): Promise<number> {
	const r = await sql`UPDATE deliveries SET status = 'pending', owner = NULL, next_attempt_at = ${now}, updated_at = ${now}
		WHERE status = 'delivering' AND owner = ${owner} AND test = false AND NOT (pk = ANY(${held}::bigint[]))`
	return r.count
}

export async function extendLease(sql: Q, pks: number[], leaseUntil: number, owner: string): Promise<number> {
	if (pks.length === 0) return 0
	const r = await sql`UPDATE deliveries SET next_attempt_at = ${leaseUntil}
		WHERE status = 'delivering' AND owner = ${owner} AND pk = ANY(${pks}::bigint[])`
	return r.count
}
