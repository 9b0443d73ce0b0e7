import type { Database, Statement } from 'bun:sqlite'

const MAX_PACING_MS = 4

interface Op {
	apply(): unknown
	resolve(v: unknown): void
	reject(e: unknown): void
	/** runs after COMMIT, before the answer (e.g. hand fresh events to the dispatcher) */
	after?: (v: unknown) => void
}

// Group commit for every write: ingest requests, claims and finished attempts
// that arrive while one transaction runs are written together in the next,
// and each caller is answered only after that COMMIT returned. With
// synchronous=FULL one fsync then serves a whole tick of work.
export class WriteQueue {
	private queue: Op[] = []
	private scheduled = false
	private begin: Statement
	private commit: Statement
	private rollback: Statement
	/** tests set this to make every write fail, as a full or read-only disk would */
	fault: Error | null = null

	constructor(private client: Database, private maxGroup = 1024) {
		this.begin = client.prepare('BEGIN IMMEDIATE')
		this.commit = client.prepare('COMMIT')
		this.rollback = client.prepare('ROLLBACK')
	}

	/** `apply` runs synchronously inside the shared transaction; it must undo its own partial writes before throwing. */
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

	private flush() {
		this.scheduled = false
		const group = this.queue.splice(0, this.maxGroup)
		if (group.length === 0) return
		const results: unknown[] = []
		try {
			if (this.fault) throw this.fault
			this.begin.run()
			try {
				for (const op of group) results.push(op.apply())
				const started = performance.now()
				this.commit.run()
				this.lastCommitEnd = performance.now()
				this.lastCommitCost = this.lastCommitEnd - started
			} catch (err) {
				this.rollback.run()
				throw err
			}
		} catch (err) {
			for (const op of group) op.reject(err)
			if (this.queue.length > 0) this.schedule()
			return
		}
		group.forEach((op, i) => {
			try { op.after?.(results[i]) } catch {}
			op.resolve(results[i])
		})
		if (this.queue.length > 0) this.schedule()
	}
}
