import type { EventCursor } from '../store/records'
import type { Housekeeping } from './housekeeping'

const DAY_MS = 86_400_000
const SVIX_ANSWER_MS = 12 * 3_600_000

export interface PurgeOptions {
	store: Housekeeping
	/** the clock; tests inject one to age rows without waiting */
	now: () => number
	days: number
	/** rows per transaction: small, so ingest never waits long behind a batch */
	batchSize?: number
	/** what runs between batches; by default one turn of the event loop */
	pause?: () => Promise<void>
	/** checked between batches: a stopping gateway must not wait for a long purge */
	aborted?: () => boolean
}

export interface PurgeResult {
	jobs: number
	attempts: number
	events: number
	/** space given back after the purge, in the store's units (SQLite: pages) */
	reclaimed: number
	aborted: boolean
	ms: number
}

const nextTurn = () => new Promise<void>((r) => setTimeout(r, 0))

// Finished jobs (succeeded, failed, cancelled) whose last change is older than
// `days` go with their attempts, then events accepted before the same cut that
// have no jobs left (so an id stays a duplicate for the whole period). Pending
// and delivering jobs are never touched, so neither are their events.
export async function purge(o: PurgeOptions): Promise<PurgeResult> {
	const started = Date.now()
	const batch = o.batchSize ?? 100
	const pause = o.pause ?? nextTurn
	const aborted = o.aborted ?? (() => false)
	const before = o.now() - o.days * DAY_MS
	const out: PurgeResult = { jobs: 0, attempts: 0, events: 0, reclaimed: 0, aborted: false, ms: 0 }
	const done = () => ({ ...out, ms: Date.now() - started })

	await o.store.purgeStarting()
	try {
		return await purgeSteps(o, before, batch, pause, aborted, out, done)
	} finally {
		await o.store.purgeEnded()
	}
}

async function purgeSteps(o: PurgeOptions, before: number, batch: number, pause: () => Promise<void>, aborted: () => boolean,
	out: PurgeResult, done: () => PurgeResult): Promise<PurgeResult> {
	for (;;) {
		if (aborted()) return { ...done(), aborted: true }
		const r = await o.store.purgeFinishedJobs(before, batch)
		out.jobs += r.jobs
		out.attempts += r.attempts
		if (r.jobs < batch) break
		await pause()
	}

	let cursor: EventCursor | null = null
	do {
		if (aborted()) return { ...done(), aborted: true }
		const r = await o.store.purgeOrphanEvents(before, cursor, batch)
		out.events += r.events
		cursor = r.next
		if (cursor) await pause()
	} while (cursor)
	// the Svix-compatible API's stored answers live 12 hours; its rows go with their events and jobs,
	// its background tasks when they are as old as the finished jobs retention removes
	await o.store.svixPurge(o.now() - SVIX_ANSWER_MS, before)

	if (out.jobs + out.events === 0) return done()
	const r = await o.store.reclaimSpace({ pause, aborted })
	out.reclaimed = r.reclaimed
	return r.aborted ? { ...done(), aborted: true } : done()
}
