// Durations and sizes as written in the YAML ('5s', '10GB') → the numbers the
// process uses (milliseconds, bytes). Pure; the zod schemas wrap these.

export type Parsed = { value: number } | { error: string }

const DURATION_UNITS: Record<string, number> = {
	ms: 1,
	s: 1000,
	m: 60_000,
	h: 3_600_000,
	d: 86_400_000,
}

// Powers of 1024, as INTERFACE.md fixes; a bare number (or `B`) is bytes.
const SIZE_UNITS: Record<string, number> = {
	b: 1,
	kb: 1024,
	mb: 1024 ** 2,
	gb: 1024 ** 3,
}

const DURATION_RE = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)$/
const SIZE_RE = /^(\d+)\s*(b|kb|mb|gb)?$/i

export const DURATION_HINT = 'a duration with a unit, like 500ms, 5s, 5m, 2h or 5d'
export const SIZE_HINT = 'a size in bytes, or with a unit like 512KB, 1MB or 10GB'

/** '5s' → 5000. Fractions are allowed ('1.5s') and rounded to whole milliseconds. */
export function parseDuration(text: string): Parsed {
	const m = DURATION_RE.exec(text.trim())
	if (!m) return { error: `must be ${DURATION_HINT}` }
	const value = Math.round(Number(m[1]) * DURATION_UNITS[m[2]])
	if (!Number.isSafeInteger(value)) return { error: 'is too long a duration' }
	return { value }
}

/** '10GB' → 10737418240; a plain non-negative integer is taken as bytes. */
export function parseSize(input: string | number): Parsed {
	if (typeof input === 'number') {
		return Number.isSafeInteger(input) && input >= 0 ? { value: input } : { error: `must be ${SIZE_HINT}` }
	}
	const m = SIZE_RE.exec(input.trim())
	if (!m) return { error: `must be ${SIZE_HINT}` }
	const value = Number(m[1]) * SIZE_UNITS[(m[2] ?? 'b').toLowerCase()]
	if (!Number.isSafeInteger(value)) return { error: 'is too large a size' }
	return { value }
}

/** The shortest exact spelling of a duration, for turning a stored endpoint back into its YAML form. */
export function formatDuration(ms: number): string {
	for (const unit of ['d', 'h', 'm', 's'] as const) {
		const size = DURATION_UNITS[unit]
		if (ms > 0 && ms % size === 0) return `${ms / size}${unit}`
	}
	return `${ms}ms`
}
