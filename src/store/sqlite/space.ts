import type { Database, Statement } from 'bun:sqlite'
import type { StoreUsage } from '../../ops/signals/store'

/** Ingest stops from this share of `storage.maxSize` on; the rest is kept for the work already accepted. */
export const INGEST_SHARE = 0.95

// How much of `storage.maxSize` the database holds, in pages: `page_count` as
// this connection sees it (pages still in the WAL included) less the free
// list, which SQLite reuses before it grows the file. Read on the write path
// (inside an ingest's transaction and after every commit), never from the
// file size, which lags while pages sit in the WAL.
//
// `max_page_count` is the hard stop at 100%. From 95% on ingest is refused,
// so the last 5% keeps attempt records, state changes, admin changes and the
// purge working.
//
// A request that would cross the ingest limit is refused whole, so ingest
// alone never takes the store to 95%: the first such refusal is when the store
// reached it (`atIngestLimit`), and it stays so until pages are freed.
export class SpaceMeter {
	/** 0: no cap */
	maxPages = 0
	private ingestPages = 0
	private readonly used: Statement
	/** last measured: at or past the ingest limit */
	full = false
	/** pages in use when ingest was last refused for the cap; null once fewer are in use (a purge) or the cap moved */
	private refusedAt: number | null = null
	/** after every measurement (refresh) */
	onMeasured: (u: StoreUsage) => void = () => {}

	constructor(client: Database, maxSizeBytes: number, readonly pageSize: number) {
		this.used = client.prepare('SELECT c.page_count - f.freelist_count AS used FROM pragma_page_count() c, pragma_freelist_count() f')
		this.setCap(maxSizeBytes)
	}

	/** a reload may change storage.maxSize */
	setCap(maxSizeBytes: number) {
		this.maxPages = maxSizeBytes > 0 ? Math.max(1, Math.floor(maxSizeBytes / this.pageSize)) : 0
		this.ingestPages = Math.floor(maxSizeBytes * INGEST_SHARE / this.pageSize)
		this.refusedAt = null
		this.refresh()
	}

	get capped() { return this.maxPages > 0 }

	usedPages(): number {
		return (this.used.get() as { used: number }).used
	}

	/** Measures now: would ingest be refused? */
	overIngestLimit(): boolean {
		return this.maxPages > 0 && this.usedPages() >= this.ingestPages
	}

	/** ingest refused a request for the cap (after its writes were rolled back) */
	refused() {
		this.refusedAt = this.usedPages()
	}

	refresh(): boolean {
		const used = this.usedPages()
		this.full = this.maxPages > 0 && used >= this.ingestPages
		if (this.refusedAt !== null && used < this.refusedAt) this.refusedAt = null
		try { this.onMeasured(this.usageOf(used)) } catch {}
		return this.full
	}

	usage(): StoreUsage {
		return this.usageOf(this.usedPages())
	}

	private usageOf(used: number): StoreUsage {
		return {
			usedBytes: used * this.pageSize, maxBytes: this.maxPages * this.pageSize, ratio: this.maxPages > 0 ? used / this.maxPages : 0,
			atIngestLimit: this.maxPages > 0 && (used >= this.ingestPages || this.refusedAt !== null),
		}
	}
}
