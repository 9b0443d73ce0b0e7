// Small zod pieces shared by the config sections and the endpoint schema.
// Messages name what is expected, never the value that was written.

import { Cron } from 'croner'
import ipaddr from 'ipaddr.js'
import { z } from 'zod'
import { DURATION_HINT, parseDuration, parseSize } from './duration'

export const ID_RE = /^[a-z0-9][a-z0-9_-]*$/

export const idSchema = z
	.string()
	.regex(ID_RE, 'must match [a-z0-9][a-z0-9_-]* (lowercase letters, digits, _ and -)')
	.max(64, 'must be at most 64 characters')

export const nonEmpty = z.string().min(1, 'must not be empty')

export const positiveInt = z.number().int('must be a whole number').min(1, 'must be at least 1')

/** A duration string, validated but left as written (no transform: safe for OpenAPI). */
export const durationText = z.string({ error: `expected ${DURATION_HINT}` }).superRefine((s, ctx) => {
	const r = parseDuration(s)
	if ('error' in r) ctx.addIssue({ code: 'custom', message: r.error })
})

export const positiveDurationText = durationText.superRefine((s, ctx) => {
	const r = parseDuration(s)
	if ('value' in r && r.value <= 0) ctx.addIssue({ code: 'custom', message: 'must be longer than 0' })
})

export const toMs = (s: string): number => (parseDuration(s) as { value: number }).value

/** Duration → milliseconds. */
export const duration = durationText.transform(toMs)
export const positiveDuration = positiveDurationText.transform(toMs)

/** A size: bytes as an integer, or '512KB' / '1MB' / '10GB' → bytes. */
export const size = z.union([z.number(), z.string()], { error: 'expected a size like 262144, 512KB or 10GB' }).transform((v, ctx) => {
	const r = parseSize(v)
	if ('error' in r) {
		ctx.addIssue({ code: 'custom', message: r.error })
		return z.NEVER
	}
	return r.value
})

/** `host:port`; an IPv6 host in brackets (`[::1]:8080`). Port 0 lets the OS pick (tests). */
export const listen = z.string().transform((s, ctx) => {
	const m = /^(?:\[([^\]]+)\]|([^:\[\]]+)):(\d{1,5})$/.exec(s)
	const port = m ? Number(m[3]) : NaN
	if (!m || port > 65535) {
		ctx.addIssue({ code: 'custom', message: 'must be host:port, like 127.0.0.1:8080 or [::1]:8080' })
		return z.NEVER
	}
	return { host: m[1] ?? m[2], port }
})

export const cidr = z.string().refine(
	// ipaddr's plain isValidCIDR also takes shorthand like 127.1/8; ask for the full four parts.
	(s) => ipaddr.IPv4.isValidCIDRFourPartDecimal(s) || ipaddr.IPv6.isValidCIDR(s),
	'must be a CIDR range like 127.0.0.0/8 or fd00::/8',
)

export const cronExpression = z.string().superRefine((s, ctx) => {
	try {
		new Cron(s, { paused: true, timezone: 'UTC' }).stop()
	} catch (e) {
		// croner quotes the pattern in its message; keep only its reason.
		const reason = String((e as Error).message ?? '')
			.replace(/^CronPattern:\s*/, '')
			.replace(/\s*:?\s*'[^']*'/g, '')
			.replace(/\s*\([^)]*\)/g, '')
			.replace(/exacly/, 'exactly')
			.replace(/\.$/, '')
		ctx.addIssue({ code: 'custom', message: `must be a cron expression (5 or 6 fields, UTC)${reason ? `: ${reason}` : ''}` })
	}
})

/** An ISO 8601 date-time with a time zone → Unix ms. */
export const isoTime = z.string().transform((s, ctx) => {
	const ms = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:?\d\d)$/.test(s) ? Date.parse(s) : NaN
	if (Number.isNaN(ms)) {
		ctx.addIssue({ code: 'custom', message: 'must be an ISO 8601 date-time with a zone, like 2026-12-01T00:00:00Z' })
		return z.NEVER
	}
	return ms
})
