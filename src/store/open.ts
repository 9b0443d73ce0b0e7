import { Database, type Statement } from 'bun:sqlite'
import { mkdirSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { drizzle, type BunSQLiteDatabase } from 'drizzle-orm/bun-sqlite'
import { migrate } from 'drizzle-orm/bun-sqlite/migrator'
import * as schema from './schema.sqlite'

export type Db = BunSQLiteDatabase<typeof schema> & { $client: Database }

export interface OpenOptions {
	path: string
	synchronous: 'full' | 'normal'
	/** 0 = no cap */
	maxSizeBytes: number
}

/** A store that cannot be opened: one line naming the file and what to do. */
export class StoreOpenError extends Error {}

export class StoreLockedError extends StoreOpenError {
	constructor(path: string) {
		super(`another hookgate is already using ${path} (its lock file ${path}.lock is held); stop it first or point storage.sqlite elsewhere`)
	}
}

const sqliteCode = (err: unknown): string => (err as { code?: unknown })?.code as string ?? ''
const errorText = (err: unknown): string => err instanceof Error ? err.message : String(err)

/** SQLite's codes for a file that is damaged or not a database at all. */
export const isDamage = (err: unknown): boolean => /^SQLITE_(CORRUPT|NOTADB)/.test(sqliteCode(err))

/** SQLite's codes for a store that cannot take writes now (full, read-only, I/O): worth a 503 and a retry, not a 500. */
export const isUnavailable = (err: unknown): boolean => /^SQLITE_(FULL|READONLY|IOERR|CANTOPEN|BUSY)/.test(sqliteCode(err))

/** Why `file` could not be opened, and what the operator can do about it. */
export function openFailure(file: string, cause: unknown, what = 'the database'): StoreOpenError {
	// drizzle's migrator wraps the driver's error
	const err = sqliteCode(cause) === '' && (cause as { cause?: unknown })?.cause ? (cause as { cause: unknown }).cause : cause
	// SQLite's code, or the system's from mkdir (EROFS, ENOSPC, …)
	const code = sqliteCode(err)
	const folder = dirname(file)
	if (code.startsWith('SQLITE_NOTADB')) return new StoreOpenError(`${file} is not a SQLite database (${errorText(err)}): point storage.sqlite at another path or restore the file from a backup`)
	if (code.startsWith('SQLITE_CORRUPT')) return new StoreOpenError(`${what} ${file} is damaged (${errorText(err)}): restore it from a backup, or recover it with sqlite3 ".recover" into a new file`)
	if (/^(SQLITE_READONLY|SQLITE_CANTOPEN|EROFS$|EACCES$|EPERM$|ENOTDIR$)/.test(code)) {
		return new StoreOpenError(`cannot write ${file} (${errorText(err)}): the folder ${folder} must be writable by hookgate (check its permissions and that it is not mounted read-only), or point storage.sqlite elsewhere`)
	}
	if (/^(SQLITE_FULL|ENOSPC$)/.test(code)) return new StoreOpenError(`cannot write ${file}: the disk is full (${errorText(err)}); free space in ${folder} and start again`)
	return new StoreOpenError(`cannot open ${what} ${file}: ${errorText(err)}`)
}

/** The drizzle-kit output: beside the binary's embedded assets, or the repo's folder. */
export function migrationsFolder(): string {
	if (Bun.isStandaloneExecutable) return join(import.meta.dir, 'drizzle')
	return resolve(import.meta.dir, '../../drizzle')
}

// One instance per database: an EXCLUSIVE lock on a side file, not on the main
// file, whose exclusive mode would shut out our own WAL readers.
function takeLock(path: string): Database {
	const file = `${path}.lock`
	let lock: Database
	try {
		lock = new Database(file, { create: true })
	} catch (err) {
		throw openFailure(file, err, 'the lock file')
	}
	try {
		lock.exec('PRAGMA busy_timeout = 0')
		lock.exec('PRAGMA locking_mode = EXCLUSIVE')
		lock.exec('CREATE TABLE IF NOT EXISTS holder (pid INTEGER)')
		lock.exec('BEGIN IMMEDIATE')
		lock.exec('DELETE FROM holder')
		lock.run('INSERT INTO holder (pid) VALUES (?)', [process.pid])
		lock.exec('COMMIT')
	} catch (err) {
		lock.close()
		if (sqliteCode(err).startsWith('SQLITE_BUSY') || sqliteCode(err).startsWith('SQLITE_LOCKED')) throw new StoreLockedError(path)
		// the lock file holds nothing but the holder's pid: a damaged one is safe to delete
		if (isDamage(err)) throw new StoreOpenError(`the lock file ${file} is damaged (${errorText(err)}): delete it (hookgate makes a new one) and start again`)
		throw openFailure(file, err, 'the lock file')
	}
	return lock
}

export function applyPragmas(client: Database, opts: OpenOptions) {
	client.exec('PRAGMA journal_mode = WAL')
	client.exec(`PRAGMA synchronous = ${opts.synchronous === 'full' ? 'FULL' : 'NORMAL'}`)
	client.exec('PRAGMA busy_timeout = 5000')
	client.exec('PRAGMA foreign_keys = ON')
	client.exec('PRAGMA temp_store = MEMORY')
	// 8 MB of page cache holds the hot index pages; at 32 MB it was a fifth of
	// the gateway's resident memory, duplicating what the OS caches anyway
	client.exec('PRAGMA cache_size = -8000')
	applySizeCap(client, opts.maxSizeBytes)
}

/**
 * max_page_count is per connection and not stored; it is the hard stop at
 * maxSize, while ingest stops at 95% of it (SpaceMeter). With a cap the WAL is
 * checkpointed often enough to stay small beside it, and gives its space back
 * after each checkpoint. Returns the WAL's autocheckpoint size in pages.
 */
export function applySizeCap(client: Database, maxSizeBytes: number): number {
	if (maxSizeBytes <= 0) {
		client.exec('PRAGMA max_page_count = 4294967294')
		client.exec('PRAGMA wal_autocheckpoint = 1000')
		client.exec('PRAGMA journal_size_limit = -1')
		return 1000
	}
	const pages = Math.max(1, Math.floor(maxSizeBytes / pageSize(client)))
	client.exec(`PRAGMA max_page_count = ${pages}`)
	const walPages = Math.max(16, Math.min(1000, Math.floor(pages / 20)))
	client.exec(`PRAGMA wal_autocheckpoint = ${walPages}`)
	client.exec(`PRAGMA journal_size_limit = ${walPages * pageSize(client)}`)
	return walPages
}

// bun:sqlite's close() leaves the files open while any prepared statement
// lives (sqlite3_close_v2 makes a zombie until they are finalized by the GC):
// a closed store would still hold its database, WAL and disk space. Statements
// are remembered weakly and finalized at close.
function trackStatements(client: Database) {
	const live = new Set<WeakRef<Statement>>()
	const prepare = client.prepare.bind(client)
	let added = 0
	client.prepare = ((sql: string, ...rest: unknown[]) => {
		const st = (prepare as (sql: string, ...rest: unknown[]) => Statement)(sql, ...rest)
		live.add(new WeakRef(st))
		if (++added % 1024 === 0) for (const r of live) if (r.deref() === undefined) live.delete(r)
		return st
	}) as typeof client.prepare
	return {
		finalizeAll() {
			for (const r of live) r.deref()?.finalize()
			live.clear()
		},
	}
}

export const pageSize = (client: Database): number => (client.prepare('PRAGMA page_size').get() as { page_size: number }).page_size

export interface Opened {
	db: Db
	client: Database
	close(): void
}

export function openSqlite(opts: OpenOptions): Opened {
	const path = resolve(opts.path)
	try {
		mkdirSync(dirname(path), { recursive: true })
	} catch (err) {
		throw openFailure(path, err)
	}
	const lock = takeLock(path)
	let client: Database | undefined
	try {
		const c = client = new Database(path, { create: true, strict: true })
		const statements = trackStatements(c)
		// Only effective on a new file as the very first statement (before WAL and migrations).
		c.exec('PRAGMA auto_vacuum = INCREMENTAL')
		applyPragmas(c, opts)
		const db = drizzle({ client: c, schema }) as Db
		migrate(db, { migrationsFolder: migrationsFolder() })
		return {
			db,
			client: c,
			close() {
				try { c.exec('PRAGMA wal_checkpoint(TRUNCATE)') } catch {}
				statements.finalizeAll()
				c.close()
				lock.close()
			},
		}
	} catch (err) {
		try { client?.close() } catch {}
		lock.close()
		throw err instanceof StoreOpenError ? err : openFailure(path, err)
	}
}
