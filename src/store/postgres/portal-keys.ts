import type { Q } from './rows'

export async function portalKey(sql: Q, flow: string): Promise<string | null> {
	const [row] = await sql`SELECT key FROM portal_keys WHERE flow = ${flow}`
	return (row?.key as string | undefined) ?? null
}

/** The flow's key, `fresh` stored first when it has none (two instances minting at once agree on one). */
export async function ensurePortalKey(sql: Q, flow: string, fresh: string, now: number): Promise<string> {
	await sql`INSERT INTO portal_keys (flow, key, created_at) VALUES (${flow}, ${fresh}, ${now}) ON CONFLICT (flow) DO NOTHING`
	return await portalKey(sql, flow) as string
}

export async function replacePortalKey(sql: Q, flow: string, key: string, now: number) {
	await sql`INSERT INTO portal_keys (flow, key, created_at) VALUES (${flow}, ${key}, ${now})
		ON CONFLICT (flow) DO UPDATE SET key = excluded.key, created_at = excluded.created_at`
}
