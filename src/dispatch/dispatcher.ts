import type { Catalog } from '../catalog'
import type { Completion, EndpointStateRecord, IngestedEvent } from '../store/types'
import { ClaimRound } from './claim-round'
import { CompletionWriter } from './completions'
import type { AttemptDeps } from './deliver'
import { DueHints } from './due'
import { EventCache } from './event-cache'
import { afterWritten, stamp, Tries, type PendingCompletion } from './finish'
import type { AttemptResult } from './health'
import { AttemptPump } from './pump'
import type { JobQueue } from './queue'
import { key, Sweep, SWEEP_MS, targetsOf, type Target } from './sweep'

export { RECLAIM_EVERY_MS, SWEEP_MS } from './sweep'

export interface DispatcherDeps extends AttemptDeps {
	store: JobQueue
	catalog: Catalog
	random: () => number
	log: { info(o: object, m: string): void; warn(o: object, m: string): void; error(o: object, m: string): void }
	/** observes every finished attempt (metrics) */
	onAttempt?: (flow: string, endpoint: string, c: Completion, ids: { delivery: string; event: string }) => void
	/** an endpoint's health changed (as decided under its row lock): operational events */
	onHealth?: (flow: string, endpoint: string, before: EndpointStateRecord, after: EndpointStateRecord, r: AttemptResult) => void
	/** a job ran out of tries, and that is written */
	onExhausted?: (flow: string, endpoint: string) => void
	/** a clock that never steps (tests inject one beside `now`); performance.now() by default */
	monotonic?: () => number
}

const STORE_RETRY_MS = 1000

// Must hold: a job due at T starts by T + 1 s whenever the caps and the rate
// limit leave a slot, whatever else happens in the process.
//
// The loop, one state at a time:
// - pass: if the wall clock stepped (compared with the monotonic clock), move
//   stored due times with it and forget every hint. If SWEEP_MS went by since
//   the last sweep, read every enabled endpoint's next due time from the store
//   (one statement, an indexed MIN each): sweep.ts. Then claim, per endpoint
//   whose hint says due (or unknown), as many jobs as the caps and its rate
//   allow, in one transaction; put them in the buffer of claimed jobs and start
//   what the caps allow: claim-round.ts, pump.ts. An endpoint whose claim did
//   not fill up gets its next due time read again.
// - sleeping: until the earliest hinted due time or rate-limit token, and never
//   longer than SWEEP_MS. Ingest commits, written completions, finished tries
//   and notify() (replay, enable, reload, a health change) wake it at once.
// - stopped: no claims; the buffer goes back to pending, tries in flight get
//   the grace, then go back to pending too.
// A try runs outside the loop (finish.ts): deliver → verdict → health →
// completion queue; a finished try frees its slot and pumps the buffer at once.
//
// The `due` hints only ever make an endpoint look sooner than the store says:
// ingest, completions (after their commit) and releases lower them; notify()
// forgets them; a read that raced with a lowering keeps the lower (see due.ts);
// and the sweep puts any stale "later" right within SWEEP_MS.
export class Dispatcher {
	private running = false
	private loopDone: Promise<void> = Promise.resolve()
	private wakeRequested = false
	private waker: (() => void) | null = null
	private completions: CompletionWriter<PendingCompletion>
	private eventCache = new EventCache()
	/** each endpoint's next due time as far as this process knows: a hint, see due.ts */
	private due = new DueHints()
	private sweep: Sweep
	private pump: AttemptPump
	private round: ClaimRound
	private tries: Tries
	lastLoopAt = 0

	constructor(private deps: DispatcherDeps) {
		const mono = deps.monotonic ?? (() => performance.now())
		this.sweep = new Sweep(deps, mono, this.due)
		this.completions = new CompletionWriter<PendingCompletion>(deps.store, deps.log, (batch) => this.written(batch), (c) => stamp(c, this.deps.now()))
		this.pump = new AttemptPump({
			store: deps.store, catalog: deps.catalog, now: () => this.deps.now(), log: deps.log, due: this.due, eventCache: this.eventCache,
			running: () => this.running,
			run: (job, event) => this.tries.run(job, event),
			lost: () => { this.sweep.lostAnswers = true },
			wake: () => this.wake(),
		})
		this.tries = new Tries(deps, this.due, this.completions, this.pump.abandoned)
		this.round = new ClaimRound({ store: deps.store, catalog: deps.catalog, due: this.due, pump: this.pump })
		deps.store.onCommitted((events) => this.remember(events))
		deps.catalog.onChange(() => this.notify())
	}

	get alive() { return this.running }
	get inFlight() { return this.pump.inflightTotal }
	/** claimed and waiting for a slot */
	get claimedAhead() { return this.pump.ready.size }

	async start() {
		const recovered = await this.deps.store.recoverInFlight(this.deps.now())
		if (recovered > 0) this.deps.log.info({ recovered }, 'jobs left in flight by the last run are due again')
		this.running = true
		this.loopDone = this.loop().catch((err) => {
			this.running = false
			this.deps.log.error({ err: String(err) }, 'dispatcher stopped on an error')
		})
	}

	/** Something outside changed jobs (replay, enable, reload), and committed: forget what is known to be due, look again. */
	notify() {
		this.due.forget()
		this.wake()
	}

	private wake() {
		this.wakeRequested = true
		const w = this.waker
		this.waker = null
		w?.()
	}

	private remember(events: IngestedEvent[]) {
		for (const e of events) {
			if (!e.stored) continue
			// only what a claim will need: an event with no job is never read again
			this.eventCache.set(e.stored.pk, e.stored, e.deliveries.length)
			for (const d of e.deliveries) this.due.lower(key(e.stored.flow, d.endpoint), e.stored.acceptedAt)
		}
		this.wake()
	}

	/** Finished tries are in the store: a retry is pending now, where a pass can see it. */
	private written(batch: PendingCompletion[]) {
		const lower = afterWritten(batch, this.round.heldBack)
		for (const [k, at] of lower) this.due.lower(k, at)
		if (lower.length > 0) this.wake()
		for (const c of batch) if (c.exhausted) this.deps.onExhausted?.(...c.exhausted)
	}

	private async loop() {
		let rotate = 0
		while (this.running) {
			this.wakeRequested = false
			this.lastLoopAt = Date.now()
			let earliest: number
			try {
				const targets = targetsOf(this.deps.catalog)
				// rotate the starting endpoint so no endpoint always claims first
				rotate = (rotate + 1) % Math.max(targets.length, 1)
				earliest = await this.pass(targets, rotate, this.deps.now())
			} catch (err) {
				// a store that cannot write (disk full, a fault) or anything unforeseen must not stop delivery
				// for good: the loop is the only thing that starts tries, so it goes on, a second later
				this.deps.log.error({ err: String(err) }, 'dispatcher pass failed; trying again in a second')
				this.sweep.lostAnswers = true
				this.due.forget()
				earliest = this.deps.now() + STORE_RETRY_MS
			}
			await this.sleepUntil(earliest)
		}
	}

	/** One pass: look after the store, read due times, claim within the caps, start what was claimed; returns when to look again. */
	private async pass(targets: Target[], rotate: number, now: number): Promise<number> {
		const { mono, sweep } = await this.sweep.beforeClaims(now, () => [...this.pump.inHand(), ...this.completions.held()])
		const ticket = this.due.begin()
		try {
			if (sweep) await this.sweep.sweep(targets, ticket, mono)
			return await this.round.run(targets, rotate, now, mono, ticket)
		} finally {
			this.due.end(ticket)
		}
	}

	private sleepUntil(t: number): Promise<void> {
		const wait = t - this.deps.now()
		if (this.wakeRequested || wait <= 0 || !this.running) return new Promise((r) => setImmediate(r))
		return new Promise((resolve) => {
			const timer = setTimeout(() => { this.waker = null; resolve() }, Math.min(wait, SWEEP_MS))
			this.waker = () => { clearTimeout(timer); resolve() }
		})
	}

	/** Stops claiming, lets tries finish within graceMs, puts the rest back to pending. */
	async stop(graceMs: number) {
		if (!this.running && this.pump.jobs.size === 0) return
		this.running = false
		this.wake()
		await this.loopDone
		// claimed but never started: back to pending at once
		this.pump.dropReady()
		const left = await this.pump.settle(graceMs)
		await this.completions.drain()
		if (left.length > 0) {
			await this.deps.store.release(left, this.deps.now())
			this.deps.log.warn({ jobs: left.length }, 'tries still running at shutdown were put back to pending')
		}
	}
}
