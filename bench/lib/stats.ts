// Small statistics helpers shared by the figures and the child processes.

/** Nearest-rank percentile of an unsorted list (0 ≤ p ≤ 100); NaN when empty. */
export function percentile(values: ArrayLike<number>, p: number): number {
	if (values.length === 0) return NaN
	const sorted = Float64Array.from(values).sort()
	const rank = Math.ceil((p / 100) * sorted.length)
	return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]
}

export interface Spread {
	median: number
	min: number
	max: number
	runs: number[]
}

/** Median and min–max of repeated runs: the figure and its spread. */
export function spread(runs: number[]): Spread {
	const ok = runs.filter((v) => Number.isFinite(v))
	if (ok.length === 0) return { median: NaN, min: NaN, max: NaN, runs }
	return { median: percentile(ok, 50), min: Math.min(...ok), max: Math.max(...ok), runs }
}
