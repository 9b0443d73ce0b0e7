// Inserts that follow the schema of the day: the bench writes rows straight
// into the gateway's tables, and those tables still change while the gateway
// is built. Columns the bench names but the table lacks are left out; NOT NULL
// columns without a default that the bench does not know get a zero value.
import type { Database, SQLQueryBindings } from 'bun:sqlite'

interface ColumnInfo { name: string; type: string; notnull: number; dflt_value: string | null; pk: number }

export type Inserter = (row: Record<string, SQLQueryBindings>) => number

/** A prepared INSERT of `columns` (bound by name) that returns the new row's pk. The db must be opened with strict: true. */
export function inserter(db: Database, table: string, columns: string[]): Inserter {
	const info = db.prepare(`PRAGMA table_info(${table})`).all() as ColumnInfo[]
	if (info.length === 0) throw new Error(`no table ${table}`)
	const known = new Set(info.map((c) => c.name))
	const use = columns.filter((c) => known.has(c))
	const fill = info.filter((c) => c.notnull && c.dflt_value === null && c.pk === 0 && !use.includes(c.name))
	const names = [...use, ...fill.map((c) => c.name)]
	const values = [...use.map((c) => `$${c}`), ...fill.map((c) => (/INT|REAL|NUM|BOOL/i.test(c.type) ? '0' : "''"))]
	const stmt = db.prepare(`INSERT INTO ${table} (${names.join(', ')}) VALUES (${values.join(', ')}) RETURNING pk`)
	return (row) => {
		const bound: Record<string, SQLQueryBindings> = {}
		for (const c of use) bound[c] = row[c]
		return (stmt.get(bound as SQLQueryBindings) as { pk: number }).pk
	}
}
