import { SQL } from 'bun'
import { join } from 'node:path'
import { drizzle, type BunSQLDatabase } from 'drizzle-orm/bun-sql'
import { migrate } from 'drizzle-orm/bun-sql/migrator'
import { migrationsFolder } from '../open'
import * as schema from '../schema.postgres'
import { installJobCounts } from './job-counts'

export type PgDb = BunSQLDatabase<typeof schema> & { $client: SQL }

export interface PgOpenOptions {
	url: string
	poolSize: number
}

/** Any fixed number works: every hookgate takes the same one before migrating. */
const MIGRATE_LOCK = 0x686f6f6b // "hook"

/** drizzle-kit's PostgreSQL output, a folder inside the SQLite one so one --asset embeds both. */
export const pgMigrationsFolder = () => join(migrationsFolder(), 'postgres')

/**
 * Applies the migrations while holding a session advisory lock on one reserved
 * connection: instances starting together queue on the lock, and the later
 * ones find the journal up to date. The lock goes with the connection if this
 * process dies mid-way, so a crash never leaves others waiting.
 */
export async function migratePostgres(client: SQL, db: PgDb) {
	const conn = await client.reserve()
	try {
		await conn`SELECT pg_advisory_lock(${MIGRATE_LOCK})`
		try {
			await migrate(db, { migrationsFolder: pgMigrationsFolder() })
			await installJobCounts(client)
		} finally {
			await conn`SELECT pg_advisory_unlock(${MIGRATE_LOCK})`
		}
	} finally {
		conn.release()
	}
}

export async function openPostgres(opts: PgOpenOptions): Promise<{ client: SQL; db: PgDb }> {
	const client = new SQL({ url: opts.url, max: opts.poolSize, idleTimeout: 30, connectionTimeout: 10 })
	const db = drizzle({ client, schema }) as PgDb
	try {
		await migratePostgres(client, db)
	} catch (err) {
		await client.close()
		throw err
	}
	return { client, db }
}
