// Reading a SQLite file's tables directly: only tests of the SQLite store do.
import { Database } from 'bun:sqlite'

/** A second, read-only connection to a gateway's database (WAL lets it read alongside). */
export function readDb(path: string): Database {
	return new Database(path, { readonly: true })
}

/** Rows of `SELECT ... ` as plain objects. */
export function rows<T>(db: Database, sql: string, ...params: Array<string | number>): T[] {
	return db.prepare(sql).all(...params) as T[]
}
