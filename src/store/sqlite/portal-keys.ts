import type { Database } from 'bun:sqlite'

export function portalKey(client: Database, flow: string): string | null {
	const row = client.prepare('SELECT key FROM portal_keys WHERE flow = ?').get(flow) as { key: string } | null
	return row?.key ?? null
}

/** The flow's key, `fresh` stored first when it has none (two minting at once agree on one). */
export function ensurePortalKey(client: Database, flow: string, fresh: string, now: number): string {
	client.prepare('INSERT INTO portal_keys (flow, key, created_at) VALUES (?, ?, ?) ON CONFLICT (flow) DO NOTHING').run(flow, fresh, now)
	return portalKey(client, flow) as string
}

export function replacePortalKey(client: Database, flow: string, key: string, now: number) {
	client.prepare(`INSERT INTO portal_keys (flow, key, created_at) VALUES (?, ?, ?)
		ON CONFLICT (flow) DO UPDATE SET key = excluded.key, created_at = excluded.created_at`).run(flow, key, now)
}
