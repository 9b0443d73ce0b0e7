// What every chaos part returns: its figures, printed on one line, and the
// checks that did not hold. A part never throws for a failed check, so one
// broken property does not hide the figures of the others.
import { Database } from 'bun:sqlite'
import { readdirSync } from 'node:fs'

export type Figure = number | string | boolean

export interface PartResult {
	part: string
	figures: Record<string, Figure>
	/** each check that did not hold, in words; empty when the part passed */
	failures: string[]
	/** how long the part took, set by the runner */
	seconds?: number
}

export function line(r: PartResult): string {
	const figs = Object.entries(r.figures).map(([k, v]) => `${k}: ${typeof v === 'number' && !Number.isInteger(v) ? v.toFixed(1) : v}`)
	return `${r.part}: ${figs.join(', ')}${r.failures.length ? `\n  FAILED: ${r.failures.join('\n  FAILED: ')}` : ' — ok'}`
}

/** Records a check: adds `what` to the failures unless `ok`. */
export function check(r: PartResult, ok: boolean, what: string) {
	if (!ok) r.failures.push(what)
}

/** `PRAGMA integrity_check` of a database no process is writing. */
export function integrity(dbPath: string): string {
	const db = new Database(dbPath, { readonly: true })
	try {
		const rows = db.prepare('PRAGMA integrity_check').all() as Array<{ integrity_check: string }>
		return rows.map((r) => r.integrity_check).join('; ')
	} finally { db.close() }
}

/** One number from the gateway's database, read through its own read-only connection. */
export function count(dbPath: string, query: string): number {
	const db = new Database(dbPath, { readonly: true })
	try { return Number(Object.values(db.prepare(query).get() as Record<string, unknown>)[0]) } finally { db.close() }
}

/** Open file descriptors of a process (Linux /proc). */
export function openFds(pid: number): number {
	return readdirSync(`/proc/${pid}/fd`).length
}

export const randomBetween = (lo: number, hi: number) => lo + Math.random() * (hi - lo)
