import type { Database, Statement } from 'bun:sqlite'

const MAX_PACING_MS = 4

interface Op {
	apply(): unknown
	resolve(v: unknown): void
	reject(e: unknown): void
	/** runs after COMMIT, before the answer (e.g. hand fresh events to the dispatcher) */
	after?: (v: unknown) => void
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
// group runs again in a fresh transaction. An operation's own bug (a RangeError
// from deep JSON) costs one retry per bad operation. An error of the database
// (full, read-only, damaged) is given one retry without the operation that met
// it, since a big write can fail where small ones fit; a second one fails the
// rest of the group, which would only meet it again.
export class WriteQueue {
	private queue: Op[] = []
	private scheduled = false
	private begin: Statement
	private commit: Statement
	private rollback: Statement
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
	}

	/** `apply` runs synchronously inside the shared transaction; a throw rolls back only its own writes. */
	run<T>(apply: () => T, after?: (v: T) => void): Promise<T> {
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
		let group = this.queue.splice(0, this.maxGroup)
		if (group.length === 0) return
		let storeRetries = 1
		for (;;) {
			const attempt = this.tryGroup(group)
			if (attempt.ok) {
				this.onFlush(null)
				group.forEach((op, i) => {
					try { op.after?.(attempt.results[i]) } catch {}
					op.resolve(attempt.results[i])
				})
				break
			}
			const { failed, error } = attempt
			const whole = failed === null || (isStoreError(error) && storeRetries-- <= 0)
			if (whole) {
				this.onFlush(failed === null || isStoreError(error) ? error : null)
				for (const op of group) op.reject(error)
				break
			}
			group[failed].reject(error)
			group = group.filter((_, i) => i !== failed)
			if (group.length === 0) {
				this.onFlush(isStoreError(error) ? error : null)
				break
			}
		}
		if (this.queue.length > 0) this.schedule()
	}

	/** One transaction over the group: the results, or which operation failed (null: BEGIN or COMMIT). */
	private tryGroup(group: Op[]): { ok: true; results: unknown[] } | { ok: false; failed: number | null; error: unknown } {
		try {
			if (this.fault) throw this.fault
			const refused = this.guard()
			if (refused) throw new Error(refused)
			this.begin.run()
		} catch (error) {
			this.abort()
			return { ok: false, failed: null, error }
		}
		const results: unknown[] = []
		for (let i = 0; i < group.length; i++) {
			try {
				results.push(group[i].apply())
			} catch (error) {
				this.abort()
				return { ok: false, failed: i, error }
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
		return { ok: true, results }
	}
}
