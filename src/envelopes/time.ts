// Date forms the envelopes write. All take Unix milliseconds.

/** ISO 8601 UTC with milliseconds, `Z` suffix. */
export function isoUtc(ms: number): string {
	return new Date(ms).toISOString()
}

/** The session-step seed writes its dates with an explicit `+00:00` offset. */
export function isoOffset(ms: number): string {
	return isoUtc(ms).replace(/Z$/, '+00:00')
}

export function unixSeconds(ms: number): number {
	return Math.floor(ms / 1000)
}
