import type { EventCursor, Store } from '../store/store'

const DAY_MS = 86_400_000
const SVIX_ANSWER_MS = 12 * 3_600_000

export interface PurgeOptions {
	store: Store
	/** the clock; tests inject one to age rows without waiting */
	now: () => number
	days: number
	/** rows per transaction: small, so ingest never waits long behind a batch */
	batchSize?: number
	/** pages given back per incremental_vacuum step */
	vacuumPages?: number
	/** what runs between batches; by default one turn of the event loop */
	pause?: () => Promise<void>
	/** checked between batches: a stopping gateway must not wait for a long purge */
	aborted?: () => boolean
}

export interface PurgeResult {
	jobs: number
	attempts: number
	events: number
	vacuumedPages: number
	aborted: boolean
	ms: number
}

const nextTurn = () => new Promise<void>((r) => setTimeout(r, 0))

/**
 * Worth an incremental vacuum: a quarter of the file free, or 8 MiB of 4 KiB
 * pages. Below that the free pages are soon reused by new rows anyway.
 */
export function worthVacuum(free: number, total: number): boolean {
	return free >= 2048 || (total > 0 && free / total >= 0.25)
}

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
	const out: PurgeResult = { jobs: 0, attempts: 0, events: 0, vacuumedPages: 0, aborted: false, ms: 0 }
	const done = () => ({ ...out, ms: Date.now() - started })

	await o.store.maintenance(true)
	try {
		return await purgeSteps(o, before, batch, pause, aborted, out, done)
	} finally {
		await o.store.maintenance(false)
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
	await o.store.checkpoint()
	const pages = await o.store.freePages()
	if (worthVacuum(pages.free, pages.total)) {
		for (;;) {
			if (aborted()) return { ...done(), aborted: true }
			const freed = await o.store.vacuumStep(o.vacuumPages ?? 256)
			out.vacuumedPages += freed
			if (freed <= 0) break
			await pause()
		}
		// the vacuum itself went through the WAL
		await o.store.checkpoint()
	}
	return done()
}
