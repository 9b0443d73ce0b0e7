// Opaque keyset cursors: the pk of the last row shown, tagged with its list
// so a jobs cursor cannot page events.
import { invalidRequest } from '../validate'

export const DEFAULT_LIMIT = 50

export function encodeCursor(kind: 'j' | 'e', pk: number): string {
	return Buffer.from(`${kind}${pk}`).toString('base64url')
}

export function decodeCursor(kind: 'j' | 'e', cursor: string | undefined): number | null {
	if (cursor === undefined) return null
	const m = /^([je])(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString())
	if (!m || m[1] !== kind) throw invalidRequest([{ path: ['cursor'], message: 'is not a cursor of this list' }])
	return Number(m[2])
}

/** Reads one row more than asked, to know whether another page exists. */
export function page<T extends { pk: number }>(kind: 'j' | 'e', rows: T[], limit: number): { rows: T[]; nextCursor: string | null } {
	if (rows.length <= limit) return { rows, nextCursor: null }
	const shown = rows.slice(0, limit)
	return { rows: shown, nextCursor: encodeCursor(kind, shown[shown.length - 1].pk) }
}

export const ms = (iso: string | undefined) => (iso === undefined ? undefined : Date.parse(iso))
