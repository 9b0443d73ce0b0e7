import { SQL, type TransactionSQL } from 'bun'
import { GROUP_RETRIES, settleTry, type GroupOp, type GroupTry, type Outcome } from '../group-commit'
import type { Q } from './rows'

interface Op extends GroupOp {
	apply(tx: Q): Promise<unknown>
	/** its committed value asks the other instances to look for new jobs */
	wakes?: (v: unknown) => boolean
	/** what it writes that another operation may write too (an event's flow and id): those run one after the other */
	keys: string[]
}

export interface GroupCommitOptions {
	/** group transactions in flight at once, each on its own pooled connection */
	groups: number
	/** operations in one group at most */
	maxGroup: number
	/** NOTIFY sent once in a group whose committed operations made new jobs (delivered on COMMIT) */
	hint: { channel: string; payload: string }
}

// SQLSTATE classes of the database or the connection, not of one operation's
// values: connection (08), transaction state (25), resources (53: disk full,
// out of memory), operator intervention (57: pg_terminate_backend, shutdown),
// system (58), internal (XX). Such an error ends the whole group.
const GROUP_CLASSES = new Set(['08', '25', '53', '57', '58', 'XX'])

/**
 * An error that ends the transaction for everyone: the server's own trouble
 * or the connection's (Bun's own errors carry no SQLSTATE). Anything else an
 * operation throws is its own: its values (a conflict, a bad row, a deadlock
 * it was chosen for) and is rolled back alone.
 */
export const isGroupError = (err: unknown): boolean => {
	if (!(err instanceof SQL.SQLError)) return false
	const state = err instanceof SQL.PostgresError ? err.errno : undefined
	return state === undefined || GROUP_CLASSES.has(state.slice(0, 2))
}

/** A deadlock or serialization victim: the other transaction goes on, and this one, run again, finds what it committed. */
const isTransient = (err: unknown): boolean =>
	err instanceof SQL.PostgresError && (err.errno === '40P01' || err.errno === '40001')

/** Marks which operation's throw ended a plain try. */
class OpFailed {
	constructor(readonly index: number, readonly error: unknown) {}
}

// Group commit on PostgreSQL: operations (ingest requests) that arrive while
// group transactions are in flight are written together in the next one, and
// each caller is answered only after its group's COMMIT. Per operation that
// saves a BEGIN and a COMMIT round trip and a WAL flush of its own, and the
// operations' statements are pipelined (see runPlain).
//
// As on SQLite, the first try runs the group plain; an operation that throws
// takes the transaction with it, is answered alone, and the rest runs again
// with each operation in its own SAVEPOINT (a savepoint for every operation
// up front would cost two more round trips each, and end the pipelining). An
// error of the connection or the server fails the whole group at once:
// nothing of it was committed, nobody is answered ok. A deadlock victim runs
// again whole.
export class PgGroupCommit {
	private queue: Op[] = []
	private running = 0
	private scheduled = false
	private closed = false

	constructor(private sql: SQL, private opts: GroupCommitOptions) {}

	/** `apply` runs inside the shared transaction; a throw rolls back only its own writes. */
	run<T>(keys: string[], apply: (tx: Q) => Promise<T>, opts: { after?: (v: T) => void; wakes?: (v: T) => boolean } = {}): Promise<T> {
		if (this.closed) return Promise.reject(new Error('the store is closed'))
		return new Promise<T>((resolve, reject) => {
			this.queue.push({
				apply, keys, resolve: resolve as (v: unknown) => void, reject,
				after: opts.after as ((v: unknown) => void) | undefined, wakes: opts.wakes as ((v: unknown) => boolean) | undefined,
			})
			this.schedule()
		})
	}

	/** The store is closing: what still waits, and what comes later, is refused; groups in flight finish or fail with the pool. */
	close() {
		this.closed = true
		for (const op of this.queue.splice(0)) op.reject(new Error('the store is closed'))
	}

	// A free slot starts a group on the next turn of the event loop, so what
	// arrived in the same turn goes together; under load every slot is busy
	// and what arrives meanwhile waits for the next group.
	private schedule() {
		if (this.scheduled || this.running >= this.opts.groups || this.queue.length === 0) return
		this.scheduled = true
		setImmediate(() => {
			this.scheduled = false
			while (!this.closed && this.running < this.opts.groups && this.queue.length > 0) {
				this.running++
				this.flush(this.queue.splice(0, this.opts.maxGroup)).finally(() => {
					this.running--
					this.schedule()
				})
			}
		})
	}

	private async flush(group: Op[]) {
		let isolated = false
		for (let retries = GROUP_RETRIES; ; retries--) {
			const attempt = await this.tryGroup(group, isolated)
			if (!attempt.ok && isTransient(attempt.error) && retries > 0) continue
			const step = settleTry(group, attempt, retries, isGroupError)
			if (step.again === null) return
			group = step.again
			isolated = true
		}
	}

	private async tryGroup(group: Op[], isolated: boolean): Promise<GroupTry> {
		const outcomes: Outcome[] = []
		try {
			await this.sql.begin(async (tx) => {
				if (isolated) await runIsolated(tx, group, outcomes)
				else await runPlain(tx, group, outcomes)
				if (outcomes.some((o, i) => o.ok && group[i].wakes?.(o.value))) await tx.notify(this.opts.hint.channel, this.opts.hint.payload)
			})
		} catch (error) {
			if (error instanceof OpFailed) return { ok: false, failed: error.index, error: error.error }
			return { ok: false, failed: null, error }
		}
		return { ok: true, outcomes }
	}
}

/**
 * The common case: the operations' statements are sent without waiting for
 * each other's answers (pipelined on the group's connection), so a group of n
 * costs about the round trips of one, not n times them. Operations that share
 * a key run in waves, in arrival order, so the later one finds the earlier's
 * row as a resend would. The first operation that throws its own error ends
 * the try (the statements sent after a failed one fail with "transaction is
 * aborted", which is not theirs).
 */
async function runPlain(tx: Q, group: Op[], outcomes: Outcome[]) {
	for (const wave of waves(group)) {
		const settled = await Promise.allSettled(wave.map((i) => group[i].apply(tx)))
		const own = settled.findIndex((r) => r.status === 'rejected' && !isGroupError(r.reason) && !isTransient(r.reason))
		if (own >= 0) throw new OpFailed(wave[own], (settled[own] as PromiseRejectedResult).reason)
		const failed = settled.filter((r) => r.status === 'rejected').map((r) => r.reason)
		if (failed.length > 0) throw failed.find(isTransient) ?? failed[0]
		settled.forEach((r, k) => { if (r.status === 'fulfilled') outcomes[wave[k]] = { ok: true, value: r.value } })
	}
}

/** After a throw: one operation after the other, each in its own savepoint, so a throw rolls back only its own writes. */
async function runIsolated(tx: TransactionSQL, group: Op[], outcomes: Outcome[]) {
	for (const op of group) {
		try {
			outcomes.push({ ok: true, value: await tx.savepoint((sp) => op.apply(sp)) })
		} catch (error) {
			if (isGroupError(error) || isTransient(error)) throw error
			outcomes.push({ ok: false, error })
		}
	}
}

/**
 * Indexes of the group in waves: an operation goes one wave after the last
 * earlier one it shares a key with. Within a wave, by key: groups start the
 * inserts of their one-event requests in the same order, so two groups (here
 * or at another instance) sending the same ids mostly wait for each other
 * instead of deadlocking. Not always: a request with a session reads it
 * before its insert, so one without a session can go ahead of it on the
 * connection, and a batch inserts in its own order (its events are stored in
 * the order sent). A deadlock costs PostgreSQL's deadlock_timeout (1 s by
 * default) and runs the losing group again; after GROUP_RETRIES its requests
 * are answered 503 and the producers send them again.
 */
export function waves(group: Array<{ keys: string[] }>): number[][] {
	const waveOf = new Map<string, number>()
	const out: number[][] = []
	group.forEach((op, i) => {
		let w = 0
		for (const k of op.keys) { const seen = waveOf.get(k); if (seen !== undefined && seen >= w) w = seen + 1 }
		for (const k of op.keys) waveOf.set(k, w)
		;(out[w] ??= []).push(i)
	})
	const first = (i: number) => (group[i].keys.length === 0 ? '' : group[i].keys.reduce((a, b) => (b < a ? b : a)))
	return out.map((wave) => wave.sort((a, b) => (first(a) < first(b) ? -1 : first(a) > first(b) ? 1 : a - b)))
}

/** Operations in one group at most: bounds how long a group holds the keys it inserted (the same id at another instance waits for them). */
export const MAX_GROUP = 128

/**
 * Group transactions in flight at once: a quarter of the pool, 1 to 4. While
 * one group waits for its COMMIT's WAL flush the next is already sending, so
 * ingest never stops for a flush; beyond a few the groups only get smaller
 * (more commits for the same work), and each holds a connection that the
 * dispatcher's claims and completions also need.
 */
export const groupsFor = (poolSize: number) => Math.max(1, Math.min(4, Math.floor(poolSize / 4)))
