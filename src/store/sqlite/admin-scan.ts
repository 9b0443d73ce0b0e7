// Walking big tables by rowid without an index on time. Rows are written in
// time order (a job when it is created, an attempt when it ends), so a time
// maps to a pk by binary search, and a scan can start at the window instead of
// at the first row ever written.
import type { Database } from 'bun:sqlite'

/** Rows are written a little out of time order (an attempt is written when it ends): start this much earlier. */
export const SLACK_MS = 3_600_000

/** Yields to the event loop, so ingest and the dispatcher run between chunks of a long scan. */
export const pause = () => new Promise<void>((resolve) => setImmediate(resolve))

/** The smallest pk from which `column` is at or after `t` (0 when every row is). */
export function firstPkAt(client: Database, table: 'deliveries' | 'attempts', column: 'created_at' | 'started_at', t: number): number {
	// two subqueries: SQLite answers a lone MIN or MAX from the rowid, both together by a full scan
	const bounds = client.query(`SELECT (SELECT MIN(pk) FROM ${table}) AS lo, (SELECT MAX(pk) FROM ${table}) AS hi`).get() as { lo: number | null; hi: number | null }
	if (bounds.lo === null || bounds.hi === null) return 0
	const at = client.query(`SELECT ${column} AS v FROM ${table} WHERE pk >= ? ORDER BY pk LIMIT 1`)
	let lo = bounds.lo
	let hi = bounds.hi + 1
	while (lo < hi) {
		const mid = Math.floor((lo + hi) / 2)
		const row = at.get(mid) as { v: number } | null
		if (row === null || row.v >= t) hi = mid
		else lo = mid + 1
	}
	return lo === bounds.lo ? 0 : lo
}
