// The YAML's shape, key by key, with the defaults of INTERFACE.md. Every object
// is strict: a typo is an error, never a silently ignored key.
//
// Flows and endpoints are checked one by one (flow.ts, endpoint.ts) so one bad
// section does not hide the problems of another. `endpointInputSchema` is also
// the admin API's body schema: it only validates (no transforms, no defaults),
// which keeps it usable for the OpenAPI document; normalizeEndpoint converts.

import { z } from 'zod'
import { BUILTIN_ENVELOPES } from '../domain'
import { storable } from '../text'
import {
	cidr, cronExpression, duration, durationText, idSchema, listen, nonEmpty, positiveDuration,
	positiveDurationText, positiveInt, size,
} from './fields'
import { tracingSchema } from './tracing'
import { frameAncestors, publicUrl } from './web'

export const signingSchemeSchema = z.enum(['hmac-sha256', 'standard-webhooks', 'none'])
export const encodingSchema = z.enum(['hex', 'base64'])

const signingFields = {
	scheme: signingSchemeSchema.optional(),
	secret: nonEmpty.optional(),
	header: nonEmpty.optional(),
	encoding: encodingSchema.optional(),
}

export const headerValueSchema = z.union(
	[z.string(), z.strictObject({ value: z.string(), sensitive: z.boolean().optional() })],
	{ error: 'expected a string or {value, sensitive}' },
)

export const endpointInputSchema = z.strictObject({
	id: idSchema.optional(),
	// An attempt records the URL as text; the URL parser would drop a tab or
	// line break inside it unseen, so those are refused. Around it they are
	// trimmed, as the URL parser does: a URL from a secret file or a block
	// scalar often ends in a newline.
	url: z.string().trim().check(storable('line')),
	// null: "not set", so an endpoint as the API shows it can be sent back as is
	// filters name event types, which are one printable line
	events: z.array(nonEmpty.check(storable('line'))).nullish(),
	signing: z
		.strictObject({
			...signingFields,
			previous: z.strictObject({ secret: nonEmpty, until: z.string() }).nullish(),
		})
		.nullish(),
	headers: z.record(z.string(), headerValueSchema).nullish(),
	body: z.record(z.string(), z.unknown()).nullish(),
	timeout: positiveDurationText.nullish(),
	retrySchedule: z.array(durationText).nullish(),
	concurrency: positiveInt.nullish(),
	rateLimit: z.number().positive('must be more than 0').nullish(),
	enabled: z.boolean().nullish(),
})
export type EndpointInput = z.infer<typeof endpointInputSchema>

export const flowSigningSchema = z.strictObject(signingFields)
export type FlowSigningInput = z.infer<typeof flowSigningSchema>

export const envelopeSchema = z.union(
	[
		z.enum(BUILTIN_ENVELOPES as [string, ...string[]]),
		z.strictObject({ template: z.unknown().refine((t) => t != null, 'required') }),
	],
	{ error: `must be one of ${BUILTIN_ENVELOPES.join(', ')}, or {template: ...}` },
)

export const flowSchema = z.strictObject({
	// app_ ids belong to applications created through the Svix-compatible API
	id: idSchema.refine((id) => !id.startsWith('app_'), 'must not start with app_ (reserved for applications created through /api/v1)'),
	name: nonEmpty.optional(),
	envelope: envelopeSchema.default('standard'),
	events: z.array(nonEmpty).optional(),
	ingestTokens: z.array(nonEmpty).min(1, 'needs at least one ingest token'),
	retrySchedule: z.array(duration).optional(),
	timeout: positiveDuration.optional(),
	signing: flowSigningSchema.optional(),
	// checked one by one with endpointInputSchema
	endpoints: z.array(z.unknown()).default([]),
})

const server = z.strictObject({
	listen: listen.prefault('127.0.0.1:8080'),
	maxBodyBytes: size.prefault(262144).pipe(z.number().min(1, 'must be at least 1 byte')),
	shutdownGrace: duration.prefault('15s'),
	publicUrl: publicUrl.default(''),
}).transform((s) => ({ ...s.listen, maxBodyBytes: s.maxBodyBytes, shutdownGraceMs: s.shutdownGrace, publicUrl: s.publicUrl }))

const storage = z
	.strictObject({
		sqlite: nonEmpty.optional(),
		synchronous: z.enum(['full', 'normal']).optional(),
		maxSize: size.prefault(0),
		// at start one connection holds the migration lock while another migrates
		postgres: z.strictObject({ url: nonEmpty, poolSize: z.number().int('must be a whole number').min(2, 'must be at least 2').default(10) }).optional(),
	})
	.superRefine((s, ctx) => {
		if (!s.postgres) return
		for (const key of ['sqlite', 'synchronous'] as const) {
			if (s[key] !== undefined) {
				ctx.addIssue({ code: 'custom', path: [key], message: 'not used with storage.postgres: write one or the other' })
			}
		}
	})
	.transform((s) => ({
		sqlite: s.sqlite ?? './data/hookgate.db',
		synchronous: s.synchronous ?? ('full' as const),
		maxSizeBytes: s.maxSize,
		postgres: s.postgres ?? null,
	}))

const delivery = z.strictObject({
	timeout: positiveDuration.prefault('10s'),
	retrySchedule: z.array(duration).prefault(['5s', '5m', '30m', '2h', '5h', '10h', '10h']),
	jitter: z.number().min(0, 'must be between 0 and 1').max(1, 'must be between 0 and 1').default(0.2),
	maxRetryAfter: duration.prefault('1h'),
	concurrency: positiveInt.default(64),
	endpointConcurrency: positiveInt.default(8),
	allowPrivateNetworks: z
		.union([z.boolean(), z.array(cidr)], { error: 'expected true, false or a list of CIDR ranges' })
		.default(false),
	failingAfter: positiveInt.default(3),
	disableAfter: positiveDuration.prefault('5d'),
}).transform(({ timeout, retrySchedule, maxRetryAfter, disableAfter, ...rest }) => ({
	...rest,
	timeoutMs: timeout,
	retryScheduleMs: retrySchedule,
	maxRetryAfterMs: maxRetryAfter,
	disableAfterMs: disableAfter,
}))

export const limitsSchema = z.strictObject({
	endpointsPerFlow: positiveInt.default(5),
	batchEvents: positiveInt.default(500),
})

/** Everything but the flows, which flow.ts checks one at a time. */
export const rootSchema = z.strictObject({
	server: server.prefault({}),
	storage: storage.prefault({}),
	admin: z.strictObject({ tokens: z.array(nonEmpty).default([]) }).prefault({}),
	portal: z.strictObject({ frameAncestors: frameAncestors.default("'none'") }).prefault({}),
	metrics: z.strictObject({ token: z.string().default('') }).prefault({}),
	svix: z.strictObject({
		tokens: z.array(nonEmpty).default([]),
		endpointsPerApp: positiveInt.default(50),
		whitelabelHeaders: z.boolean().default(false),
	}).prefault({}),
	log: z.strictObject({ level: z.enum(['debug', 'info', 'warn', 'error']).default('info') }).prefault({}),
	limits: limitsSchema.prefault({}),
	delivery: delivery.prefault({}),
	retention: z
		.strictObject({ days: positiveInt.default(30), schedule: cronExpression.default('7 * * * *') })
		.prefault({}),
	tracing: tracingSchema.prefault({}),
	operations: z
		.strictObject({ flow: z.string().default(''), reportSchedule: cronExpression.default('0 8 * * *') })
		.prefault({}),
	flows: z.array(z.unknown()).min(1, 'must declare at least one flow'),
})
