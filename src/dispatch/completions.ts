import type { Completion } from '../store/types'
import type { JobQueue } from './queue'

// Finished tries are written in batches: every try that ends while one batch is
// being committed goes into the next. A failed write keeps its batch and tries
// again, so a finished try is recorded once the store takes writes again.
// `stamp` sets each item's times just before the write, so a retry's due time
// is counted from the clock as it is when the row is written (a step of the
// wall clock between the try's end and the write moves it with the rest).
// `onWritten` hears of each batch after its commit: only then is a retry
// pending where a pass can see it.
export class CompletionWriter<C extends Completion = Completion> {
	private queue: C[] = []
	private writing: C[] = []
	private flushing: Promise<void> | null = null

	/** the jobs of finished tries not yet written: still `delivering` in the store, and still ours */
	held(): number[] { return [...this.writing, ...this.queue].map((c) => c.pk) }

	constructor(
		private store: Pick<JobQueue, 'complete'>,
		private log: { error(o: object, m: string): void },
		private onWritten: (batch: C[]) => void = () => {},
		private stamp: (c: C) => void = () => {},
	) {}

	push(c: C) {
		this.queue.push(c)
		this.schedule()
	}

	private schedule() {
		if (this.flushing) return
		this.flushing = new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.flush())
	}

	private async flush() {
		const batch = this.queue.splice(0, this.queue.length)
		this.writing = batch
		let written = false
		try {
			for (const c of batch) this.stamp(c)
			if (batch.length > 0) await this.store.complete(batch)
			written = batch.length > 0
		} catch (err) {
			this.log.error({ err: String(err), jobs: batch.length }, 'could not record finished attempts; will retry')
			this.queue.unshift(...batch)
			await new Promise((r) => setTimeout(r, 200))
		} finally {
			this.writing = []
			if (written) this.onWritten(batch)
			this.flushing = null
			if (this.queue.length > 0) this.schedule()
		}
	}

	/** Waits until everything pushed so far is written (or given up on by a failing store). */
	async drain() {
		while (this.flushing) await this.flushing
		await this.flush()
	}
}
