// Per-endpoint figures for GET /admin/v1/stats. A day can hold millions of
// attempts: they are read in pk chunks from the start of the window, folded
// into per-endpoint histograms (exact nearest-rank percentiles, small memory),
// with a pause between chunks so ingest never waits behind a stats call.
// Test jobs are left out of everything.
import type { Database } from 'bun:sqlite'
import type { DeliveryStatus } from '../../domain'
import type { StatsQuery, StatsRows } from '../records'
import { firstPkAt, pause, SLACK_MS } from './admin-scan'

const HOUR_MS = 3_600_000
const ATTEMPT_CHUNK = 20_000
const JOB_RANGE = 100_000

interface Acc {
	flow: string
	endpoint: string
	/** duration (ms) → attempts */
	durations: Map<number, number>
	n: number
	series: Map<number, { succeeded: number; failed: number }>
}

function percentiles(durations: Map<number, number>, n: number) {
	const sorted = [...durations.entries()].sort((a, b) => a[0] - b[0])
	const at = (p: number) => {
		const rank = Math.ceil(p * n)
		let seen = 0
		for (const [ms, count] of sorted) if ((seen += count) >= rank) return ms
		return sorted[sorted.length - 1][0]
	}
	return { p50: at(0.5), p95: at(0.95), p99: at(0.99) }
}

async function jobCountsSince(client: Database, q: StatsQuery): Promise<StatsRows['counts']> {
	const last = (client.query('SELECT COALESCE(MAX(pk), 0) AS pk FROM deliveries').get() as { pk: number }).pk
	// `+flow`: walk the pk range, not the flow index (which would sort every job of the flow)
	const stmt = client.query(`SELECT flow, endpoint, status, COUNT(*) AS count FROM deliveries
		WHERE pk >= ? AND pk < ? AND test = 0 AND created_at >= ?${q.flow !== null ? ' AND +flow = ?' : ''}
		GROUP BY flow, endpoint, status`)
	const totals = new Map<string, { flow: string; endpoint: string; status: DeliveryStatus; count: number }>()
	for (let from = firstPkAt(client, 'deliveries', 'created_at', q.since - SLACK_MS); from <= last; from += JOB_RANGE) {
		const rows = stmt.all(from, from + JOB_RANGE, q.since, ...(q.flow !== null ? [q.flow] : [])) as Array<{ flow: string; endpoint: string; status: DeliveryStatus; count: number }>
		for (const r of rows) {
			const k = `${r.flow}\u0000${r.endpoint}\u0000${r.status}`
			const t = totals.get(k)
			if (t) t.count += r.count
			else totals.set(k, { ...r })
		}
		await pause()
	}
	return [...totals.values()]
}

async function attemptFigures(client: Database, q: StatsQuery): Promise<Map<string, Acc>> {
	const lower = Math.min(q.since, q.seriesStart)
	const stmt = client.query(`SELECT a.pk, d.flow, d.endpoint, d.test, a.started_at, a.duration_ms, a.error_class IS NULL
		FROM attempts a JOIN deliveries d ON d.pk = a.delivery_pk WHERE a.pk > ? ORDER BY a.pk LIMIT ${ATTEMPT_CHUNK}`)
	const acc = new Map<string, Acc>()
	let after = firstPkAt(client, 'attempts', 'started_at', lower - SLACK_MS) - 1
	for (;;) {
		const rows = stmt.values(after) as Array<[number, string, string, number, number, number, number]>
		for (const [, flow, endpoint, test, startedAt, ms, ok] of rows) {
			if (test || startedAt < lower || (q.flow !== null && flow !== q.flow)) continue
			const k = `${flow}\u0000${endpoint}`
			let a = acc.get(k)
			if (!a) acc.set(k, (a = { flow, endpoint, durations: new Map(), n: 0, series: new Map() }))
			if (startedAt >= q.since) {
				a.durations.set(ms, (a.durations.get(ms) ?? 0) + 1)
				a.n++
			}
			if (startedAt >= q.seriesStart) {
				const bucket = Math.floor((startedAt - q.seriesStart) / HOUR_MS)
				const b = a.series.get(bucket) ?? { succeeded: 0, failed: 0 }
				if (ok) b.succeeded++
				else b.failed++
				a.series.set(bucket, b)
			}
		}
		if (rows.length < ATTEMPT_CHUNK) break
		after = rows[rows.length - 1][0]
		await pause()
	}
	return acc
}

export async function endpointStats(client: Database, q: StatsQuery): Promise<StatsRows> {
	const counts = await jobCountsSince(client, q)
	const acc = await attemptFigures(client, q)
	const backlog = client.query(`SELECT flow, endpoint, COUNT(*) AS backlog,
			MIN(CASE WHEN status = 'pending' THEN created_at END) AS oldestPendingAt
		FROM deliveries WHERE status IN ('pending', 'delivering') AND test = 0${q.flow !== null ? ' AND flow = ?' : ''}
		GROUP BY flow, endpoint`)
		.all(...(q.flow !== null ? [q.flow] : [])) as StatsRows['backlog']
	const latency: StatsRows['latency'] = []
	const series: StatsRows['series'] = []
	for (const a of acc.values()) {
		if (a.n > 0) latency.push({ flow: a.flow, endpoint: a.endpoint, ...percentiles(a.durations, a.n) })
		for (const [bucket, b] of a.series) series.push({ flow: a.flow, endpoint: a.endpoint, bucket, ...b })
	}
	return { counts, latency, backlog, series }
}
