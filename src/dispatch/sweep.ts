import type { Catalog } from '../catalog'
import type { EndpointConfig } from '../domain'
import { JUMP_MS, JumpDetector, type Jump } from './clock'
import type { DueHints, Ticket } from './due'
import type { JobQueue } from './queue'

/** Every enabled endpoint's due time is read from the store at least this often, and the loop sleeps no longer. */
export const SWEEP_MS = 500
/**
 * Leases that ran out are looked for this often: on a shared database that is
 * how a dead instance's jobs come back, so it must be soon; the statement
 * reads only rows in flight (few, indexed by status), so it is cheap.
 */
export const RECLAIM_EVERY_MS = 5_000

export type Target = { flow: string; endpoint: EndpointConfig }
export const key = (flow: string, endpoint: string) => `${flow}\u0000${endpoint}`

/** Whether `everyMs` has gone by on the monotonic clock since `last`. */
export const isTime = (mono: number, last: number, everyMs: number) => mono - last >= everyMs

/** Every enabled endpoint of every flow, in catalog order. */
export function targetsOf(catalog: Catalog): Target[] {
	const out: Target[] = []
	for (const id of catalog.flowIds()) {
		const view = catalog.flow(id)!
		for (const e of view.endpoints) if (catalog.isEnabled(id, e)) out.push({ flow: id, endpoint: e })
	}
	return out
}

interface SweepDeps {
	store: JobQueue
	now: () => number
	log: { warn(o: object, m: string): void }
}

// What a pass reads and moves in the store before it claims: steps of the wall
// clock, leases that ran out, jobs claimed when a store answer was lost, and
// (every SWEEP_MS) the truth of each enabled endpoint's next due time, which
// puts a stale "later" hint right. Each of them makes the `due` hints unknown
// again when it moves rows, so the next claims see what it moved.
export class Sweep {
	/** a store call failed: jobs may be ours in the store without being in hand (a claim whose answer was lost) */
	lostAnswers = false
	private lastReclaim: number
	private lastSweep = -Infinity
	private clock: JumpDetector
	private steps: Jump[] = []

	constructor(private deps: SweepDeps, private mono: () => number, private due: DueHints) {
		this.lastReclaim = mono()
		this.clock = new JumpDetector(deps.now, mono)
	}

	/**
	 * Everything before the pass's reads of due times; `held`: the jobs in hand.
	 * Returns the monotonic time of the pass and whether it sweeps.
	 */
	async beforeClaims(now: number, held: () => number[]): Promise<{ mono: number; sweep: boolean }> {
		const { store, log } = this.deps
		const jump = this.clock.check()
		if (jump) this.steps.push(jump)
		while (this.steps.length > 0) {
			// rows written after the step (ingest meanwhile) already carry the new clock; for a step back they
			// cannot be told apart, and moving them too makes them at most early, never stranded. A step whose
			// move failed (the store) stays here for the next pass.
			const step = this.steps[0]
			const moved = await store.shiftDue(step.deltaMs, step.deltaMs > 0 ? step.oldNow : null)
			this.steps.shift()
			log.warn({ deltaMs: Math.round(step.deltaMs), moved }, 'the wall clock stepped; due times moved with it')
			this.due.forget()
		}
		const mono = this.mono()
		if (isTime(mono, this.lastReclaim, RECLAIM_EVERY_MS)) {
			// a job whose lease ran out was lost by whoever claimed it (a try that died): due again
			this.lastReclaim = mono
			if (this.lostAnswers) {
				// here, between claims (a pass awaits its own), so nothing claimed is on its way in; what is
				// ours in the store and not in hand goes back now rather than when its lease runs out
				this.lostAnswers = false
				const released = await store.releaseUnheld(held(), now)
				if (released > 0) {
					log.warn({ released }, 'jobs claimed when the store\'s answer was lost are due again')
					this.due.forget()
				}
			}
			const reclaimed = await store.reclaimExpired(now)
			if (reclaimed > 0) {
				log.warn({ reclaimed }, 'jobs whose lease ran out are due again')
				this.due.forget()
			}
		}
		const sweep = isTime(mono, this.lastSweep, SWEEP_MS)
		// a row written under a clock that has since gone back (stepped forward and back between two looks,
		// or while no dispatcher looked) is due far ahead, and no single step describes it: it follows the clock
		if (sweep && await store.shiftDue(0, null, this.deps.now(), JUMP_MS) > 0) {
			log.warn({}, 'jobs written under a wall clock since set back follow the clock')
			this.due.forget()
		}
		return { mono, sweep }
	}

	/** The hints are only hints: read the truth for every enabled endpoint, under the pass's ticket. */
	async sweep(targets: Target[], ticket: Ticket, mono: number) {
		this.lastSweep = mono
		const found = await this.deps.store.nextDueAll(targets.map((t) => [t.flow, t.endpoint.id]))
		targets.forEach((t, i) => this.due.settle(ticket, key(t.flow, t.endpoint.id), found[i]))
	}
}
