import type { FailedJobs, UndeliveredRow } from '../../store/records'

/** Marks: named times moved by compare-and-set, so with several instances one of them acts on each. */
export interface Marks {
	/** a mark's time, or null when it was never set */
	mark(key: string): Promise<number | null>
	/** compare-and-set: moves the mark from `expected` (null: absent) to `next`; true only for the one caller whose move took */
	moveMark(key: string, expected: number | null, next: number): Promise<boolean>
}

/** What operational events read: marks, and the failed and waiting jobs they report. */
export interface SignalStore extends Marks {
	/** non-test jobs of the endpoint that finished failed with updated_at in (after, upTo] */
	failedJobs(flow: string, endpoint: string, after: number, upTo: number, limit: number): Promise<FailedJobs>
	/** per endpoint: non-test jobs failed in (since, until] and jobs pending since before `pendingBefore`; endpoints with neither are left out */
	undelivered(since: number, until: number, pendingBefore: number): Promise<UndeliveredRow[]>
}

/** How much of storage.maxSize a store uses. */
export interface StoreUsage {
	usedBytes: number
	/** 0: no cap */
	maxBytes: number
	ratio: number
	/** ingest is refused for the cap: the store is past its ingest limit (95%), or a request was refused for crossing it and no space was freed since */
	atIngestLimit: boolean
}

/** A store that caps its own size (storage.maxSize) says how much of it is used; others have no such methods. */
export interface SpaceUsage {
	usage?(): StoreUsage
	/** called with usage?() after every write while capped (from inside the write path: must be quick and not throw) */
	onUsage?(listener: (u: StoreUsage) => void): void
}
