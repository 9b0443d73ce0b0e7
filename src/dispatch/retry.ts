// When to try a delivery again. Pure: time and randomness come in as arguments,
// so the table tests can pin every branch.

export interface NextDelayInput {
	/** delays after the first try, in ms (delivery.retrySchedule) */
	schedule: number[]
	/** tries already made, the one that just failed included */
	attemptsMade: number
	/** ±fraction applied to the scheduled delay, 0.2 = ±20% */
	jitter: number
	/** uniform in [0, 1); Math.random in production */
	random: () => number
	/** the receiver's Retry-After hint in ms (only from 429/503), or null */
	retryAfterMs: number | null
	/** cap on the hint only (delivery.maxRetryAfter) */
	maxRetryAfterMs: number
}

/**
 * Delay in ms before the next try, or null when the schedule is exhausted.
 * A Retry-After can stretch a delay but never adds a try: the schedule's
 * length alone decides how many tries a delivery gets.
 */
export function nextDelay(input: NextDelayInput): number | null {
	const { schedule, attemptsMade, retryAfterMs, maxRetryAfterMs } = input
	// nothing tried yet: the first try is due now
	if (attemptsMade < 1) return 0
	const base = schedule[attemptsMade - 1]
	if (base === undefined) return null
	const jitter = Math.min(Math.max(input.jitter, 0), 1)
	const factor = 1 + jitter * (2 * input.random() - 1)
	const scheduled = Math.max(0, Math.round(base * factor))
	if (retryAfterMs === null || !(retryAfterMs >= 0)) return scheduled
	// the cap bounds what a receiver may ask for, never our own schedule (INTERFACE.md)
	return Math.max(scheduled, Math.min(retryAfterMs, maxRetryAfterMs))
}

const DAYS = '(Mon|Tue|Wed|Thu|Fri|Sat|Sun)'
const LONG_DAYS = '(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)'
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec']
const MON = '(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)'
const TIME = '(\\d{2}):(\\d{2}):(\\d{2})'
// RFC 9110 §5.6.7: IMF-fixdate, plus the two obsolete forms recipients must accept
const IMF_FIXDATE = new RegExp(`^${DAYS}, (\\d{2}) ${MON} (\\d{4}) ${TIME} GMT$`, 'i')
const RFC850 = new RegExp(`^${LONG_DAYS}, (\\d{2})-${MON}-(\\d{2}) ${TIME} GMT$`, 'i')
const ASCTIME = new RegExp(`^${DAYS} ${MON} ([ \\d]\\d) ${TIME} (\\d{4})$`, 'i')

/**
 * A Retry-After value in ms from `now`: delay-seconds or an HTTP-date.
 * Garbage and negative numbers give null; a date in the past gives 0.
 * Date.parse is not used: it accepts nearly anything ("1" is the year 2001)
 * and reads asctime dates in local time.
 */
export function parseRetryAfter(value: string | null, now: number): number | null {
	if (value === null) return null
	const text = value.trim()
	if (/^\d+$/.test(text)) return Number(text) * 1000
	const at = parseHttpDate(text)
	if (at === null) return null
	return Math.max(0, at - now)
}

function parseHttpDate(text: string): number | null {
	let m = IMF_FIXDATE.exec(text)
	if (m) return utc(Number(m[4]), m[3], Number(m[2]), m[5], m[6], m[7])
	m = RFC850.exec(text)
	if (m) {
		// two-digit years: RFC 9110 says a year more than 50 years ahead is in the past century
		const yy = Number(m[4])
		return utc(yy < 70 ? 2000 + yy : 1900 + yy, m[3], Number(m[2]), m[5], m[6], m[7])
	}
	m = ASCTIME.exec(text)
	if (m) return utc(Number(m[7]), m[2], Number(m[3].trim()), m[4], m[5], m[6])
	return null
}

function utc(year: number, month: string, day: number, h: string, min: string, s: string): number | null {
	const monthIndex = MONTHS.indexOf(month.toLowerCase())
	const [hours, minutes, seconds] = [Number(h), Number(min), Number(s)]
	if (hours > 23 || minutes > 59 || seconds > 59) return null
	const at = Date.UTC(year, monthIndex, day, hours, minutes, seconds)
	// Date.UTC rolls 31 Feb over into March; such a date is garbage, not a time
	if (new Date(at).getUTCDate() !== day) return null
	return at
}
