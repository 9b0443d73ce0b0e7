import type { Store } from '../../store/store'
import type { OpsEventType } from './emit'

const LEVELS = [0.95, 0.8]
const MARK = 'store.nearly_full'
/** usage is measured at most this often */
const EVERY_MS = 1000

/** The highest warning level a ratio has crossed (0: none). Pure. */
export const levelOf = (ratio: number) => LEVELS.find((l) => ratio >= l) ?? 0

// store.nearly_full when the store crosses 80% and again 95% of
// storage.maxSize (SQLite, which measures itself). The level last reported is
// a mark (in percent), so a restart does not say it again; falling back below
// 80% (a purge) resets it, and a later crossing is reported anew.
export class SpaceWatch {
	private lastCheck = -Infinity
	private checking = false

	constructor(private deps: { store: Store; emit: (type: OpsEventType, data: Record<string, unknown>) => Promise<unknown>; monotonic?: () => number }) {}

	/** after writes (ingest commits, a timer): cheap when called often */
	poke() {
		const t = (this.deps.monotonic ?? performance.now.bind(performance))()
		if (this.checking || t - this.lastCheck < EVERY_MS || !this.deps.store.usage) return
		this.lastCheck = t
		this.checking = true
		this.check().finally(() => { this.checking = false })
	}

	async check(): Promise<void> {
		const usage = this.deps.store.usage?.()
		if (!usage || usage.maxBytes === 0) return
		const level = Math.round(levelOf(usage.ratio) * 100)
		const last = await this.deps.store.mark(MARK)
		if ((last ?? 0) === level) return
		if (!(await this.deps.store.moveMark(MARK, last, level))) return
		if (level > (last ?? 0)) await this.deps.emit('store.nearly_full', { usedBytes: usage.usedBytes, maxBytes: usage.maxBytes, ratio: Math.round(usage.ratio * 1000) / 1000 })
	}
}
