import type { Catalog } from '../catalog'
import { LEASE_MARGIN_MS } from './deliver'
import type { DueHints, Ticket } from './due'
import { afterShortClaim, nextLook, planClaims, type Candidate } from './plan'
import type { AttemptPump } from './pump'
import type { JobQueue } from './queue'
import { TokenBucket } from './rate'
import { key, SWEEP_MS, type Target } from './sweep'

const CHUNK = 100

/** The claim budget of a pass: up to a round in flight plus one claimed ahead, process-wide. */
export function claimBudget(concurrency: number, inflight: number, claimedAhead: number): number {
	return 2 * concurrency - inflight - claimedAhead
}

/** The targets starting at `rotate`, so no endpoint always claims first. */
export function rotated<T>(targets: T[], rotate: number): T[] {
	return targets.map((_, i) => targets[(i + rotate) % targets.length])
}

interface RoundDeps {
	store: JobQueue
	catalog: Catalog
	due: DueHints
	pump: AttemptPump
}

// The claims of one pass: plan per endpoint from what is known (hints, slots
// held, rate tokens), claim for all of them in one transaction with the caps
// going along (a store shared by several instances holds them for all
// together), hand what came back to the pump, and settle each endpoint's hint
// from what the claim showed.
export class ClaimRound {
	private buckets = new Map<string, TokenBucket>()
	/** endpoints whose last claim was cut short by caps held with other instances: a finished try here frees a slot there */
	readonly heldBack = new Set<string>()

	constructor(private deps: RoundDeps) {}

	/** Claims within the caps and starts what was claimed; returns when to look again. */
	async run(targets: Target[], rotate: number, now: number, mono: number, ticket: Ticket): Promise<number> {
		const { store, catalog, due, pump } = this.deps
		const { plans, earliest: planned, starved } = this.plan(targets, rotate, now, mono)
		// every claim of this pass goes into one transaction (the store's write queue)
		// the caps go with the claim: a store shared by several instances holds them for all together
		const claimed = await Promise.all(plans.map((p) => store.claim(p.flow, p.endpoint.id, p.free, now, p.lease, undefined,
			{ cap: catalog.concurrency(p.endpoint), rate: p.endpoint.rateLimit ?? null })))
		let earliest = planned
		let unused = 0
		for (let i = 0; i < plans.length; i++) {
			const jobs = claimed[i]
			const k = key(plans[i].flow, plans[i].endpoint.id)
			if (jobs.length > 0) {
				plans[i].bucket?.take(jobs.length, mono)
				await pump.launch(k, jobs)
			}
			unused += plans[i].free - jobs.length
			if (jobs.length === plans[i].free) {
				// filled up: there may well be more, look again next pass
				due.forgetOne(k)
				earliest = now
			} else {
				const short = afterShortClaim(await store.nextDue(plans[i].flow, plans[i].endpoint.id), now)
				if (short.heldBack) this.heldBack.add(k)
				due.settle(ticket, k, short.due)
				if (short.due !== null) earliest = Math.min(earliest, short.due)
			}
		}
		return nextLook(earliest, starved, unused, now)
	}

	/** What this pass claims, from what is known of each enabled endpoint. */
	private plan(targets: Target[], rotate: number, now: number, mono: number) {
		const { catalog, due, pump } = this.deps
		const ordered = rotated(targets, rotate)
		const buckets = ordered.map(({ flow, endpoint }) => this.bucket(key(flow, endpoint.id), endpoint.rateLimit))
		const candidates: Candidate[] = ordered.map(({ flow, endpoint }, i) => {
			const k = key(flow, endpoint.id)
			const bucket = buckets[i]
			return {
				cap: catalog.concurrency(endpoint),
				held: pump.held(k),
				due: due.get(k),
				// rate limits run on the monotonic clock: a step of the wall clock neither empties nor fills them
				tokens: bucket ? bucket.available(mono) : null,
				tokenWaitMs: bucket ? bucket.waitMs(mono) : 0,
			}
		})
		const budget = claimBudget(catalog.config.delivery.concurrency, pump.inflightTotal, pump.ready.size)
		const pass = planClaims(candidates, budget, now, SWEEP_MS, CHUNK)
		const plans = pass.claims.map(([i, free]) => {
			const { flow, endpoint } = ordered[i]
			const lease = now + catalog.timeout(catalog.flow(flow)?.flow, endpoint) + LEASE_MARGIN_MS
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
}
