import { z } from 'zod'
import { durationText } from '../../config/fields'
import { parseDuration } from '../../config/duration'
import { isoTime, statusCounts } from './common'

const MAX_WINDOW_MS = 31 * 86_400_000

export const statsQuery = z.strictObject({
	flow: z.string().min(1).optional(),
	window: durationText.refine((s) => {
		const r = parseDuration(s)
		return 'value' in r && r.value >= 60_000 && r.value <= MAX_WINDOW_MS
	}, 'must be between 1m and 31d').optional().describe('a duration like 1h, 24h or 7d (default 24h)'),
})

const ms = z.number().int().nullable()

export const statsItem = z.object({
	flow: z.string(),
	endpoint: z.string(),
	counts: statusCounts.describe('jobs created in the window, by their status now'),
	successRate: z.number().min(0).max(1).nullable().describe('succeeded / (succeeded + failed) of those jobs; null when none finished'),
	latencyMs: z.object({ p50: ms, p95: ms, p99: ms }).describe('attempt durations in the window'),
	backlog: z.number().int().describe('jobs pending or delivering now'),
	oldestPendingSeconds: z.number().int().nullable().describe('age of the oldest pending job'),
	health: z.enum(['healthy', 'failing', 'disabled']),
	disabledReason: z.string().nullable(),
	series: z.array(z.object({ start: isoTime, succeeded: z.number().int(), failed: z.number().int() }))
		.describe('attempts per hour, oldest first, the last being the current hour'),
})

export const statsOut = z.object({
	window: z.string(),
	since: isoTime,
	until: isoTime,
	items: z.array(statsItem),
})
