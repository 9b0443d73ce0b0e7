// The admin API's reads and changes of jobs (deliveries). Lists page by
// keyset on deliveries.pk, newest first: a row inserted while someone pages
// gets a higher pk, so it can never shift a page that is being read.
import type { Database } from 'bun:sqlite'
import { DELIVERY_STATUSES, type AttemptErrorClass, type DeliveryStatus } from '../../domain'
import type { BulkReplayFilter, JobChange, JobFilter, JobRecord, Page } from '../records'
import type { AttemptRecord } from '../types'
import { firstPkAt, SLACK_MS } from './admin-scan'

interface JobRow {
	pk: number; id: string; flow: string; endpoint: string; event_pk: number; event_id: string; event_type: string
	session_id: string | null; status: string; test: number; attempt_count: number; schedule_base: number
	next_attempt_at: number; last_status: number | null; last_error_class: string | null; last_error_message: string | null
	last_duration_ms: number | null; created_at: number; updated_at: number
}

const SELECT_JOB = `SELECT d.pk, d.id, d.flow, d.endpoint, d.event_pk, e.id AS event_id, e.type AS event_type, e.session_id,
	d.status, d.test, d.attempt_count, d.schedule_base, d.next_attempt_at, d.last_status, d.last_error_class,
	d.last_error_message, d.last_duration_ms, d.created_at, d.updated_at
	FROM deliveries d JOIN events e ON e.pk = d.event_pk`

export const toJob = (r: JobRow): JobRecord => ({
	pk: r.pk, id: r.id, flow: r.flow, endpoint: r.endpoint, eventPk: r.event_pk, eventId: r.event_id, eventType: r.event_type,
	sessionId: r.session_id, status: r.status as DeliveryStatus, test: r.test === 1, attemptCount: r.attempt_count,
	scheduleBase: r.schedule_base, nextAttemptAt: r.next_attempt_at, lastStatus: r.last_status,
	lastError: r.last_error_class === null ? null : { class: r.last_error_class as AttemptErrorClass, message: r.last_error_message ?? '' },
	lastDurationMs: r.last_duration_ms, createdAt: r.created_at, updatedAt: r.updated_at,
})

const marks = (n: number) => Array.from({ length: n }, () => '?').join(',')

/**
 * WHERE terms and their values. Job columns named in `unindexed` are written
 * `+d.x`, which keeps SQLite off their indexes: walking the rowid newest first
 * beats reading an index whose matches must then all be sorted. The event
 * filters go through the events indexes either way.
 */
function where(f: JobFilter, unindexed: ReadonlyArray<'flow' | 'endpoint' | 'status'> = []): { sql: string; args: Array<string | number> } {
	const terms: string[] = []
	const args: Array<string | number> = []
	const add = (term: string, ...values: Array<string | number>) => { terms.push(term); args.push(...values) }
	const col = (name: 'flow' | 'endpoint' | 'status') => (unindexed.includes(name) ? `+d.${name}` : `d.${name}`)
	if (f.flow !== undefined) add(`${col('flow')} = ?`, f.flow)
	if (f.endpoint !== undefined) add(`${col('endpoint')} = ?`, f.endpoint)
	if (f.statuses?.length) add(`${col('status')} IN (${marks(f.statuses.length)})`, ...f.statuses)
	if (f.eventId !== undefined) {
		add(`d.event_pk IN (SELECT pk FROM events WHERE id = ?${f.flow !== undefined ? ' AND flow = ?' : ''})`, f.eventId, ...(f.flow !== undefined ? [f.flow] : []))
	}
	if (f.sessionId !== undefined) {
		if (f.flow !== undefined) add('d.event_pk IN (SELECT pk FROM events WHERE flow = ? AND session_id = ?)', f.flow, f.sessionId)
		else add('e.session_id = ?', f.sessionId)
	}
	if (f.type !== undefined) add('e.type = ?', f.type)
	if (f.since !== undefined) add('d.created_at >= ?', f.since)
	if (f.until !== undefined) add('d.created_at < ?', f.until)
	if (f.updatedSince !== undefined) add('d.updated_at >= ?', f.updatedSince)
	return { sql: terms.join(' AND '), args }
}

const ALL = ['flow', 'endpoint', 'status'] as const

/** Past this many matches of the indexed filters, walking pks finds a page sooner than sorting the matches. */
const DENSE = 2000

interface Plan {
	/** an INDEXED BY clause, or '' */
	from: string
	unindexed: ReadonlyArray<'flow' | 'endpoint' | 'status'>
	/** the filter, restated where the index needs it (same rows) */
	filter: JobFilter
}

/**
 * How to read a page: a selective filter (an event, a session, or few jobs of
 * a flow, endpoint or status) reads its index and sorts the few it found; a
 * common one walks the newest pks until the page is full. A bounded probe of
 * the index tells them apart, so a page of a million jobs costs milliseconds.
 */
function planFor(client: Database, f: JobFilter): Plan {
	const walk: Plan = { from: '', unindexed: ALL, filter: f }
	if (f.eventId !== undefined || (f.sessionId !== undefined && f.flow !== undefined)) return walk
	let index: Plan
	if (f.updatedSince !== undefined) {
		// "what changed lately" (the viewer's poll): (status, updated_at) holds the answer; every status spelled out to use it
		index = { from: ' INDEXED BY deliveries_status_updated', unindexed: ['flow', 'endpoint'], filter: { ...f, statuses: f.statuses ?? [...DELIVERY_STATUSES] } }
	} else if (f.statuses?.length && f.endpoint === undefined) {
		index = { from: ' INDEXED BY deliveries_status_updated', unindexed: ['flow'], filter: f }
	} else if (f.flow !== undefined) {
		index = { from: ' INDEXED BY deliveries_claim', unindexed: [], filter: f }
	} else return walk
	const g = index.filter
	const w = where({ flow: g.flow, endpoint: g.endpoint, statuses: g.statuses, updatedSince: g.updatedSince }, index.unindexed)
	const r = client.query(`SELECT COUNT(*) AS n FROM (SELECT 1 FROM deliveries d${index.from} WHERE ${w.sql} LIMIT ${DENSE})`).get(...w.args) as { n: number }
	return r.n >= DENSE ? walk : index
}

export function listJobs(client: Database, f: JobFilter, page: Page): JobRecord[] {
	const plan = planFor(client, f)
	const w = where(plan.filter, plan.unindexed)
	const terms = [w.sql, page.beforePk !== null ? 'd.pk < ?' : ''].filter(Boolean)
	const args = [...w.args, ...(page.beforePk !== null ? [page.beforePk] : []), page.limit]
	const sql = `${SELECT_JOB.replace('FROM deliveries d', `FROM deliveries d${plan.from}`)}${terms.length ? ` WHERE ${terms.join(' AND ')}` : ''} ORDER BY d.pk DESC LIMIT ?`
	return (client.query(sql).all(...args) as JobRow[]).map(toJob)
}

export function getJob(client: Database, id: string): JobRecord | null {
	const r = client.query(`${SELECT_JOB} WHERE d.id = ?`).get(id) as JobRow | null
	return r ? toJob(r) : null
}

export function jobsOfEvents(client: Database, eventPks: number[]): JobRecord[] {
	if (eventPks.length === 0) return []
	return (client.query(`${SELECT_JOB} WHERE d.event_pk IN (${marks(eventPks.length)}) ORDER BY d.pk`).all(...eventPks) as JobRow[]).map(toJob)
}

interface AttemptRow {
	n: number; started_at: number; url: string; request_headers: string; request_body: string; status: number | null
	response_headers: string; response_body: string; response_truncated: number; duration_ms: number
	error_class: string | null; error_message: string | null
}

export function jobAttempts(client: Database, deliveryPk: number): AttemptRecord[] {
	const rows = client.query('SELECT * FROM attempts WHERE delivery_pk = ? ORDER BY n, pk').all(deliveryPk) as AttemptRow[]
	return rows.map((r) => ({
		n: r.n, startedAt: r.started_at, url: r.url, requestHeaders: JSON.parse(r.request_headers), requestBody: r.request_body,
		status: r.status, responseHeaders: JSON.parse(r.response_headers), responseBody: r.response_body,
		responseTruncated: r.response_truncated === 1, durationMs: r.duration_ms,
		error: r.error_class === null ? null : { class: r.error_class as AttemptErrorClass, message: r.error_message ?? '' },
	}))
}

// The writes below are transaction-agnostic: run alone they commit on their
// own; inside the store's shared write transaction they become a savepoint.

// A replay starts a fresh retry schedule: the run number goes on, the schedule
// counts from the attempts already made (schedule_base).
const REPLAY_SET = `status = 'pending', schedule_base = attempt_count, next_attempt_at = ?, updated_at = ?`

/** Replays one job unless it is in flight. */
export function replayJob(client: Database, id: string, now: number): JobChange {
	return client.transaction((): JobChange => {
		const job = getJob(client, id)
		if (!job) return { kind: 'missing' }
		if (job.status === 'delivering') return { kind: 'refused', job }
		client.query(`UPDATE deliveries SET ${REPLAY_SET} WHERE pk = ?`).run(now, now, job.pk)
		return { kind: 'changed', job: getJob(client, id)! }
	})()
}

/** Stops a job that has not finished; one in flight keeps its attempt but its outcome no longer changes the status. */
export function cancelJob(client: Database, id: string, now: number): JobChange {
	return client.transaction((): JobChange => {
		const job = getJob(client, id)
		if (!job) return { kind: 'missing' }
		if (job.status !== 'pending' && job.status !== 'delivering') return { kind: 'refused', job }
		client.query(`UPDATE deliveries SET status = 'cancelled', updated_at = ? WHERE pk = ?`).run(now, job.pk)
		return { kind: 'changed', job: getJob(client, id)! }
	})()
}

export function lastJobPk(client: Database): number {
	return (client.query('SELECT COALESCE(MAX(pk), 0) AS pk FROM deliveries').get() as { pk: number }).pk
}

/** Rows a bulk-replay chunk looks at, at most, whatever it finds: bounded work per transaction. */
const REPLAY_SCAN = 50_000

/**
 * One short transaction of a bulk replay: up to `limit` matching jobs after
 * `afterPk`, looking at no more than REPLAY_SCAN rows. `next` is where the
 * following chunk starts, null when the range is done.
 */
export function replayJobsChunk(client: Database, f: BulkReplayFilter, afterPk: number, limit: number, now: number): { replayed: number; next: number | null } {
	// skip the history before the range; jobs are created in pk order
	const from = Math.max(afterPk, firstPkAt(client, 'deliveries', 'created_at', f.since - SLACK_MS) - 1)
	const to = Math.min(from + REPLAY_SCAN, f.maxPk)
	const w = where({ flow: f.flow, endpoint: f.endpoint, statuses: f.statuses, since: f.since, until: f.until }, ALL)
	const sql = `UPDATE deliveries SET ${REPLAY_SET} WHERE pk IN (
		SELECT d.pk FROM deliveries d
		WHERE ${w.sql} AND +d.status != 'delivering' AND d.test = 0 AND d.pk > ? AND d.pk <= ? ORDER BY d.pk LIMIT ?)
		RETURNING pk`
	return client.transaction(() => {
		const rows = client.query(sql).all(now, now, ...w.args, from, to, limit) as Array<{ pk: number }>
		const last = rows.reduce((m, r) => Math.max(m, r.pk), from)
		const next = rows.length === limit ? last : to
		return { replayed: rows.length, next: next >= f.maxPk ? null : next }
	})()
}

/** Jobs by flow, endpoint and status, test jobs included as in job lists: the counts the triggers of the job_counts migration keep, a row per group whatever the number of jobs. */
export function jobCounts(client: Database, flow: string | null): Array<{ flow: string; endpoint: string; status: DeliveryStatus; count: number }> {
	const sql = `SELECT flow, endpoint, status, count FROM job_counts WHERE count > 0${flow !== null ? ' AND flow = ?' : ''}
		ORDER BY flow, endpoint, status`
	return client.query(sql).all(...(flow !== null ? [flow] : [])) as Array<{ flow: string; endpoint: string; status: DeliveryStatus; count: number }>
}
