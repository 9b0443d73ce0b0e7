import type { FailedJobs, UndeliveredRow } from '../records'
import { gather } from '../sqlite/signals'
import type { EndpointStateRecord } from '../types'
import { saveState } from './endpoints'
import { num, numOrNull, toState, type Q } from './rows'

// Each transition is decided once across instances: the endpoint's row is read
// under its lock (FOR UPDATE; a missing row is created first so there is one
// to lock), changed, and written in the same transaction, and marks move by
// compare-and-set. Whoever's transaction made the change is the one that saw it.

export async function changeState(sql: Q, flow: string, endpoint: string, change: (s: EndpointStateRecord) => EndpointStateRecord | null) {
	return sql.begin(async (tx) => {
		await tx`INSERT INTO endpoint_state (flow, endpoint, enabled, consecutive_failures, updated_at)
			VALUES (${flow}, ${endpoint}, true, 0, 0) ON CONFLICT (flow, endpoint) DO NOTHING`
		const [r] = await tx`SELECT * FROM endpoint_state WHERE flow = ${flow} AND endpoint = ${endpoint} FOR UPDATE`
		const before = toState(r)
		const next = change(before)
		if (next === null) return { before, after: before }
		await saveState(tx, next)
		return { before, after: next }
	})
}

export async function mark(sql: Q, key: string): Promise<number | null> {
	const [r] = await sql`SELECT at FROM op_marks WHERE key = ${key}`
	return r ? num(r.at) : null
}

export async function moveMark(sql: Q, key: string, expected: number | null, next: number): Promise<boolean> {
	const r = expected === null
		? await sql`INSERT INTO op_marks (key, at) VALUES (${key}, ${next}) ON CONFLICT (key) DO NOTHING RETURNING key`
		: await sql`UPDATE op_marks SET at = ${next} WHERE key = ${key} AND at = ${expected} RETURNING key`
	return r.length === 1
}

export async function failedJobs(sql: Q, flow: string, endpoint: string, after: number, upTo: number, limit: number): Promise<FailedJobs> {
	const [agg] = await sql`SELECT count(*) AS n, min(updated_at) AS since FROM deliveries
		WHERE flow = ${flow} AND endpoint = ${endpoint} AND status = 'failed' AND NOT test AND updated_at > ${after} AND updated_at <= ${upTo}`
	const ids = await sql`SELECT id FROM deliveries
		WHERE flow = ${flow} AND endpoint = ${endpoint} AND status = 'failed' AND NOT test AND updated_at > ${after} AND updated_at <= ${upTo}
		ORDER BY updated_at, pk LIMIT ${limit}`
	const [last] = await sql`SELECT last_error_class AS c, last_error_message AS m, last_status AS s FROM deliveries
		WHERE flow = ${flow} AND endpoint = ${endpoint} AND status = 'failed' AND NOT test AND updated_at > ${after} AND updated_at <= ${upTo}
		ORDER BY updated_at DESC, pk DESC LIMIT 1`
	return {
		count: num(agg.n), ids: [...ids].map((r) => r.id as string), since: numOrNull(agg.since),
		lastError: last ? { class: (last.c as string | null) ?? 'http_status', message: (last.m as string | null) ?? '', status: numOrNull(last.s) } : null,
	}
}

export async function undelivered(sql: Q, since: number, until: number, pendingBefore: number): Promise<UndeliveredRow[]> {
	const rows = await sql`SELECT flow, endpoint, status, last_error_class AS c, count(*) AS n FROM deliveries
		WHERE NOT test AND ((status = 'failed' AND updated_at > ${since} AND updated_at <= ${until}) OR (status = 'pending' AND created_at < ${pendingBefore}))
		GROUP BY flow, endpoint, status, last_error_class ORDER BY flow, endpoint`
	return gather([...rows].map((r) => ({ flow: r.flow, endpoint: r.endpoint, status: r.status, c: r.c, n: num(r.n) })))
}
