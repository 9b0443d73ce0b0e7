// While exports fail (the collector down, refusing or too slow) a new span
// handed to the SDK would be filled in, queued, written into a batch whose
// export is tried again for seconds and then dropped all the same. A failed
// export holds new spans back instead: they are counted as dropped at once.
// The wait doubles while failures go on, up to a ceiling; once it is over,
// spans go to the SDK again (their export is the probe), and any export that
// succeeds ends the back-off.

export class ExportBackoff {
	/** 0: not holding; else until when (ms) */
	private until = 0
	private waitMs = 0

	constructor(private readonly minMs: number, private readonly maxMs: number, private readonly now: () => number) {}

	/** Whether new spans are held back now. */
	holding(): boolean {
		return this.until !== 0 && this.now() < this.until
	}

	failed(): void {
		const t = this.now()
		// a batch queued before the wait began failing too says nothing new
		if (t < this.until) return
		this.waitMs = this.waitMs === 0 ? this.minMs : Math.min(this.waitMs * 2, this.maxMs)
		this.until = t + this.waitMs
	}

	succeeded(): void {
		this.until = 0
		this.waitMs = 0
	}

	/** the current wait (ms), 0 when exports go through */
	get wait(): number {
		return this.waitMs
	}
}
