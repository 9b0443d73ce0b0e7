import type { Catalog } from '../catalog'
import type { EndpointConfig, StoredEvent } from '../domain'
import type { ClaimedJob, Completion, EndpointStateRecord, IngestedEvent } from '../store/types'
import { ClaimedBuffer } from './claimed'
import { JUMP_MS, JumpDetector, type Jump } from './clock'
import { CompletionWriter } from './completions'
import { attemptDelivery, LEASE_MARGIN_MS, type AttemptDeps } from './deliver'
import { DueHints } from './due'
import { EventCache } from './event-cache'
import { afterAttempt, verdict, type AttemptResult } from './health'
import { nextDelay } from './retry'
import { planClaims, type Candidate } from './plan'
import type { JobQueue } from './queue'
import { TokenBucket } from './rate'

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

/** Every enabled endpoint's due time is read from the store at least this often, and the loop sleeps no longer. */
export const SWEEP_MS = 500
const STORE_RETRY_MS = 1000
/**
 * Leases that ran out are looked for this often: on a shared database that is
 * how a dead instance's jobs come back, so it must be soon; the statement
 * reads only rows in flight (few, indexed by status), so it is cheap.
 */
export const RECLAIM_EVERY_MS = 5_000
/** An endpoint whose claim came back short while jobs were due is held by others (shared caps, another instance's claim): look again this soon. */
const HELD_RETRY_MS = 100
const CHUNK = 100
const key = (flow: string, endpoint: string) => `${flow}\u0000${endpoint}`
/** a finished try on its way to the store: `hint` names its endpoint, `delayMs` its retry's delay, `exhausted` a job out of tries */
type PendingCompletion = Completion & { hint: string; delayMs: number; exhausted?: [string, string] }

// Must hold: a job due at T starts by T + 1 s whenever the caps and the rate
// limit leave a slot, whatever else happens in the process.
//
// The loop, one state at a time:
// - pass: if the wall clock stepped (compared with the monotonic clock), move
//   stored due times with it and forget every hint. If SWEEP_MS went by since
//   the last sweep, read every enabled endpoint's next due time from the store
//   (one statement, an indexed MIN each). Then claim, per endpoint whose hint
//   says due (or unknown), as many jobs as the caps and its rate allow, in one
//   transaction; put them in the buffer of claimed jobs (`ready`) and start what
//   the caps allow (`pump`). An endpoint whose claim did not fill up gets its
//   next due time read again.
// - sleeping: until the earliest hinted due time or rate-limit token, and never
//   longer than SWEEP_MS. Ingest commits, written completions, finished tries
//   and notify() (replay, enable, reload, a health change) wake it at once.
// - stopped: no claims; the buffer goes back to pending, tries in flight get
//   the grace, then go back to pending too.
// A try runs outside the loop: deliver → verdict → health → completion queue;
// a finished try frees its slot and pumps the buffer at once.
//
// The `due` hints only ever make an endpoint look sooner than the store says:
// ingest, completions (after their commit) and releases lower them; notify()
// forgets them; a read that raced with a lowering keeps the lower (see due.ts);
// and the sweep puts any stale "later" right within SWEEP_MS.
export class Dispatcher {
	private running = false
	private loopDone: Promise<void> = Promise.resolve()
	private inflight = new Map<string, number>()
	private inflightTotal = 0
	private inflightJobs = new Map<number, Promise<void>>()
	private ready = new ClaimedBuffer()
	private abandoned = new Set<number>()
	private wakeRequested = false
	private waker: (() => void) | null = null
	private completions: CompletionWriter<PendingCompletion>
	private eventCache = new EventCache()
	private buckets = new Map<string, TokenBucket>()
	/** each endpoint's next due time as far as this process knows: a hint, see due.ts */
	private due = new DueHints()
	/** endpoints whose last claim was cut short by caps held with other instances: a finished try here frees a slot there */
	private heldBack = new Set<string>()
	lastLoopAt = 0
	private mono: () => number
	private lastReclaim: number
	/** a store call failed: jobs may be ours in the store without being in hand (a claim whose answer was lost) */
	private lostAnswers = false
	private lastSweep = -Infinity
	private clock: JumpDetector
	private steps: Jump[] = []

	constructor(private deps: DispatcherDeps) {
		this.mono = deps.monotonic ?? (() => performance.now())
		this.lastReclaim = this.mono()
		this.clock = new JumpDetector(deps.now, this.mono)
		this.completions = new CompletionWriter<PendingCompletion>(deps.store, deps.log, (batch) => this.written(batch), (c) => {
			const now = this.deps.now()
			c.now = now
			c.nextAttemptAt = c.status === 'pending' ? now + c.delayMs : now
		})
		deps.store.onCommitted((events) => this.remember(events))
		deps.catalog.onChange(() => this.notify())
	}

	get alive() { return this.running }
	get inFlight() { return this.inflightTotal }
	/** claimed and waiting for a slot */
	get claimedAhead() { return this.ready.size }

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
		let retry = false
		for (const c of batch) {
			if (c.status === 'pending') { this.due.lower(c.hint, c.nextAttemptAt); retry = true }
			// the try no longer counts against the endpoint's shared cap now that it is written
			else if (this.heldBack.delete(c.hint)) { this.due.lower(c.hint, c.now); retry = true }
		}
		if (retry) this.wake()
		for (const c of batch) if (c.exhausted) this.deps.onExhausted?.(...c.exhausted)
	}

	private targets(): Array<{ flow: string; endpoint: EndpointConfig }> {
		const out: Array<{ flow: string; endpoint: EndpointConfig }> = []
		for (const id of this.deps.catalog.flowIds()) {
			const view = this.deps.catalog.flow(id)!
			for (const e of view.endpoints) if (this.deps.catalog.isEnabled(id, e)) out.push({ flow: id, endpoint: e })
		}
		return out
	}

	private async loop() {
		let rotate = 0
		while (this.running) {
			this.wakeRequested = false
			this.lastLoopAt = Date.now()
			let earliest: number
			try {
				const targets = this.targets()
				// rotate the starting endpoint so no endpoint always claims first
				rotate = (rotate + 1) % Math.max(targets.length, 1)
				earliest = await this.pass(targets, rotate, this.deps.now())
			} catch (err) {
				// a store that cannot write (disk full, a fault) or anything unforeseen must not stop delivery
				// for good: the loop is the only thing that starts tries, so it goes on, a second later
				this.deps.log.error({ err: String(err) }, 'dispatcher pass failed; trying again in a second')
				this.lostAnswers = true
				this.due.forget()
				earliest = this.deps.now() + STORE_RETRY_MS
			}
			await this.sleepUntil(earliest)
		}
	}

	/** One pass: claim within the caps, start what was claimed; returns when to look again. */
	private async pass(targets: Array<{ flow: string; endpoint: EndpointConfig }>, rotate: number, now: number): Promise<number> {
		const jump = this.clock.check()
		if (jump) this.steps.push(jump)
		while (this.steps.length > 0) {
			// rows written after the step (ingest meanwhile) already carry the new clock; for a step back they
			// cannot be told apart, and moving them too makes them at most early, never stranded. A step whose
			// move failed (the store) stays here for the next pass.
			const step = this.steps[0]
			const moved = await this.deps.store.shiftDue(step.deltaMs, step.deltaMs > 0 ? step.oldNow : null)
			this.steps.shift()
			this.deps.log.warn({ deltaMs: Math.round(step.deltaMs), moved }, 'the wall clock stepped; due times moved with it')
			this.due.forget()
		}
		const mono = this.mono()
		if (mono - this.lastReclaim >= RECLAIM_EVERY_MS) {
			// a job whose lease ran out was lost by whoever claimed it (a try that died): due again
			this.lastReclaim = mono
			if (this.lostAnswers) {
				// here, between claims (a pass awaits its own), so nothing claimed is on its way in; what is
				// ours in the store and not in hand goes back now rather than when its lease runs out
				this.lostAnswers = false
				const held = [...this.ready.pks(), ...this.inflightJobs.keys(), ...this.completions.held()]
				const released = await this.deps.store.releaseUnheld(held, now)
				if (released > 0) {
					this.deps.log.warn({ released }, 'jobs claimed when the store\'s answer was lost are due again')
					this.due.forget()
				}
			}
			const reclaimed = await this.deps.store.reclaimExpired(now)
			if (reclaimed > 0) {
				this.deps.log.warn({ reclaimed }, 'jobs whose lease ran out are due again')
				this.due.forget()
			}
		}
		const sweep = mono - this.lastSweep >= SWEEP_MS
		// a row written under a clock that has since gone back (stepped forward and back between two looks,
		// or while no dispatcher looked) is due far ahead, and no single step describes it: it follows the clock
		if (sweep && await this.deps.store.shiftDue(0, null, this.deps.now(), JUMP_MS) > 0) {
			this.deps.log.warn({}, 'jobs written under a wall clock since set back follow the clock')
			this.due.forget()
		}
		const ticket = this.due.begin()
		try {
			if (sweep) {
				// the hints are only hints: read the truth for every enabled endpoint
				this.lastSweep = mono
				const found = await this.deps.store.nextDueAll(targets.map((t) => [t.flow, t.endpoint.id]))
				targets.forEach((t, i) => this.due.settle(ticket, key(t.flow, t.endpoint.id), found[i]))
			}
			const { plans, earliest: planned, starved } = this.plan(targets, rotate, now, mono)
			// every claim of this pass goes into one transaction (the store's write queue)
			// the caps go with the claim: a store shared by several instances holds them for all together
			const claimed = await Promise.all(plans.map((p) => this.deps.store.claim(p.flow, p.endpoint.id, p.free, now, p.lease, undefined,
				{ cap: this.deps.catalog.concurrency(p.endpoint), rate: p.endpoint.rateLimit ?? null })))
			let earliest = planned
			let unused = 0
			for (let i = 0; i < plans.length; i++) {
				const jobs = claimed[i]
				const k = key(plans[i].flow, plans[i].endpoint.id)
				if (jobs.length > 0) {
					plans[i].bucket?.take(jobs.length, mono)
					await this.launch(k, jobs)
				}
				unused += plans[i].free - jobs.length
				if (jobs.length === plans[i].free) {
					// filled up: there may well be more, look again next pass
					this.due.forgetOne(k)
					earliest = now
				} else {
					const due = await this.deps.store.nextDue(plans[i].flow, plans[i].endpoint.id)
					if (due !== null && due <= now) {
						// due but not given: other instances hold the endpoint's shared slots or tokens (or just locked
						// these rows); retrying at once would spin, so look again shortly or when a try here is written
						this.heldBack.add(k)
						this.due.settle(ticket, k, now + HELD_RETRY_MS)
						earliest = Math.min(earliest, now + HELD_RETRY_MS)
					} else {
						this.due.settle(ticket, k, due)
						if (due !== null) earliest = Math.min(earliest, due)
					}
				}
			}
			// slots planned for an endpoint with less to do than its share go to the others at once
			return starved && unused > 0 ? now : earliest
		} finally {
			this.due.end(ticket)
		}
	}

	/** What this pass claims, from what is known of each enabled endpoint. */
	private plan(targets: Array<{ flow: string; endpoint: EndpointConfig }>, rotate: number, now: number, mono: number) {
		const ordered = targets.map((_, i) => targets[(i + rotate) % targets.length])
		const buckets = ordered.map(({ flow, endpoint }) => this.bucket(key(flow, endpoint.id), endpoint.rateLimit))
		const candidates: Candidate[] = ordered.map(({ flow, endpoint }, i) => {
			const k = key(flow, endpoint.id)
			const bucket = buckets[i]
			return {
				cap: this.deps.catalog.concurrency(endpoint),
				held: (this.inflight.get(k) ?? 0) + this.ready.held(k),
				due: this.due.get(k),
				// rate limits run on the monotonic clock: a step of the wall clock neither empties nor fills them
				tokens: bucket ? bucket.available(mono) : null,
				tokenWaitMs: bucket ? bucket.waitMs(mono) : 0,
			}
		})
		const budget = 2 * this.deps.catalog.config.delivery.concurrency - this.inflightTotal - this.ready.size
		const pass = planClaims(candidates, budget, now, SWEEP_MS, CHUNK)
		const plans = pass.claims.map(([i, free]) => {
			const { flow, endpoint } = ordered[i]
			const lease = now + this.deps.catalog.timeout(this.deps.catalog.flow(flow)?.flow, endpoint) + LEASE_MARGIN_MS
			return { flow, endpoint, free, lease, bucket: buckets[i] }
		})
		return { plans, earliest: pass.earliest, starved: pass.starved }
	}

	private bucket(k: string, rate: number | null): TokenBucket | null {
		if (!rate) { this.buckets.delete(k); return null }
		let b = this.buckets.get(k)
		if (!b || b.rate !== rate) { b = new TokenBucket(rate); this.buckets.set(k, b) }
		return b
	}

	private sleepUntil(t: number): Promise<void> {
		const wait = t - this.deps.now()
		if (this.wakeRequested || wait <= 0 || !this.running) return new Promise((r) => setImmediate(r))
		return new Promise((resolve) => {
			const timer = setTimeout(() => { this.waker = null; resolve() }, Math.min(wait, SWEEP_MS))
			this.waker = () => { clearTimeout(timer); resolve() }
		})
	}

	private async launch(k: string, jobs: ClaimedJob[]) {
		const missing = jobs.map((j) => j.eventPk).filter((pk) => !this.eventCache.has(pk))
		let loaded: Map<number, StoredEvent>
		try {
			loaded = missing.length > 0 ? await this.deps.store.events(missing) : new Map()
		} catch (err) {
			// claimed but not startable: back to pending at once rather than waiting out the lease
			await this.deps.store.release(jobs.map((j) => j.pk), this.deps.now())
			this.due.forgetOne(k)
			throw err
		}
		// an event fanned out to several endpoints is read once, not once per endpoint
		for (const [pk, e] of loaded) this.eventCache.set(pk, e)
		for (const job of jobs) {
			this.ready.push(k, { job, event: this.eventCache.get(job.eventPk) ?? loaded.get(job.eventPk) })
			this.eventCache.claimed(job.eventPk)
		}
		this.pump()
	}

	/** Starts claimed jobs while both caps allow, endpoints taking turns. */
	private pump() {
		if (!this.running) return
		const limit = this.deps.catalog.config.delivery.concurrency
		for (const k of this.ready.rotation()) {
			if (this.inflightTotal >= limit) break
			const { flow, endpoint: id } = this.ready.first(k)!.job
			const endpoint = this.deps.catalog.endpoint(flow, id)
			if (!endpoint || !this.deps.catalog.isEnabled(flow, endpoint)) {
				// switched off or removed while waiting for a slot: back to pending, visible
				this.dropReady(k)
				continue
			}
			const cap = this.deps.catalog.concurrency(endpoint)
			while (this.ready.held(k) > 0 && (this.inflight.get(k) ?? 0) < cap && this.inflightTotal < limit) {
				const { job, event } = this.ready.shift(k)!
				this.begin(k, job, event)
			}
		}
	}

	private dropReady(k?: string) {
		const queue = this.ready.take(k)
		if (k === undefined) this.due.forget()
		else this.due.forgetOne(k)
		if (queue.length > 0) this.deps.store.release(queue.map((r) => r.job.pk), this.deps.now()).catch((err) => {
			this.lostAnswers = true
			this.deps.log.error({ err: String(err) }, 'could not put claimed jobs back; they are due again after their lease')
		})
	}

	private begin(k: string, job: ClaimedJob, event: StoredEvent | undefined) {
		this.inflight.set(k, (this.inflight.get(k) ?? 0) + 1)
		this.inflightTotal++
		const p = this.run(job, event).catch((err) => {
			// the job stays ours in the store (a release that failed): the next look for lost answers puts it back
			this.lostAnswers = true
			this.deps.log.error({ err: String(err), delivery: job.id }, 'a try ended in an unexpected error')
		}).finally(() => {
			this.inflight.set(k, (this.inflight.get(k) ?? 1) - 1)
			this.inflightTotal--
			this.inflightJobs.delete(job.pk)
			this.pump()
			this.wake()
		})
		this.inflightJobs.set(job.pk, p)
	}

	private async run(job: ClaimedJob, event: StoredEvent | undefined) {
		const { catalog } = this.deps
		const view = catalog.flow(job.flow)
		const endpoint = catalog.endpoint(job.flow, job.endpoint)
		if (!view || !endpoint || !event) {
			// the endpoint left the config while the job was claimed: it waits, visible
			await this.deps.store.release([job.pk], this.deps.now())
			this.due.forgetOne(key(job.flow, job.endpoint))
			return
		}
		const n = job.attemptCount + 1
		const { record, outcome } = await attemptDelivery(this.deps, { flow: view.flow, endpoint, event, n, timeoutMs: catalog.timeout(view.flow, endpoint) })
		if (this.abandoned.has(job.pk)) { this.abandoned.delete(job.pk); return }
		const now = this.deps.now()
		const cfg = catalog.config.delivery
		const result = { ok: outcome.ok, status: outcome.status, errorClass: outcome.error?.class ?? null, errorMessage: outcome.error?.message ?? null, producerFault: outcome.producerFault }
		const v = verdict(result, job.test, () => nextDelay({
			schedule: catalog.retrySchedule(view.flow, endpoint), attemptsMade: n - job.scheduleBase, jitter: cfg.jitter,
			random: this.deps.random, retryAfterMs: outcome.retryAfterMs, maxRetryAfterMs: cfg.maxRetryAfterMs,
		}))
		const delayMs = v.status === 'pending' ? v.delayMs : 0
		const c: PendingCompletion = { pk: job.pk, attempt: record, status: v.status, nextAttemptAt: now + delayMs, now, hint: key(job.flow, job.endpoint), delayMs }
		if (v.status === 'failed' && !job.test) c.exhausted = [job.flow, job.endpoint]
		// a failed health write must not lose the try itself: that is recorded below either way
		await this.health(job.flow, job.endpoint, result, now).catch((err) => this.deps.log.error({ err: String(err) }, 'could not save endpoint health'))
		this.deps.onAttempt?.(job.flow, job.endpoint, c, { delivery: job.id, event: event.id })
		this.completions.push(c)
	}

	// The cached state says whether anything changes (most successes change
	// nothing and write nothing); a change is decided again under the row's lock,
	// where another instance's tries are counted too.
	private async health(flow: string, endpoint: string, result: AttemptResult, now: number) {
		const { catalog } = this.deps
		const cfg = catalog.config.delivery
		if (!afterAttempt(catalog.state(flow, endpoint), result, now, cfg.disableAfterMs, cfg.failingAfter).changed) return
		const { before, after } = await catalog.changeState(flow, endpoint, (s) => {
			const h = afterAttempt(s, result, now, cfg.disableAfterMs, cfg.failingAfter)
			return h.changed ? h.state : null
		})
		if (before.enabled && !after.enabled) this.deps.log.warn({ flow, endpoint, reason: after.disabledReason }, 'endpoint disabled')
		this.deps.onHealth?.(flow, endpoint, before, after, result)
	}

	/** Stops claiming, lets tries finish within graceMs, puts the rest back to pending. */
	async stop(graceMs: number) {
		if (!this.running && this.inflightJobs.size === 0) return
		this.running = false
		this.wake()
		await this.loopDone
		// claimed but never started: back to pending at once
		this.dropReady()
		const all = Promise.all([...this.inflightJobs.values()])
		let timer: ReturnType<typeof setTimeout> | undefined
		await Promise.race([all, new Promise((r) => { timer = setTimeout(r, graceMs) })])
		clearTimeout(timer)
		const left = [...this.inflightJobs.keys()]
		for (const pk of left) this.abandoned.add(pk)
		await this.completions.drain()
		if (left.length > 0) {
			await this.deps.store.release(left, this.deps.now())
			this.deps.log.warn({ jobs: left.length }, 'tries still running at shutdown were put back to pending')
		}
	}
}
