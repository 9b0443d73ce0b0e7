// Due times are stored as wall-clock instants, so a wall clock set hours back
// would strand every retry for hours and one set forward would fire hours of
// retries at once. The monotonic clock never jumps: comparing how far each has
// moved since the last look tells a step of the wall clock from time passing.

/** Steps smaller than this are left alone (NTP slews, timer jitter). */
export const JUMP_MS = 2000

export interface Jump {
	/** how far the wall clock stepped (negative: back) */
	deltaMs: number
	/** what the wall clock would read now without the step: rows written under the old clock are no later */
	oldNow: number
}

export class JumpDetector {
	private wall: number
	private mono: number

	constructor(private now: () => number, private monotonic: () => number) {
		this.wall = now()
		this.mono = monotonic()
	}

	/** A step of the wall clock since the last call, if there was one. */
	check(): Jump | null {
		const wall = this.now()
		const mono = this.monotonic()
		const expected = this.wall + (mono - this.mono)
		const deltaMs = wall - expected
		this.wall = wall
		this.mono = mono
		return Math.abs(deltaMs) >= JUMP_MS ? { deltaMs, oldNow: expected } : null
	}
}
