// Per-endpoint rate limit (requests per second) as a token bucket.
export class TokenBucket {
	private tokens: number
	private at = 0

	constructor(readonly rate: number) {
		this.tokens = rate
	}

	available(now: number): number {
		if (this.at === 0) this.at = now
		this.tokens = Math.min(this.rate, this.tokens + ((now - this.at) / 1000) * this.rate)
		this.at = now
		return Math.floor(this.tokens)
	}

	take(n: number, now: number) {
		this.available(now)
		this.tokens -= n
	}

	waitMs(now: number): number {
		this.available(now)
		return Math.max(1, Math.ceil(((1 - this.tokens) / this.rate) * 1000))
	}
}
