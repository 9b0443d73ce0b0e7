import type { Database } from 'bun:sqlite'
import type { EndpointConfig } from '../../domain'
import type { EndpointStateRecord } from '../types'

interface StateRow {
	flow: string; endpoint: string; enabled: number; disabled_reason: string | null; disabled_at: number | null
	consecutive_failures: number; failing_since: number | null; episode_since: number | null; updated_at: number
}

const toState = (r: StateRow): EndpointStateRecord => ({
	flow: r.flow, endpoint: r.endpoint, enabled: r.enabled === 1, disabledReason: r.disabled_reason, disabledAt: r.disabled_at,
	consecutiveFailures: r.consecutive_failures, failingSince: r.failing_since, episodeSince: r.episode_since, updatedAt: r.updated_at,
})

export function allStates(client: Database, flow?: string, endpoint?: string): EndpointStateRecord[] {
	if (flow !== undefined) return (client.prepare('SELECT * FROM endpoint_state WHERE flow = ? AND endpoint = ?').all(flow, endpoint ?? '') as StateRow[]).map(toState)
	return (client.prepare('SELECT * FROM endpoint_state').all() as StateRow[]).map(toState)
}

export function saveState(client: Database, s: EndpointStateRecord) {
	client.prepare(`INSERT INTO endpoint_state (flow, endpoint, enabled, disabled_reason, disabled_at, consecutive_failures, failing_since, episode_since, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (flow, endpoint) DO UPDATE SET enabled = excluded.enabled, disabled_reason = excluded.disabled_reason,
			disabled_at = excluded.disabled_at, consecutive_failures = excluded.consecutive_failures,
			failing_since = excluded.failing_since, episode_since = excluded.episode_since, updated_at = excluded.updated_at`)
		.run(s.flow, s.endpoint, s.enabled ? 1 : 0, s.disabledReason, s.disabledAt, s.consecutiveFailures, s.failingSince, s.episodeSince ?? null, s.updatedAt)
}

export function deleteState(client: Database, flow: string, endpoint: string) {
	client.prepare('DELETE FROM endpoint_state WHERE flow = ? AND endpoint = ?').run(flow, endpoint)
}

export function apiEndpoints(client: Database): Array<{ flow: string; endpoint: EndpointConfig }> {
	const rows = client.prepare('SELECT flow, config FROM endpoints ORDER BY created_at, id').all() as Array<{ flow: string; config: string }>
	return rows.map((r) => ({ flow: r.flow, endpoint: JSON.parse(r.config) as EndpointConfig }))
}

export function saveApiEndpoint(client: Database, flow: string, e: EndpointConfig, now: number) {
	client.prepare(`INSERT INTO endpoints (flow, id, config, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (flow, id) DO UPDATE SET config = excluded.config, updated_at = excluded.updated_at`)
		.run(flow, e.id, JSON.stringify(e), e.createdAt ?? now, now)
}

/** Removing an API endpoint cancels its pending jobs in the same transaction. */
export function deleteApiEndpoint(client: Database, flow: string, id: string, now: number): number {
	return client.transaction(() => {
		client.prepare('DELETE FROM endpoints WHERE flow = ? AND id = ?').run(flow, id)
		deleteState(client, flow, id)
		return client.prepare(`UPDATE deliveries SET status = 'cancelled', updated_at = ? WHERE flow = ? AND endpoint = ? AND status = 'pending'`)
			.run(now, flow, id).changes
	}).immediate()
}
