import type { Catalog } from '../catalog'
import type { StoredEvent } from '../domain'
import type { ClaimedJob } from '../store/types'
import { ClaimedBuffer } from './claimed'
import type { DueHints } from './due'
import type { EventCache } from './event-cache'
import type { JobQueue } from './queue'

interface PumpDeps {
	store: JobQueue
	catalog: Catalog
	now: () => number
	log: { error(o: object, m: string): void }
	due: DueHints
	eventCache: EventCache
	/** false once the dispatcher stops: nothing more starts */
	running: () => boolean
	/** one try of a claimed job, to its completion */
	run: (job: ClaimedJob, event: StoredEvent | undefined) => Promise<void>
	/** a store call failed: jobs may be ours in the store without being in hand */
	lost: () => void
	/** a slot came free: the loop should look again */
	wake: () => void
}

/** How many more tries an endpoint may start now: its own cap and the process-wide one both count. */
export function startable(waiting: number, inflight: number, cap: number, inflightTotal: number, limit: number): number {
	return Math.max(0, Math.min(waiting, cap - inflight, limit - inflightTotal))
}

// The jobs in hand: claimed and waiting for a slot (`ready`), or in flight.
// In the store all of them are `delivering` under this instance's lease, so
// whatever leaves here without a completion is released. A finished try frees
// its slot and starts the next waiting job at once, without waiting for a pass.
export class AttemptPump {
	/** tries in flight per endpoint key */
	private inflight = new Map<string, number>()
	inflightTotal = 0
	/** each try in flight by job pk */
	readonly jobs = new Map<number, Promise<void>>()
	readonly ready = new ClaimedBuffer()
	/** tries still running when stop gave up on them: their end records nothing (their jobs were released) */
	readonly abandoned = new Set<number>()

	constructor(private deps: PumpDeps) {}

	/** tries in flight plus jobs claimed ahead, for one endpoint */
	held(k: string): number { return (this.inflight.get(k) ?? 0) + this.ready.held(k) }

	/** every job in hand: waiting or in flight */
	inHand(): number[] { return [...this.ready.pks(), ...this.jobs.keys()] }

	/** Claimed jobs go into the buffer with their events (read once if not cached), then start as slots allow. */
	async launch(k: string, jobs: ClaimedJob[]) {
		const { store, eventCache } = this.deps
		const missing = jobs.map((j) => j.eventPk).filter((pk) => !eventCache.has(pk))
		let loaded: Map<number, StoredEvent>
		try {
			loaded = missing.length > 0 ? await store.events(missing) : new Map()
		} catch (err) {
			// claimed but not startable: back to pending at once rather than waiting out the lease
			await store.release(jobs.map((j) => j.pk), this.deps.now())
			this.deps.due.forgetOne(k)
			throw err
		}
		// an event fanned out to several endpoints is read once, not once per endpoint
		for (const [pk, e] of loaded) eventCache.set(pk, e)
		for (const job of jobs) {
			this.ready.push(k, { job, event: eventCache.get(job.eventPk) ?? loaded.get(job.eventPk) })
			eventCache.claimed(job.eventPk)
		}
		this.pump()
	}

	/** Starts claimed jobs while both caps allow, endpoints taking turns. */
	pump() {
		if (!this.deps.running()) return
		const { catalog } = this.deps
		const limit = catalog.config.delivery.concurrency
		for (const k of this.ready.rotation()) {
			if (this.inflightTotal >= limit) break
			const { flow, endpoint: id } = this.ready.first(k)!.job
			const endpoint = catalog.endpoint(flow, id)
			if (!endpoint || !catalog.isEnabled(flow, endpoint)) {
				// switched off or removed while waiting for a slot: back to pending, visible
				this.dropReady(k)
				continue
			}
			const cap = catalog.concurrency(endpoint)
			while (startable(this.ready.held(k), this.inflight.get(k) ?? 0, cap, this.inflightTotal, limit) > 0) {
				const { job, event } = this.ready.shift(k)!
				this.begin(k, job, event)
			}
		}
	}

	/** Jobs waiting for a slot (one endpoint's, or all) go back to pending. */
	dropReady(k?: string) {
		const queue = this.ready.take(k)
		if (k === undefined) this.deps.due.forget()
		else this.deps.due.forgetOne(k)
		if (queue.length > 0) this.deps.store.release(queue.map((r) => r.job.pk), this.deps.now()).catch((err) => {
			this.deps.lost()
			this.deps.log.error({ err: String(err) }, 'could not put claimed jobs back; they are due again after their lease')
		})
	}

	private begin(k: string, job: ClaimedJob, event: StoredEvent | undefined) {
		this.inflight.set(k, (this.inflight.get(k) ?? 0) + 1)
		this.inflightTotal++
		const p = this.deps.run(job, event).catch((err) => {
			// the job stays ours in the store (a release that failed): the next look for lost answers puts it back
			this.deps.lost()
			this.deps.log.error({ err: String(err), delivery: job.id }, 'a try ended in an unexpected error')
		}).finally(() => {
			this.inflight.set(k, (this.inflight.get(k) ?? 1) - 1)
			this.inflightTotal--
			this.jobs.delete(job.pk)
			this.pump()
			this.deps.wake()
		})
		this.jobs.set(job.pk, p)
	}

	/** Waits up to graceMs for the tries in flight; returns the jobs of those still running, now abandoned. */
	async settle(graceMs: number): Promise<number[]> {
		const all = Promise.all([...this.jobs.values()])
		let timer: ReturnType<typeof setTimeout> | undefined
		await Promise.race([all, new Promise((r) => { timer = setTimeout(r, graceMs) })])
		clearTimeout(timer)
		const left = [...this.jobs.keys()]
		for (const pk of left) this.abandoned.add(pk)
		return left
	}
}
