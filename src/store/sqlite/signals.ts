import type { Database } from 'bun:sqlite'
import type { FailedJobs, UndeliveredRow } from '../records'
import type { EndpointStateRecord } from '../types'
import { allStates, saveState } from './endpoints'

const fresh = (flow: string, endpoint: string): EndpointStateRecord => ({
	flow, endpoint, enabled: true, disabledReason: null, disabledAt: null, consecutiveFailures: 0, failingSince: null, updatedAt: 0,
})

/** One IMMEDIATE transaction: no other writer comes between the read and the write. */
export function changeState(client: Database, flow: string, endpoint: string, change: (s: EndpointStateRecord) => EndpointStateRecord | null) {
	return client.transaction(() => {
		const before = allStates(client, flow, endpoint)[0] ?? fresh(flow, endpoint)
		const next = change(before)
		if (next === null) return { before, after: before }
		saveState(client, next)
		return { before, after: next }
	}).immediate()
}

export function mark(client: Database, key: string): number | null {
	const r = client.prepare('SELECT at FROM op_marks WHERE key = ?').get(key) as { at: number } | null
	return r ? r.at : null
}

export function moveMark(client: Database, key: string, expected: number | null, next: number): boolean {
	const r = expected === null
		? client.prepare('INSERT INTO op_marks (key, at) VALUES (?, ?) ON CONFLICT (key) DO NOTHING').run(key, next)
		: client.prepare('UPDATE op_marks SET at = ? WHERE key = ? AND at = ?').run(next, key, expected)
	return r.changes === 1
}

export function failedJobs(client: Database, flow: string, endpoint: string, after: number, upTo: number, limit: number): FailedJobs {
	const where = `flow = ? AND endpoint = ? AND status = 'failed' AND test = 0 AND updated_at > ? AND updated_at <= ?`
	const args = [flow, endpoint, after, upTo] as const
	const { n, since } = client.prepare(`SELECT count(*) AS n, min(updated_at) AS since FROM deliveries WHERE ${where}`).get(...args) as { n: number; since: number | null }
	const ids = (client.prepare(`SELECT id FROM deliveries WHERE ${where} ORDER BY updated_at, pk LIMIT ?`).all(...args, limit) as Array<{ id: string }>).map((r) => r.id)
	const last = client.prepare(`SELECT last_error_class AS c, last_error_message AS m, last_status AS s FROM deliveries WHERE ${where} ORDER BY updated_at DESC, pk DESC LIMIT 1`)
		.get(...args) as { c: string | null; m: string | null; s: number | null } | null
	return { count: n, ids, since, lastError: last ? { class: last.c ?? 'http_status', message: last.m ?? '', status: last.s } : null }
}

export function undelivered(client: Database, since: number, until: number, pendingBefore: number): UndeliveredRow[] {
	const rows = client.prepare(`SELECT flow, endpoint, status, last_error_class AS c, count(*) AS n FROM deliveries
		WHERE test = 0 AND ((status = 'failed' AND updated_at > ? AND updated_at <= ?) OR (status = 'pending' AND created_at < ?))
		GROUP BY flow, endpoint, status, last_error_class ORDER BY flow, endpoint`).all(since, until, pendingBefore) as Array<{ flow: string; endpoint: string; status: string; c: string | null; n: number }>
	return gather(rows)
}

/** Grouped counts → one row per endpoint; shared with the PostgreSQL store. */
export function gather(rows: Array<{ flow: string; endpoint: string; status: string; c: string | null; n: number }>): UndeliveredRow[] {
	const out = new Map<string, UndeliveredRow>()
	for (const r of rows) {
		const k = `${r.flow}\u0000${r.endpoint}`
		let row = out.get(k)
		if (!row) out.set(k, (row = { flow: r.flow, endpoint: r.endpoint, failed: 0, pendingOverAnHour: 0, errors: {} }))
		if (r.status === 'failed') row.failed += r.n
		else row.pendingOverAnHour += r.n
		if (r.c !== null) row.errors[r.c] = (row.errors[r.c] ?? 0) + r.n
	}
	return [...out.values()]
}
