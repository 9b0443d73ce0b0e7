import type { OpsEventType } from './emit'
import type { Marks, SpaceUsage, StoreUsage } from './store'

const MARK = 'store.nearly_full'

/**
 * The warning level (percent: 0, 80 or 95) the store is at, given the level
 * last reported. Pure. 95 is the store at its ingest limit: ingest refuses a
 * request that would take it past 95% of storage.maxSize, so through ingest
 * the ratio stops just short of 0.95 and only attempts, state and hookgate's
 * own events carry it over. Once reported, a level holds until the store is
 * back under 80% (a purge): a store that hovers at its limit, freed a little
 * by each purge and filled again, is reported once, not once per purge.
 */
export function levelOf(last: number, u: Pick<StoreUsage, 'ratio' | 'atIngestLimit'>): number {
	if (u.atIngestLimit || u.ratio >= 0.95) return 95
	if (u.ratio < 0.8) return 0
	return last === 95 ? 95 : 80
}

// store.nearly_full when the store crosses 80% of storage.maxSize and when it
// reaches its ingest limit (95%; SQLite, which measures itself). Looked at
// after every write the store measures; the store is asked only when the level
// differs from the one last known. The level last reported is a mark (in
// percent), moved by compare-and-set, so it is said once across instances and
// a restart does not say it again; back under 80% re-arms both levels.
export class SpaceWatch {
	private known: number | null = null
	private checking: Promise<void> | null = null
	/** a measurement came while checking: look again after */
	private again = false

	constructor(private deps: {
		store: Marks & SpaceUsage
		emit: (type: OpsEventType, data: Record<string, unknown>) => Promise<unknown>
		/** runs a check beside the write that measured (its failure logged, waited for at stop) */
		track: (check: Promise<void>) => void
	}) {}

	/** after writes: cheap when nothing crossed */
	poke(measured?: StoreUsage) {
		const usage = measured ?? this.deps.store.usage?.()
		if (!usage || usage.maxBytes === 0) return
		if (this.checking) {
			this.again = true
			return
		}
		if (this.known !== null && levelOf(this.known, usage) === this.known) return
		this.again = false
		this.checking = this.check(usage).finally(() => {
			this.checking = null
			if (this.again) {
				this.again = false
				// measured afresh: what came meanwhile may be stale
				this.poke()
			}
		})
		this.deps.track(this.checking)
	}

	private async check(usage: StoreUsage): Promise<void> {
		const last = await this.deps.store.mark(MARK)
		const level = levelOf(last ?? 0, usage)
		if ((last ?? 0) === level) {
			this.known = level
			return
		}
		if (!await this.deps.store.moveMark(MARK, last, level)) {
			// another instance moved it: read it again next time
			this.known = null
			return
		}
		this.known = level
		if (level > (last ?? 0)) {
			await this.deps.emit('store.nearly_full', { usedBytes: usage.usedBytes, maxBytes: usage.maxBytes, ratio: Math.round(usage.ratio * 1000) / 1000 })
		}
	}
}
