// Per-endpoint figures over a window, for the viewer's endpoint cards.
import type { z } from 'zod'
import { parseDuration } from '../../config/duration'
import type { DeliveryStatus } from '../../domain'
import type { AdminDeps } from '../deps'
import type { statsQuery } from '../model/stats'
import { iso } from '../views'
import { findFlow } from './lookup'

const HOUR_MS = 3_600_000
const key = (flow: string, endpoint: string) => `${flow}\u0000${endpoint}`

function index<T extends { flow: string; endpoint: string }>(rows: T[]): Map<string, T[]> {
	const m = new Map<string, T[]>()
	for (const r of rows) m.set(key(r.flow, r.endpoint), [...(m.get(key(r.flow, r.endpoint)) ?? []), r])
	return m
}

export async function endpointStats(deps: AdminDeps, q: z.output<typeof statsQuery>) {
	const window = q.window ?? '24h'
	const windowMs = (parseDuration(window) as { value: number }).value
	const flows = q.flow !== undefined ? [findFlow(deps, q.flow)] : deps.catalog.flowIds().map((id) => deps.catalog.flow(id)!)
	const now = deps.now()
	const since = now - windowMs
	// whole UTC hours, the last one being the current hour
	const buckets = Math.max(1, Math.ceil(windowMs / HOUR_MS))
	const seriesStart = Math.floor(now / HOUR_MS) * HOUR_MS - (buckets - 1) * HOUR_MS
	const rows = await deps.store.endpointStats({ flow: q.flow ?? null, since, seriesStart })
	const counts = index(rows.counts)
	const latency = index(rows.latency)
	const backlog = index(rows.backlog)
	const series = index(rows.series)

	const items = flows.flatMap((view) => view.endpoints.map((e) => {
		const k = key(view.flow.id, e.id)
		const c: Record<DeliveryStatus, number> = { pending: 0, delivering: 0, succeeded: 0, failed: 0, cancelled: 0 }
		for (const r of counts.get(k) ?? []) c[r.status] = r.count
		const finished = c.succeeded + c.failed
		const lat = latency.get(k)?.[0]
		const b = backlog.get(k)?.[0]
		const perHour = Array.from({ length: buckets }, (_, i) => ({ start: iso(seriesStart + i * HOUR_MS), succeeded: 0, failed: 0 }))
		for (const s of series.get(k) ?? []) {
			const slot = perHour[s.bucket]
			if (slot) { slot.succeeded = s.succeeded; slot.failed = s.failed }
		}
		return {
			flow: view.flow.id,
			endpoint: e.id,
			counts: c,
			successRate: finished === 0 ? null : c.succeeded / finished,
			latencyMs: { p50: lat?.p50 ?? null, p95: lat?.p95 ?? null, p99: lat?.p99 ?? null },
			backlog: b?.backlog ?? 0,
			oldestPendingSeconds: b?.oldestPendingAt != null ? Math.max(0, Math.floor((now - b.oldestPendingAt) / 1000)) : null,
			health: deps.catalog.health(view.flow.id, e),
			disabledReason: deps.catalog.disabledReason(view.flow.id, e),
			series: perHour,
		}
	}))
	return { window, since: iso(since), until: iso(now), items }
}
