import { Database } from 'bun:sqlite'
import { join } from 'node:path'

/** Polls until `check` returns a truthy value (tests only; bounded). */
export async function waitFor<T>(check: () => T | Promise<T>, timeoutMs = 5000, what = 'condition'): Promise<T> {
	const until = Date.now() + timeoutMs
	for (;;) {
		const v = await check()
		if (v) return v
		if (Date.now() > until) throw new Error(`timed out waiting for ${what}`)
		await Bun.sleep(10)
	}
}

/** Reads the gateway's SQLite file through a separate read-only connection. */
export function sql<T = Record<string, unknown>>(dir: string, query: string, ...params: Array<string | number>): T[] {
	const db = new Database(join(dir, 'hookgate.db'), { readonly: true })
	try { return db.prepare(query).all(...params) as T[] } finally { db.close() }
}
