import type { Database, Statement } from 'bun:sqlite'
import { GROUP_RETRIES, settleTry, type GroupOp, type GroupTry, type Outcome } from '../group-commit'

const MAX_PACING_MS = 4

interface Op extends GroupOp {
	apply(): unknown
}

/** An error of the database itself (full, read-only, I/O, damaged), not of one operation's values. */
export const isStoreError = (err: unknown): boolean =>
	err instanceof Error && err.name === 'SQLiteError'

// Group commit for every write: ingest requests, claims and finished attempts
// that arrive while one transaction runs are written together in the next,
// and each caller is answered only after that COMMIT returned. With
// synchronous=FULL one fsync then serves a whole tick of work.
//
// One operation's failure never fails the others: the transaction is rolled
// back, that operation alone is answered with its error, and the rest of the
// group runs again in a fresh transaction, now each operation in its own
// savepoint, so any further throw costs only that operation's writes and the
// whole group is re-run at most twice (a producer's deep JSON cannot make it
// quadratic). The common case, no throw, pays for no savepoints.
export class WriteQueue {
	private queue: Op[] = []
	private scheduled = false
	private begin: Statement
	private commit: Statement
	private rollback: Statement
	private savepoint: Statement
	private release: Statement
	private rollbackTo: Statement
	/** tests set this to make every write fail, as a full or read-only disk would */
	fault: Error | null = null
	/** checked before each transaction: a reason the store must not take writes (its files are gone) */
	guard: () => string | null = () => null
	/** after every flush: null when the store took it, else the store's error (not an operation's own) */
	onFlush: (storeError: unknown) => void = () => {}

	constructor(private client: Database, private maxGroup = 1024) {
		this.begin = client.prepare('BEGIN IMMEDIATE')
		this.commit = client.prepare('COMMIT')
		this.rollback = client.prepare('ROLLBACK')
		this.savepoint = client.prepare('SAVEPOINT write_queue_op')
		this.release = client.prepare('RELEASE write_queue_op')
		this.rollbackTo = client.prepare('ROLLBACK TO write_queue_op')
	}

	private closed = false

	/**
	 * The store is closing: what still waits, and what comes later, is refused
	 * rather than run against a closed database (a stop past its grace closes
	 * the store while tries may still be finishing).
	 */
	close() {
		this.closed = true
		for (const op of this.queue.splice(0)) op.reject(new Error('the store is closed'))
	}

	/** `apply` runs synchronously inside the shared transaction; a throw rolls back only its own writes. */
	run<T>(apply: () => T, after?: (v: T) => void): Promise<T> {
		if (this.closed) return Promise.reject(new Error('the store is closed'))
		return new Promise<T>((resolve, reject) => {
			this.queue.push({ apply, resolve: resolve as (v: unknown) => void, reject, after: after as ((v: unknown) => void) | undefined })
			this.schedule()
		})
	}

	// Pacing: after a commit that took d ms (mostly the fsync), the next one
	// waits until d ms have passed, so under load at most about half the time
	// goes to commits and each one carries more work; when idle it runs at once.
	private lastCommitEnd = 0
	private lastCommitCost = 0

	private schedule() {
		if (this.scheduled) return
		this.scheduled = true
		const wait = this.lastCommitEnd + this.lastCommitCost - performance.now()
		if (wait >= 1) setTimeout(() => this.flush(), Math.min(wait, MAX_PACING_MS))
		else setImmediate(() => this.flush())
	}

	/** After a failed statement SQLite may already have rolled back (a failed COMMIT always does); ROLLBACK then would hide the real error. */
	private abort() {
		if (!this.client.inTransaction) return
		try { this.rollback.run() } catch {}
	}

	private flush() {
		this.scheduled = false
		if (this.closed) return
		let group = this.queue.splice(0, this.maxGroup)
		if (group.length === 0) return
		let isolated = false
		for (let retries = GROUP_RETRIES; ; retries--) {
			const step = settleTry(group, this.tryGroup(group, isolated), retries, isStoreError)
			if (step.again === null) {
				this.onFlush(step.storeError)
				break
			}
			// one operation took the transaction with it: the rest runs again, each in its own savepoint
			group = step.again
			isolated = true
		}
		if (this.queue.length > 0) this.schedule()
	}

	/**
	 * One transaction over the group. Plain, an operation's throw ends it
	 * (`failed`: which one). Isolated, each operation runs in a savepoint and a
	 * throw rolls back only its own writes, unless SQLite ended the whole
	 * transaction (a full disk), which counts as `failed` too. `failed: null`:
	 * BEGIN or COMMIT failed.
	 */
	private tryGroup(group: Op[], isolated: boolean): GroupTry {
		try {
			if (this.fault) throw this.fault
			const refused = this.guard()
			if (refused) throw new Error(refused)
			this.begin.run()
		} catch (error) {
			this.abort()
			return { ok: false, failed: null, error }
		}
		const outcomes: Outcome[] = []
		for (let i = 0; i < group.length; i++) {
			if (!isolated) {
				try {
					outcomes.push({ ok: true, value: group[i].apply() })
				} catch (error) {
					this.abort()
					return { ok: false, failed: i, error }
				}
				continue
			}
			try {
				this.savepoint.run()
				const value = group[i].apply()
				this.release.run()
				outcomes.push({ ok: true, value })
			} catch (error) {
				try {
					if (!this.client.inTransaction) throw error
					this.rollbackTo.run()
					this.release.run()
				} catch {
					this.abort()
					return { ok: false, failed: i, error }
				}
				outcomes.push({ ok: false, error })
			}
		}
		try {
			const started = performance.now()
			this.commit.run()
			this.lastCommitEnd = performance.now()
			this.lastCommitCost = this.lastCommitEnd - started
		} catch (error) {
			this.abort()
			return { ok: false, failed: null, error }
		}
		return { ok: true, outcomes }
	}
}
