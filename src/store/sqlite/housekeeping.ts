import type { Database } from 'bun:sqlite'
import type { OpsQueries } from './ops'

/** pages given back per incremental_vacuum step: each is one short write */
const VACUUM_STEP_PAGES = 256

/**
 * Worth an incremental vacuum: a quarter of the file free, or 8 MiB of 4 KiB
 * pages. Below that the free pages are soon reused by new rows anyway.
 */
export function worthVacuum(free: number, total: number): boolean {
	return free >= 2048 || (total > 0 && free / total >= 0.25)
}

// SQLite's side of retention. While a purge runs, automatic checkpoints are
// small, so each copies less of the WAL and no single commit stalls ingest for
// long; the configured size after. Once rows are gone the WAL is flushed and,
// when enough of the file is free, the free pages go back to the file system a
// few at a time (auto_vacuum = INCREMENTAL), so ingest waits for one step at most.
export class SqliteHousekeeping {
	constructor(private client: Database, private ops: OpsQueries, private walAutocheckpoint: () => number) {}

	purgeStarting() { this.client.exec(`PRAGMA wal_autocheckpoint = ${Math.min(128, this.walAutocheckpoint())}`) }
	purgeEnded() { this.client.exec(`PRAGMA wal_autocheckpoint = ${this.walAutocheckpoint()}`) }

	/** `step` runs one vacuum step (the store measures its space after each) */
	async reclaimSpace(steps: { pause: () => Promise<void>; aborted: () => boolean }, step: (pages: number) => number) {
		let reclaimed = 0
		this.ops.checkpoint()
		const pages = this.ops.freePages()
		if (!worthVacuum(pages.free, pages.total)) return { reclaimed, aborted: false }
		for (;;) {
			if (steps.aborted()) return { reclaimed, aborted: true }
			const freed = step(VACUUM_STEP_PAGES)
			reclaimed += freed
			if (freed <= 0) break
			await steps.pause()
		}
		// the vacuum itself went through the WAL
		this.ops.checkpoint()
		return { reclaimed, aborted: false }
	}
}
