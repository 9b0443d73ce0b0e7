import type { Database } from 'bun:sqlite'
import type { CreateSessionOutcome, SessionRecord } from '../types'

interface Row { flow: string; id: string; metadata: string; created_at: number; updated_at: number }

const toRecord = (r: Row): SessionRecord => ({
	flow: r.flow, id: r.id, metadata: JSON.parse(r.metadata), createdAt: r.created_at, updatedAt: r.updated_at,
})

export function getSession(client: Database, flow: string, id: string): SessionRecord | null {
	const r = client.prepare('SELECT * FROM sessions WHERE flow = ? AND id = ?').get(flow, id) as Row | null
	return r ? toRecord(r) : null
}

/** Same id and same metadata again is not an error; other metadata is. */
export function createSession(client: Database, flow: string, id: string, metadata: Record<string, unknown>, now: number, same: (a: unknown, b: unknown) => boolean): CreateSessionOutcome {
	return client.transaction((): CreateSessionOutcome => {
		const existing = getSession(client, flow, id)
		if (existing) return same(existing.metadata, metadata) ? { kind: 'existing', session: existing } : { kind: 'conflict' }
		client.prepare('INSERT INTO sessions (flow, id, metadata, created_at, updated_at) VALUES (?, ?, ?, ?, ?)')
			.run(flow, id, JSON.stringify(metadata), now, now)
		return { kind: 'created', session: { flow, id, metadata, createdAt: now, updatedAt: now } }
	}).immediate()
}

export function updateSession(client: Database, flow: string, id: string, apply: (m: Record<string, unknown>) => Record<string, unknown>, now: number): SessionRecord | null {
	return client.transaction((): SessionRecord | null => {
		const existing = getSession(client, flow, id)
		if (!existing) return null
		const metadata = apply(existing.metadata)
		client.prepare('UPDATE sessions SET metadata = ?, updated_at = ? WHERE flow = ? AND id = ?')
			.run(JSON.stringify(metadata), now, flow, id)
		return { ...existing, metadata, updatedAt: now }
	}).immediate()
}
