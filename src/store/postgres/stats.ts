// GET /admin/v1/stats and /metrics figures, computed by the database:
// percentile_disc is the nearest-rank percentile the SQLite store folds by hand.
import type { BacklogRow, EventCursor, StatsQuery, StatsRows } from '../records'
import { num, numOrNull, type Q } from './rows'

const HOUR_MS = 3_600_000

export async function endpointStats(sql: Q, q: StatsQuery): Promise<StatsRows> {
	const flow = q.flow
	const counts = await sql`SELECT flow, endpoint, status, COUNT(*) AS count FROM deliveries
		WHERE test = false AND created_at >= ${q.since} AND (${flow}::text IS NULL OR flow = ${flow}) GROUP BY flow, endpoint, status`
	const latency = await sql`SELECT d.flow, d.endpoint,
			percentile_disc(0.5) WITHIN GROUP (ORDER BY a.duration_ms) AS p50,
			percentile_disc(0.95) WITHIN GROUP (ORDER BY a.duration_ms) AS p95,
			percentile_disc(0.99) WITHIN GROUP (ORDER BY a.duration_ms) AS p99
		FROM attempts a JOIN deliveries d ON d.pk = a.delivery_pk
		WHERE d.test = false AND a.started_at >= ${q.since} AND (${flow}::text IS NULL OR d.flow = ${flow}) GROUP BY d.flow, d.endpoint`
	const backlog = await sql`SELECT flow, endpoint, COUNT(*) AS backlog, MIN(CASE WHEN status = 'pending' THEN created_at END) AS oldest
		FROM deliveries WHERE status IN ('pending', 'delivering') AND test = false AND (${flow}::text IS NULL OR flow = ${flow})
		GROUP BY flow, endpoint`
	const series = await sql`SELECT d.flow, d.endpoint, FLOOR((a.started_at - ${q.seriesStart}) / ${HOUR_MS}::float8) AS bucket,
			COUNT(*) FILTER (WHERE a.error_class IS NULL) AS succeeded, COUNT(*) FILTER (WHERE a.error_class IS NOT NULL) AS failed
		FROM attempts a JOIN deliveries d ON d.pk = a.delivery_pk
		WHERE d.test = false AND a.started_at >= ${q.seriesStart} AND (${flow}::text IS NULL OR d.flow = ${flow}) GROUP BY 1, 2, 3`
	return {
		counts: [...counts].map((r) => ({ flow: r.flow, endpoint: r.endpoint, status: r.status, count: num(r.count) })),
		latency: [...latency].map((r) => ({ flow: r.flow, endpoint: r.endpoint, p50: num(r.p50), p95: num(r.p95), p99: num(r.p99) })),
		backlog: [...backlog].map((r) => ({ flow: r.flow, endpoint: r.endpoint, backlog: num(r.backlog), oldestPendingAt: numOrNull(r.oldest) })),
		series: [...series].map((r) => ({ flow: r.flow, endpoint: r.endpoint, bucket: num(r.bucket), succeeded: num(r.succeeded), failed: num(r.failed) })),
	}
}

export async function backlog(sql: Q): Promise<BacklogRow[]> {
	const rows = await sql`SELECT flow, endpoint, COUNT(*) AS pending, MIN(created_at) AS oldest FROM deliveries WHERE status = 'pending' GROUP BY flow, endpoint`
	return [...rows].map((r) => ({ flow: r.flow, endpoint: r.endpoint, pending: num(r.pending), oldestCreatedAt: num(r.oldest) }))
}

/** Retention, one short transaction: finished jobs changed before `before`, with their attempts. */
export async function purgeFinishedJobs(sql: Q, before: number, limit: number): Promise<{ jobs: number; attempts: number }> {
	return sql.begin(async (tx) => {
		const rows = await tx`SELECT pk FROM deliveries WHERE status IN ('succeeded', 'failed', 'cancelled') AND updated_at < ${before}
			LIMIT ${limit} FOR UPDATE SKIP LOCKED`
		const pks = [...rows].map((r) => num(r.pk))
		if (pks.length === 0) return { jobs: 0, attempts: 0 }
		const attempts = (await tx`DELETE FROM attempts WHERE delivery_pk = ANY(${pks}::bigint[])`).count
		const jobs = (await tx`DELETE FROM deliveries WHERE pk = ANY(${pks}::bigint[])`).count
		return { jobs, attempts }
	})
}

/** Retention: events accepted before `before` with no jobs left, walked in (accepted_at, pk) order behind a cursor. */
export async function purgeOrphanEvents(sql: Q, before: number, after: EventCursor | null, limit: number): Promise<{ events: number; next: EventCursor | null }> {
	const from = after ?? { acceptedAt: Number.MIN_SAFE_INTEGER, pk: 0 }
	return sql.begin(async (tx) => {
		const rows = [...await tx`SELECT pk, accepted_at FROM events WHERE accepted_at < ${before}
			AND (accepted_at, pk) > (${from.acceptedAt}, ${from.pk}) ORDER BY accepted_at, pk LIMIT ${limit}`]
		if (rows.length === 0) return { events: 0, next: null }
		const pks = rows.map((r) => num(r.pk))
		const r = await tx`DELETE FROM events e WHERE e.pk = ANY(${pks}::bigint[]) AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.event_pk = e.pk)`
		const last = rows[rows.length - 1]
		return { events: r.count, next: rows.length < limit ? null : { acceptedAt: num(last.accepted_at), pk: num(last.pk) } }
	})
}
