// Per-endpoint figures for GET /admin/v1/stats, aggregated in SQL so a day
// of attempts never crosses into JavaScript. Test jobs are left out of all.
import type { Database } from 'bun:sqlite'
import type { StatsQuery, StatsRows } from '../store'

const HOUR_MS = 3_600_000

export function endpointStats(client: Database, q: StatsQuery): StatsRows {
	const flowTerm = q.flow !== null ? ' AND d.flow = ?' : ''
	const flowArg = q.flow !== null ? [q.flow] : []

	const counts = client.query(`SELECT d.flow, d.endpoint, d.status, COUNT(*) AS count FROM deliveries d
		WHERE d.test = 0 AND d.created_at >= ?${flowTerm} GROUP BY d.flow, d.endpoint, d.status`)
		.all(q.since, ...flowArg) as StatsRows['counts']

	// Nearest-rank percentiles: the smallest duration whose rank reaches p × n.
	// Window functions exist in SQLite and PostgreSQL alike.
	const latency = client.query(`WITH ranked AS (
			SELECT d.flow, d.endpoint, a.duration_ms AS ms,
				ROW_NUMBER() OVER (PARTITION BY d.flow, d.endpoint ORDER BY a.duration_ms) AS rn,
				COUNT(*) OVER (PARTITION BY d.flow, d.endpoint) AS n
			FROM attempts a JOIN deliveries d ON d.pk = a.delivery_pk
			WHERE d.test = 0 AND a.started_at >= ?${flowTerm})
		SELECT flow, endpoint,
			MIN(CASE WHEN rn >= n * 0.50 THEN ms END) AS p50,
			MIN(CASE WHEN rn >= n * 0.95 THEN ms END) AS p95,
			MIN(CASE WHEN rn >= n * 0.99 THEN ms END) AS p99
		FROM ranked GROUP BY flow, endpoint`)
		.all(q.since, ...flowArg) as StatsRows['latency']

	const backlog = client.query(`SELECT d.flow, d.endpoint, COUNT(*) AS backlog,
			MIN(CASE WHEN d.status = 'pending' THEN d.created_at END) AS oldestPendingAt
		FROM deliveries d WHERE d.status IN ('pending', 'delivering') AND d.test = 0${flowTerm}
		GROUP BY d.flow, d.endpoint`)
		.all(...flowArg) as StatsRows['backlog']

	// An attempt without an error class is one the receiver took (2xx).
	const series = client.query(`SELECT d.flow, d.endpoint, CAST((a.started_at - ?) / ${HOUR_MS} AS INTEGER) AS bucket,
			SUM(CASE WHEN a.error_class IS NULL THEN 1 ELSE 0 END) AS succeeded,
			SUM(CASE WHEN a.error_class IS NULL THEN 0 ELSE 1 END) AS failed
		FROM attempts a JOIN deliveries d ON d.pk = a.delivery_pk
		WHERE d.test = 0 AND a.started_at >= ?${flowTerm}
		GROUP BY d.flow, d.endpoint, bucket`)
		.all(q.seriesStart, q.seriesStart, ...flowArg) as StatsRows['series']

	return { counts, latency, backlog, series }
}
