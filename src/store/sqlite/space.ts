import type { Database, Statement } from 'bun:sqlite'

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
export class SpaceMeter {
	/** 0: no cap */
	maxPages = 0
	private ingestPages = 0
	private readonly used: Statement
	/** last measured: at or past the ingest limit */
	full = false

	constructor(client: Database, maxSizeBytes: number, readonly pageSize: number) {
		this.used = client.prepare('SELECT c.page_count - f.freelist_count AS used FROM pragma_page_count() c, pragma_freelist_count() f')
		this.setCap(maxSizeBytes)
	}

	/** a reload may change storage.maxSize */
	setCap(maxSizeBytes: number) {
		this.maxPages = maxSizeBytes > 0 ? Math.max(1, Math.floor(maxSizeBytes / this.pageSize)) : 0
		this.ingestPages = Math.floor(maxSizeBytes * INGEST_SHARE / this.pageSize)
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

	refresh(): boolean {
		this.full = this.overIngestLimit()
		return this.full
	}

	usage() {
		const used = this.usedPages()
		return { usedBytes: used * this.pageSize, maxBytes: this.maxPages * this.pageSize, ratio: this.maxPages > 0 ? used / this.maxPages : 0 }
	}
}
