import { z } from 'zod'
import { storable, textProblem } from '../text'

export const ID_PATTERN = /^[A-Za-z0-9_:.-]{1,128}$/

const id = z.string().regex(ID_PATTERN, 'must be 1-128 characters of A-Z a-z 0-9 _ : . -')

// Dates are checked by parsing too: a well-formed but impossible date is refused.
const isoDate = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time' })

// A type goes into headers and into text columns: one printable line (src/text.ts).
export const eventType = z.string().min(1).max(256).check(storable('line'))

export const eventInput = z.strictObject({
	id: id.optional(),
	type: eventType,
	sessionId: id.nullable().optional(),
	occurredAt: isoDate.optional(),
	success: z.boolean().optional(),
	data: z.record(z.string(), z.unknown()).optional(),
}).meta({ description: 'One event. `id` is the idempotency key (generated when absent).' })
export type EventInput = z.infer<typeof eventInput>

export const batchInput = z.strictObject({
	events: z.array(z.unknown()).min(1),
})

export const sessionInput = z.strictObject({
	id: id.optional(),
	metadata: z.record(z.string(), z.unknown()).optional(),
})

export const sessionPatch = z.strictObject({
	metadata: z.record(z.string(), z.unknown()),
})

export const deliveryRef = z.object({
	id: z.string(),
	endpoint: z.string(),
	status: z.enum(['pending', 'delivering', 'succeeded', 'failed', 'cancelled']),
})

export const eventAccepted = z.object({
	id: z.string(),
	deliveries: z.array(deliveryRef),
	duplicate: z.boolean().optional(),
})

export const batchAccepted = z.object({
	events: z.array(z.object({ id: z.string(), deliveries: z.array(deliveryRef), duplicate: z.boolean() })),
})

export const sessionOut = z.object({
	id: z.string(),
	metadata: z.record(z.string(), z.unknown()),
	createdAt: z.string(),
	updatedAt: z.string().optional(),
})

export const errorBody = z.object({
	error: z.object({ code: z.string(), message: z.string() }).catchall(z.unknown()),
})

const EVENT_KEYS = new Set(['id', 'type', 'sessionId', 'occurredAt', 'success', 'data'])
const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v)

/**
 * The common, valid event checked by hand: ingest's hot path. It accepts only
 * what `eventInput` accepts (a test holds the two together); anything it is
 * unsure of returns null and `eventInput` decides, with its precise messages.
 */
export function quickEvent(raw: unknown): EventInput | null {
	if (!isObject(raw)) return null
	for (const k in raw) if (!EVENT_KEYS.has(k)) return null
	const { id, type, sessionId, occurredAt, success, data } = raw
	if (typeof type !== 'string' || type.length < 1 || type.length > 256 || textProblem(type, 'line') !== null) return null
	if (id !== undefined && (typeof id !== 'string' || !ID_PATTERN.test(id))) return null
	if (sessionId !== undefined && sessionId !== null && (typeof sessionId !== 'string' || !ID_PATTERN.test(sessionId))) return null
	if (occurredAt !== undefined && !isoDate.safeParse(occurredAt).success) return null
	if (success !== undefined && typeof success !== 'boolean') return null
	if (data !== undefined && !isObject(data)) return null
	return raw as EventInput
}
