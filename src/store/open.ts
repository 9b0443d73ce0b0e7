import { Database } from 'bun:sqlite'
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

export class StoreLockedError extends Error {
	constructor(path: string) {
		super(`another hookgate is already using ${path} (its lock file ${path}.lock is held); stop it first or point storage.sqlite elsewhere`)
	}
}

/** The drizzle-kit output: beside the binary's embedded assets, or the repo's folder. */
export function migrationsFolder(): string {
	if (Bun.isStandaloneExecutable) return join(import.meta.dir, 'drizzle')
	return resolve(import.meta.dir, '../../drizzle')
}

// One instance per database: an EXCLUSIVE lock on a side file, not on the main
// file, whose exclusive mode would shut out our own WAL readers.
function takeLock(path: string): Database {
	const lock = new Database(`${path}.lock`, { create: true })
	try {
		lock.exec('PRAGMA busy_timeout = 0')
		lock.exec('PRAGMA locking_mode = EXCLUSIVE')
		lock.exec('CREATE TABLE IF NOT EXISTS holder (pid INTEGER)')
		lock.exec('BEGIN IMMEDIATE')
		lock.exec('DELETE FROM holder')
		lock.run('INSERT INTO holder (pid) VALUES (?)', [process.pid])
		lock.exec('COMMIT')
	} catch {
		lock.close()
		throw new StoreLockedError(path)
	}
	return lock
}

export function applyPragmas(client: Database, opts: OpenOptions, pageSize = 4096) {
	client.exec('PRAGMA journal_mode = WAL')
	client.exec(`PRAGMA synchronous = ${opts.synchronous === 'full' ? 'FULL' : 'NORMAL'}`)
	client.exec('PRAGMA busy_timeout = 5000')
	client.exec('PRAGMA foreign_keys = ON')
	client.exec('PRAGMA temp_store = MEMORY')
	// 8 MB of page cache holds the hot index pages; at 32 MB it was a fifth of
	// the gateway's resident memory, duplicating what the OS caches anyway
	client.exec('PRAGMA cache_size = -8000')
	// max_page_count is per connection and not stored; the cap is a hard stop a
	// little above maxSize so the 95% check in ingest answers 503 first.
	if (opts.maxSizeBytes > 0) client.exec(`PRAGMA max_page_count = ${Math.ceil(opts.maxSizeBytes / pageSize)}`)
}

export interface Opened {
	db: Db
	client: Database
	close(): void
}

export function openSqlite(opts: OpenOptions): Opened {
	const path = resolve(opts.path)
	mkdirSync(dirname(path), { recursive: true })
	const lock = takeLock(path)
	let client: Database
	try {
		client = new Database(path, { create: true, strict: true })
		// Only effective on a new file as the very first statement (before WAL and migrations).
		client.exec('PRAGMA auto_vacuum = INCREMENTAL')
		applyPragmas(client, opts)
		const db = drizzle({ client, schema }) as Db
		migrate(db, { migrationsFolder: migrationsFolder() })
		return {
			db,
			client,
			close() {
				try { client.exec('PRAGMA wal_checkpoint(TRUNCATE)') } catch {}
				client.close()
				lock.close()
			},
		}
	} catch (err) {
		lock.close()
		throw err
	}
}
