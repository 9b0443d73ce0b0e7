import { z } from 'zod'
import { encodingSchema, endpointInputSchema, headerValueSchema, signingSchemeSchema } from '../../config/schema'
import { eventType, ID_PATTERN } from '../../ingest/model'
import { storable } from '../../text'
import { attemptError, isoTime } from './common'

const headerOut = z.union([z.string(), z.object({ value: z.string(), sensitive: z.literal(true) })])

export const endpointOut = z.object({
	id: z.string(),
	flow: z.string(),
	url: z.string(),
	events: z.array(z.string()).nullable(),
	signing: z.object({
		scheme: signingSchemeSchema,
		secret: z.string().nullable().describe('redacted: … and the last 4 characters (a whsec_ prefix stays)'),
		header: z.string().nullable(),
		encoding: encodingSchema.nullable(),
		previous: z.object({ secret: z.string(), until: isoTime }).nullable(),
	}),
	headers: z.record(z.string(), headerOut).nullable()
		.describe('values of sensitive headers are redacted; send one back unchanged to keep it'),
	body: z.record(z.string(), z.unknown()).nullable(),
	timeout: z.string().nullable(),
	retrySchedule: z.array(z.string()).nullable(),
	concurrency: z.number().int().nullable(),
	rateLimit: z.number().nullable(),
	enabled: z.boolean().describe('whether deliveries go out now (the configuration and the API state together)'),
	managedBy: z.enum(['config', 'api']),
	health: z.enum(['healthy', 'failing', 'disabled']),
	disabledReason: z.string().nullable(),
	createdAt: isoTime.nullable(),
})

export const endpointCreated = endpointOut.extend({
	secret: z.string().nullable().describe('the signing secret, shown this once: generated, or as sent (null when it is the flow\'s or the scheme is none)'),
})

export const endpointList = z.object({ items: z.array(endpointOut) })

export const endpointInput = endpointInputSchema

// null clears a key, so an endpoint as GET shows it can be sent back as it is
export const endpointPatch = endpointInputSchema.extend({
	url: z.string().optional(),
	signing: z.strictObject({
		scheme: signingSchemeSchema.optional(),
		secret: z.string().min(1, 'must not be empty').nullish(),
		header: z.string().min(1, 'must not be empty').nullish(),
		encoding: encodingSchema.nullish(),
		previous: z.strictObject({ secret: z.string().min(1, 'must not be empty'), until: z.string() }).nullish(),
	}).nullish(),
	headers: z.record(z.string(), headerValueSchema.nullable()).nullish(),
}).describe('Any key of the endpoint. `headers` merge by name (null removes one); a redacted value sent back keeps the stored one.')

export const endpointDeleted = z.object({
	flow: z.string(),
	id: z.string(),
	deleted: z.literal(true),
	cancelledJobs: z.number().int().describe('pending jobs cancelled with it'),
})

export const disableInput = z.strictObject({ reason: z.string().min(1).max(500).check(storable()).optional() })
export const rotateInput = z.strictObject({
	graceSeconds: z.number().int().min(0).max(7_776_000).optional().describe('how long the old secret keeps signing beside the new one (default 86400)'),
})
export const rotated = z.object({ secret: z.string(), previousValidUntil: isoTime.nullable() })

export const testInput = z.strictObject({
	type: eventType.optional(),
	data: z.record(z.string(), z.unknown()).optional(),
	sessionId: z.string().regex(ID_PATTERN, 'must be 1-128 characters of A-Z a-z 0-9 _ : . -').nullable().optional(),
}).describe('Optional: without it a valid sample of the flow\'s envelope is sent.')

export const testResult = z.object({
	status: z.number().int().nullable().describe('the receiver\'s HTTP status; null when none came back'),
	headers: z.record(z.string(), z.string()),
	body: z.string().describe('the first 16 KiB of the answer'),
	durationMs: z.number().int(),
	error: attemptError.optional(),
	jobId: z.string().describe('the test job that records this attempt'),
	eventId: z.string(),
})
