import type { EventCursor } from '../store/records'

/** What retention and the other once-at-a-time tasks need from the store. */
export interface Housekeeping {
	/** one short transaction per call: finished jobs changed before `before`, with their attempts */
	purgeFinishedJobs(before: number, limit: number): Promise<{ jobs: number; attempts: number }>
	/** events accepted before `before` that have no jobs left, walked behind a cursor */
	purgeOrphanEvents(before: number, after: EventCursor | null, limit: number): Promise<{ events: number; next: EventCursor | null }>
	/** the Svix-compatible API's answers made before `answersBefore`, tasks last changed before `tasksBefore`, and rows whose event or job is gone; returns rows removed */
	svixPurge(answersBefore: number, tasksBefore: number): Promise<number>
	/** a long purge is about to run: until purgeEnded the store may trade throughput for short pauses */
	purgeStarting(): Promise<void>
	purgeEnded(): Promise<void>
	/**
	 * After a purge removed rows: give the space they took back, in short steps
	 * with `pause` between them, until done or `aborted`. `reclaimed` is in the
	 * store's own units (SQLite: pages); a store that manages its space itself
	 * does nothing.
	 */
	reclaimSpace(steps: { pause: () => Promise<void>; aborted: () => boolean }): Promise<{ reclaimed: number; aborted: boolean }>
	/**
	 * Runs `fn` only if no other instance on the same database runs the task of
	 * this name now; null when one does. Absent where one instance owns the
	 * database (SQLite): the caller just runs the task.
	 */
	exclusive?<T>(name: string, fn: () => Promise<T>): Promise<T | null>
}
