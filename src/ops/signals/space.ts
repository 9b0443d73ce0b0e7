import type { OpsEventType } from './emit'
import type { Marks, SpaceUsage } from './store'

const LEVELS = [0.95, 0.8]
const MARK = 'store.nearly_full'

/** The highest warning level a ratio has crossed (0: none). Pure. */
export const levelOf = (ratio: number) => LEVELS.find((l) => ratio >= l) ?? 0

// store.nearly_full when the store crosses 80% and again 95% of
// storage.maxSize (SQLite, which measures itself). Measured after every ingest
// commit (two pragmas); the store is asked only when the level differs from the
// one last known. The level last reported is a mark (in percent), so a restart
// does not say it again; falling back below 80% (a purge) resets it, and a
// later crossing is reported anew.
export class SpaceWatch {
	private known: number | null = null
	private checking: Promise<void> | null = null

	constructor(private deps: { store: Marks & SpaceUsage; emit: (type: OpsEventType, data: Record<string, unknown>) => Promise<unknown> }) {}

	/** after writes: cheap when nothing crossed */
	poke() {
		const usage = this.deps.store.usage?.()
		if (!usage || usage.maxBytes === 0 || this.checking) return
		const level = Math.round(levelOf(usage.ratio) * 100)
		if (level === this.known) return
		this.checking = this.check(level, usage).finally(() => { this.checking = null })
	}

	private async check(level: number, usage: { usedBytes: number; maxBytes: number; ratio: number }): Promise<void> {
		const last = await this.deps.store.mark(MARK)
		if ((last ?? 0) !== level && await this.deps.store.moveMark(MARK, last, level) && level > (last ?? 0)) {
			await this.deps.emit('store.nearly_full', { usedBytes: usage.usedBytes, maxBytes: usage.maxBytes, ratio: Math.round(usage.ratio * 1000) / 1000 })
		}
		this.known = level
	}
}
