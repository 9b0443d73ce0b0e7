import { z } from 'zod'
import { attemptError, isoTime, paging, routeSchema, statusSchema } from './common'

const int = z.number().int()

export const jobOut = z.object({
	id: z.string(),
	flow: z.string(),
	endpoint: z.string(),
	eventId: z.string(),
	eventType: z.string(),
	sessionId: z.string().nullable(),
	route: routeSchema.nullable(),
	test: z.boolean().describe('a test send: one attempt, never retried, left out of stats'),
	status: statusSchema,
	attemptCount: int.describe('attempts made; the last one\'s run number'),
	maxAttempts: int.describe('1 + the length of the job\'s retry schedule (a replay starts the schedule afresh, so the run number can pass it)'),
	nextAttemptAt: isoTime.nullable().describe('when a pending job is due; null otherwise'),
	lastStatus: int.nullable(),
	lastError: attemptError.nullable(),
	lastDurationMs: int.nullable(),
	createdAt: isoTime,
	updatedAt: isoTime,
})

export const attemptOut = z.object({
	n: int.describe('the run number'),
	startedAt: isoTime,
	url: z.string(),
	requestHeaders: z.record(z.string(), z.string()).describe('as sent, secrets redacted'),
	requestBody: z.string().describe('the exact body sent'),
	status: int.nullable(),
	responseHeaders: z.record(z.string(), z.string()),
	responseBody: z.string(),
	responseTruncated: z.boolean(),
	durationMs: int,
	error: attemptError.nullable(),
})

export const eventOut = z.object({
	id: z.string(),
	flow: z.string(),
	type: z.string(),
	sessionId: z.string().nullable(),
	occurredAt: isoTime,
	success: z.boolean(),
	data: z.record(z.string(), z.unknown()),
	metadata: z.record(z.string(), z.unknown()).describe('the session\'s metadata when the event was accepted'),
	acceptedAt: isoTime,
	route: routeSchema.nullable(),
})

export const jobDetail = jobOut.extend({
	url: z.string().nullable().describe('the endpoint\'s URL as configured now; null when the endpoint is gone'),
	event: eventOut,
	attempts: z.array(attemptOut),
})

export const jobPage = z.object({ items: z.array(jobOut), nextCursor: z.string().nullable() })

const statusList = z.string()
	.regex(/^(pending|delivering|succeeded|failed|cancelled)(,(pending|delivering|succeeded|failed|cancelled))*$/, 'must be a status or a comma-separated list of pending, delivering, succeeded, failed, cancelled')

export const jobsQuery = z.strictObject({
	flow: z.string().min(1).optional(),
	endpoint: z.string().min(1).optional(),
	status: statusList.optional().describe('a status, or several separated by commas'),
	type: z.string().min(1).optional().describe('event type'),
	session: z.string().min(1).optional().describe('session id'),
	event: z.string().min(1).optional().describe('event id'),
	since: isoTime.optional().describe('created at or after'),
	until: isoTime.optional().describe('created before'),
	updatedSince: isoTime.optional().describe('changed at or after: poll with it to see new and changed jobs'),
	...paging,
})

export const bulkReplayInput = z.strictObject({
	flow: z.string().min(1),
	endpoint: z.string().min(1).optional(),
	status: z.enum(['pending', 'succeeded', 'failed', 'cancelled']).optional().describe('default: every status but delivering'),
	since: isoTime.describe('jobs created at or after'),
	until: isoTime.optional().describe('jobs created before (default: now)'),
})

export const bulkReplayed = z.object({ replayed: int })
