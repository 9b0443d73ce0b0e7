import type { Database } from 'bun:sqlite'
import { statSync } from 'node:fs'

const inode = (path: string): number | null => {
	try { return statSync(path).ino } catch { return null }
}

// The database file and its write-ahead log must stay the files this
// connection has open. Deleted (or replaced) while we run, SQLite goes on
// writing into the unlinked inode and every later commit would be lost at the
// next start: so writes stop, ingest and /readyz say why, and what the WAL
// holds is copied into the database file once, while it still can be.
export class FileWatch {
	private db: number | null
	private wal: number | null
	private lost: string | null = null

	constructor(private client: Database, private path: string) {
		this.db = inode(path)
		this.wal = inode(`${path}-wal`)
	}

	/** what problem() last found, without looking again (it runs before every write transaction) */
	get found(): string | null { return this.lost }

	/** null while the files are in place, else what happened and what to do */
	problem(): string | null {
		if (this.lost) return this.lost
		// an in-memory or temporary database has no files to lose
		if (this.db === null) return null
		const db = inode(this.path)
		if (db === null || db !== this.db) return this.lose(`the database file ${this.path} was deleted or replaced while hookgate ran`)
		const wal = inode(`${this.path}-wal`)
		// the log appears with the first write; once seen it stays until the connection closes
		if (this.wal === null) this.wal = wal
		else if (wal !== this.wal) return this.lose(`the write-ahead log ${this.path}-wal was deleted or replaced while hookgate ran`)
		return null
	}

	private lose(what: string): string {
		let saved = false
		try {
			this.client.exec('PRAGMA wal_checkpoint(TRUNCATE)')
			saved = true
		} catch {}
		this.lost = `${what}; ${saved ? 'what it held was copied into the database file, ' : ''}restart hookgate to take writes again`
		return this.lost
	}
}
