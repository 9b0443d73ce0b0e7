import type { EndpointConfig } from '../../domain'
import type { CreateSessionOutcome } from '../types'
import type { EndpointStateRecord, SessionRecord } from '../types'
import { num, toState, type Q } from './rows'

export async function allStates(sql: Q): Promise<EndpointStateRecord[]> {
	return [...await sql`SELECT * FROM endpoint_state`].map(toState)
}

/** One upsert of the whole row: health goes through changeEndpointState, which calls this under the row's lock. */
export async function saveState(sql: Q, s: EndpointStateRecord) {
	await sql`INSERT INTO endpoint_state (flow, endpoint, enabled, disabled_reason, disabled_at, consecutive_failures, failing_since, episode_since, updated_at)
		VALUES (${s.flow}, ${s.endpoint}, ${s.enabled}, ${s.disabledReason}, ${s.disabledAt}, ${s.consecutiveFailures}, ${s.failingSince}, ${s.episodeSince ?? null}, ${s.updatedAt})
		ON CONFLICT (flow, endpoint) DO UPDATE SET enabled = excluded.enabled, disabled_reason = excluded.disabled_reason,
			disabled_at = excluded.disabled_at, consecutive_failures = excluded.consecutive_failures,
			failing_since = excluded.failing_since, episode_since = excluded.episode_since, updated_at = excluded.updated_at`
}

export async function apiEndpoints(sql: Q): Promise<Array<{ flow: string; endpoint: EndpointConfig }>> {
	const rows = await sql`SELECT flow, config FROM endpoints ORDER BY created_at, id`
	return [...rows].map((r) => ({ flow: r.flow, endpoint: JSON.parse(r.config) as EndpointConfig }))
}

export async function saveApiEndpoint(sql: Q, flow: string, e: EndpointConfig, now: number) {
	await sql`INSERT INTO endpoints (flow, id, config, created_at, updated_at) VALUES (${flow}, ${e.id}, ${JSON.stringify(e)}, ${e.createdAt ?? now}, ${now})
		ON CONFLICT (flow, id) DO UPDATE SET config = excluded.config, updated_at = excluded.updated_at`
}

/** Removing an API endpoint cancels its pending jobs in the same transaction. */
export async function deleteApiEndpoint(sql: Q, flow: string, id: string, now: number): Promise<number> {
	return sql.begin(async (tx) => {
		await tx`DELETE FROM endpoints WHERE flow = ${flow} AND id = ${id}`
		await tx`DELETE FROM endpoint_state WHERE flow = ${flow} AND endpoint = ${id}`
		const r = await tx`UPDATE deliveries SET status = 'cancelled', updated_at = ${now} WHERE flow = ${flow} AND endpoint = ${id} AND status = 'pending'`
		return r.count
	})
}

const toSession = (r: Record<string, unknown>): SessionRecord => ({
	flow: r.flow as string, id: r.id as string, metadata: JSON.parse(r.metadata as string), createdAt: num(r.created_at), updatedAt: num(r.updated_at),
})

export async function getSession(sql: Q, flow: string, id: string): Promise<SessionRecord | null> {
	const [r] = await sql`SELECT * FROM sessions WHERE flow = ${flow} AND id = ${id}`
	return r ? toSession(r) : null
}

/** Same id and same metadata again is not an error; other metadata is. Two instances creating at once: one inserts, the other compares. */
export async function createSession(sql: Q, flow: string, id: string, metadata: Record<string, unknown>, now: number, same: (a: unknown, b: unknown) => boolean): Promise<CreateSessionOutcome> {
	const [created] = await sql`INSERT INTO sessions (flow, id, metadata, created_at, updated_at)
		VALUES (${flow}, ${id}, ${JSON.stringify(metadata)}, ${now}, ${now}) ON CONFLICT (flow, id) DO NOTHING RETURNING *`
	if (created) return { kind: 'created', session: toSession(created) }
	const existing = await getSession(sql, flow, id)
	if (!existing) throw new Error(`session ${flow}/${id} vanished while being created`)
	return same(existing.metadata, metadata) ? { kind: 'existing', session: existing } : { kind: 'conflict' }
}

/** Read, change and write under the row's lock, so concurrent updates from any instance are never lost. */
export async function updateSession(sql: Q, flow: string, id: string, apply: (m: Record<string, unknown>) => Record<string, unknown>, now: number): Promise<SessionRecord | null> {
	return sql.begin(async (tx) => {
		const [r] = await tx`SELECT * FROM sessions WHERE flow = ${flow} AND id = ${id} FOR UPDATE`
		if (!r) return null
		const existing = toSession(r)
		const metadata = apply(existing.metadata)
		await tx`UPDATE sessions SET metadata = ${JSON.stringify(metadata)}, updated_at = ${now} WHERE flow = ${flow} AND id = ${id}`
		return { ...existing, metadata, updatedAt: now }
	})
}
