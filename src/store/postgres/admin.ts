// The admin API's reads and changes on PostgreSQL. Lists page by keyset on pk,
// newest first, as in SQLite; the planner picks the indexes by itself.
import type { DeliveryStatus } from '../../domain'
import { newJobId } from '../ids'
import type { BulkReplayFilter, EventFilter, JobChange, JobFilter, JobRecord, Page, TestJobInput } from '../records'
import type { AttemptRecord } from '../types'
import { num, Params, SELECT_JOB, toAttempt, toEvent, toJob, type Q, type Stored } from './rows'

function jobWhere(f: JobFilter, p: Params): string[] {
	const terms: string[] = []
	if (f.flow !== undefined) terms.push(`d.flow = ${p.add(f.flow)}`)
	if (f.endpoint !== undefined) terms.push(`d.endpoint = ${p.add(f.endpoint)}`)
	if (f.statuses?.length) terms.push(`d.status = ANY(${p.add(f.statuses)}::text[])`)
	if (f.eventId !== undefined) terms.push(`e.id = ${p.add(f.eventId)}`)
	if (f.sessionId !== undefined) terms.push(`e.session_id = ${p.add(f.sessionId)}`)
	if (f.type !== undefined) terms.push(`e.type = ${p.add(f.type)}`)
	if (f.since !== undefined) terms.push(`d.created_at >= ${p.add(f.since)}`)
	if (f.until !== undefined) terms.push(`d.created_at < ${p.add(f.until)}`)
	if (f.updatedSince !== undefined) terms.push(`d.updated_at >= ${p.add(f.updatedSince)}`)
	return terms
}

export async function listJobs(sql: Q, f: JobFilter, page: Page): Promise<JobRecord[]> {
	const p = new Params()
	const terms = jobWhere(f, p)
	if (page.beforePk !== null) terms.push(`d.pk < ${p.add(page.beforePk)}`)
	const text = `${SELECT_JOB}${terms.length ? ` WHERE ${terms.join(' AND ')}` : ''} ORDER BY d.pk DESC LIMIT ${p.add(page.limit)}`
	return [...await sql.unsafe(text, p.values)].map(toJob)
}

export async function getJob(sql: Q, id: string): Promise<JobRecord | null> {
	const [r] = await sql.unsafe(`${SELECT_JOB} WHERE d.id = $1`, [id])
	return r ? toJob(r) : null
}

export async function jobsOfEvents(sql: Q, eventPks: number[]): Promise<JobRecord[]> {
	if (eventPks.length === 0) return []
	return [...await sql.unsafe(`${SELECT_JOB} WHERE d.event_pk = ANY($1::bigint[]) ORDER BY d.pk`, [eventPks])].map(toJob)
}

export async function jobAttempts(sql: Q, deliveryPk: number): Promise<AttemptRecord[]> {
	return [...await sql`SELECT * FROM attempts WHERE delivery_pk = ${deliveryPk} ORDER BY n, pk`].map(toAttempt)
}

// A replay starts a fresh retry schedule (schedule_base) and leaves no owner behind.
const REPLAY_SET = `status = 'pending', owner = NULL, schedule_base = attempt_count, next_attempt_at = $1, updated_at = $1`

/** Replays one job unless it is in flight; the row lock keeps a claim from slipping in between. */
export async function replayJob(sql: Q, id: string, now: number): Promise<JobChange> {
	return sql.begin(async (tx): Promise<JobChange> => {
		const [row] = await tx`SELECT status FROM deliveries WHERE id = ${id} FOR UPDATE`
		if (!row) return { kind: 'missing' }
		if (row.status === 'delivering') return { kind: 'refused', job: (await getJob(tx, id))! }
		await tx.unsafe(`UPDATE deliveries SET ${REPLAY_SET} WHERE id = $2`, [now, id])
		return { kind: 'changed', job: (await getJob(tx, id))! }
	})
}

/** Stops a job that has not finished; one in flight keeps its owner, so its attempt is still written but its outcome is not. */
export async function cancelJob(sql: Q, id: string, now: number): Promise<JobChange> {
	return sql.begin(async (tx): Promise<JobChange> => {
		const [row] = await tx`SELECT status FROM deliveries WHERE id = ${id} FOR UPDATE`
		if (!row) return { kind: 'missing' }
		if (row.status !== 'pending' && row.status !== 'delivering') return { kind: 'refused', job: (await getJob(tx, id))! }
		await tx`UPDATE deliveries SET status = 'cancelled', updated_at = ${now} WHERE id = ${id}`
		return { kind: 'changed', job: (await getJob(tx, id))! }
	})
}

export async function lastJobPk(sql: Q): Promise<number> {
	const [r] = await sql`SELECT COALESCE(MAX(pk), 0) AS pk FROM deliveries`
	return num(r.pk)
}

/** One short transaction of a bulk replay: up to `limit` matching jobs after `afterPk`, none in flight, none created after the replay began. */
export async function replayJobsChunk(sql: Q, f: BulkReplayFilter, afterPk: number, limit: number, now: number): Promise<{ replayed: number; next: number | null }> {
	const p = new Params()
	p.add(now)
	const terms = jobWhere({ flow: f.flow, endpoint: f.endpoint, statuses: f.statuses, since: f.since, until: f.until }, p)
	const text = `UPDATE deliveries SET ${REPLAY_SET} WHERE pk IN (
		SELECT d.pk FROM deliveries d WHERE ${terms.join(' AND ')} AND d.status <> 'delivering' AND d.test = false
			AND d.pk > ${p.add(afterPk)} AND d.pk <= ${p.add(f.maxPk)} ORDER BY d.pk LIMIT ${p.add(limit)} FOR UPDATE SKIP LOCKED)
		RETURNING pk`
	const rows = [...await sql.unsafe(text, p.values)]
	const last = rows.reduce((m, r) => Math.max(m, num(r.pk)), afterPk)
	const next = rows.length === limit && last < f.maxPk ? last : null
	return { replayed: rows.length, next }
}

export async function listEvents(sql: Q, f: EventFilter, page: Page): Promise<Stored[]> {
	const p = new Params()
	const terms: string[] = []
	if (f.flow !== undefined) terms.push(`flow = ${p.add(f.flow)}`)
	if (f.type !== undefined) terms.push(`type = ${p.add(f.type)}`)
	if (f.sessionId !== undefined) terms.push(`session_id = ${p.add(f.sessionId)}`)
	if (page.beforePk !== null) terms.push(`pk < ${p.add(page.beforePk)}`)
	const text = `SELECT * FROM events${terms.length ? ` WHERE ${terms.join(' AND ')}` : ''} ORDER BY pk DESC LIMIT ${p.add(page.limit)}`
	return [...await sql.unsafe(text, p.values)].map(toEvent)
}

export async function findEvents(sql: Q, id: string, flow: string | null): Promise<Stored[]> {
	const rows = flow === null
		? await sql`SELECT * FROM events WHERE id = ${id} ORDER BY flow`
		: await sql`SELECT * FROM events WHERE id = ${id} AND flow = ${flow}`
	return [...rows].map(toEvent)
}

/** A test event and its one job, stored in flight under `owner` so no dispatcher claims it while the admin request sends it. */
export async function insertTestJob(sql: Q, t: TestJobInput, owner: string): Promise<{ job: JobRecord; event: Stored } | null> {
	return sql.begin(async (tx) => {
		let metadata = '{}'
		const e = t.event
		if (e.sessionId !== null) {
			const [s] = await tx`SELECT metadata FROM sessions WHERE flow = ${t.flow} AND id = ${e.sessionId}`
			if (!s) return null
			metadata = s.metadata
		}
		const occurredAt = e.occurredAt ?? t.now
		const [ev] = await tx`INSERT INTO events (flow, id, type, session_id, occurred_at, occurred_at_sent, success, data, metadata, accepted_at)
			VALUES (${t.flow}, ${e.id}, ${e.type}, ${e.sessionId}, ${occurredAt}, ${e.occurredAt !== null}, ${e.success}, ${JSON.stringify(e.data)}, ${metadata}, ${t.now})
			RETURNING pk`
		const id = newJobId()
		await tx`INSERT INTO deliveries (id, flow, endpoint, event_pk, status, owner, test, attempt_count, schedule_base, next_attempt_at, created_at, updated_at)
			VALUES (${id}, ${t.flow}, ${t.endpoint}, ${ev.pk}, 'delivering', ${owner}, true, 0, 0, ${t.leaseUntil}, ${t.now}, ${t.now})`
		const event: Stored = {
			pk: num(ev.pk), flow: t.flow, id: e.id, type: e.type, sessionId: e.sessionId, occurredAt, success: e.success,
			data: e.data, metadata: JSON.parse(metadata), acceptedAt: t.now,
		}
		return { job: (await getJob(tx, id))!, event }
	})
}
