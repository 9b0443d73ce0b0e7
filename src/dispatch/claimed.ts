import type { StoredEvent } from '../domain'
import type { ClaimedJob } from '../store/types'

export interface Claimed { job: ClaimedJob; event: StoredEvent | undefined }

// Claimed jobs waiting for a slot, per endpoint. Claims run ahead of the slots
// (up to one more round), so a finished try starts the next one at once
// instead of waiting for a claim's commit. In the store these jobs are
// `delivering` under a lease: whatever leaves here unstarted must be released.
export class ClaimedBuffer {
	private queues = new Map<string, Claimed[]>()
	private from = 0
	size = 0

	held(k: string): number { return this.queues.get(k)?.length ?? 0 }

	push(k: string, c: Claimed) {
		let q = this.queues.get(k)
		if (!q) this.queues.set(k, q = [])
		q.push(c)
		this.size++
	}

	/** The endpoints with jobs waiting, a different one first each time, so none always starts first. */
	rotation(): string[] {
		const keys = [...this.queues.keys()]
		this.from = (this.from + 1) % Math.max(keys.length, 1)
		return keys.map((_, i) => keys[(i + this.from) % keys.length])
	}

	/** every job waiting */
	pks(): number[] { return [...this.queues.values()].flatMap((q) => q.map((c) => c.job.pk)) }

	first(k: string): Claimed | undefined { return this.queues.get(k)?.[0] }

	shift(k: string): Claimed | undefined {
		const q = this.queues.get(k)
		const c = q?.shift()
		if (c) this.size--
		if (q && q.length === 0) this.queues.delete(k)
		return c
	}

	/** Everything waiting for one endpoint, or for all. */
	take(k?: string): Claimed[] {
		const keys = k === undefined ? [...this.queues.keys()] : [k]
		const out = keys.flatMap((key) => this.queues.get(key) ?? [])
		for (const key of keys) this.queues.delete(key)
		this.size -= out.length
		return out
	}
}
