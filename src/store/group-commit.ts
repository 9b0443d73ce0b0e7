// What the SQLite write queue and the PostgreSQL group commit share: how one
// try of a grouped transaction is answered, and what runs again after it.
// Each store runs its own tries (SQLite synchronously on its one connection,
// PostgreSQL on a pooled one); the rule for who is answered what is the same.

export interface GroupOp {
	resolve(v: unknown): void
	reject(e: unknown): void
	/** runs after COMMIT, before the answer (e.g. hand fresh events to the dispatcher) */
	after?: (v: unknown) => void
}

export type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown }

/**
 * One try of a group. Committed: every operation's outcome. Else `failed`
 * names the operation whose throw ended the transaction, or is null when the
 * transaction itself failed (BEGIN, COMMIT, the database or the connection).
 */
export type GroupTry = { ok: true; outcomes: Outcome[] } | { ok: false; failed: number | null; error: unknown }

/**
 * Answers what a try settled. A committed try answers everyone; a transaction
 * that failed by itself, or once the re-runs are spent, fails everyone (none
 * of it was committed); an operation that took the transaction with it is
 * answered alone and the rest is returned to run again, each in its own
 * savepoint. `storeError`: the database's own error among them, if any.
 */
export function settleTry<O extends GroupOp>(group: O[], attempt: GroupTry, retriesLeft: number, isStoreError: (e: unknown) => boolean): { again: O[] | null; storeError: unknown } {
	if (attempt.ok) {
		let storeError: unknown = null
		group.forEach((op, i) => {
			const o = attempt.outcomes[i]
			if (!o.ok) {
				if (isStoreError(o.error)) storeError = o.error
				op.reject(o.error)
				return
			}
			try { op.after?.(o.value) } catch {}
			op.resolve(o.value)
		})
		return { again: null, storeError }
	}
	const { failed, error } = attempt
	if (failed === null || retriesLeft <= 0) {
		for (const op of group) op.reject(error)
		return { again: null, storeError: failed === null || isStoreError(error) ? error : null }
	}
	group[failed].reject(error)
	const rest = group.filter((_, i) => i !== failed)
	if (rest.length === 0) return { again: null, storeError: isStoreError(error) ? error : null }
	return { again: rest, storeError: null }
}

/** Re-runs of a group after the first try, so a producer's bad operations cannot make it quadratic. */
export const GROUP_RETRIES = 2
