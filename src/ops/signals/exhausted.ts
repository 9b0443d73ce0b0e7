import type { OpsEventType } from './emit'
import type { SignalStore } from './store'

export interface ExhaustedDeps {
	store: SignalStore
	now: () => number
	emit: (type: OpsEventType, data: Record<string, unknown>) => Promise<unknown>
	log: { error(o: object, m: string): void }
	/** at most one delivery.exhausted per endpoint this often (a minute; tests shorten it) */
	intervalMs: number
}

const MAX_IDS = 100
/** how long a finished try may take from its stamp to its committed row, at most */
const SETTLE_MS = 1000

// delivery.exhausted, coalesced per endpoint: the first goes out at once, later
// ones wait for the minute to pass and then count every job that failed since.
// The window is a mark in the store moved by compare-and-set: with several
// instances, whoever moves it reports (mark, end], so each failed job is
// counted once, by one instance, whichever of them ran its last try. The end
// lags the clock by a settling time: a job is stamped with its end just before
// its row is written, and another instance's write still under way must not
// land behind a window already reported. So "at once" is after that second.
export class ExhaustedCoalescer {
	private timers = new Map<string, ReturnType<typeof setTimeout>>()
	private stopped = false

	constructor(private deps: ExhaustedDeps) {}

	/** a job of this endpoint ran out of tries, and that is written */
	note(flow: string, endpoint: string) {
		const k = `exhausted:${flow}:${endpoint}`
		if (this.stopped || this.timers.has(k)) return
		// a placeholder until the run decides: later notes of the same moment fold into it
		this.later(k, flow, endpoint, this.settleMs)
	}

	private get settleMs() { return Math.min(SETTLE_MS, this.deps.intervalMs / 2) }

	private later(k: string, flow: string, endpoint: string, ms: number) {
		if (this.stopped) { this.timers.delete(k); return }
		this.timers.set(k, setTimeout(() => {
			this.run(k, flow, endpoint).catch((err) => {
				this.timers.delete(k)
				this.deps.log.error({ err: String(err), flow, endpoint }, 'could not report exhausted jobs')
			})
		}, Math.max(ms, 10)))
	}

	private async run(k: string, flow: string, endpoint: string) {
		const { store, intervalMs } = this.deps
		const at = await store.mark(k)
		const end = this.deps.now() - this.settleMs
		if (at !== null && end - at < intervalMs) return this.later(k, flow, endpoint, at + intervalMs - end)
		if (!(await store.moveMark(k, at, end))) return this.later(k, flow, endpoint, intervalMs)
		const jobs = await store.failedJobs(flow, endpoint, at ?? end - intervalMs, end, MAX_IDS)
		if (jobs.count === 0) { this.timers.delete(k); return }
		// one more look a window later: jobs that failed while this ran were folded into it
		this.later(k, flow, endpoint, intervalMs)
		await this.deps.emit('delivery.exhausted', {
			flow, endpoint, count: jobs.count, jobs: jobs.ids, lastError: jobs.lastError,
			since: jobs.since === null ? null : new Date(jobs.since).toISOString(),
		})
	}

	stop() {
		this.stopped = true
		for (const t of this.timers.values()) clearTimeout(t)
		this.timers.clear()
	}
}
