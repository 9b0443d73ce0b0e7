// Shapes shared by the admin resources. These zod schemas are the API's
// contract: requests are validated with them and /openapi.json is generated
// from them, so the document cannot drift from what the code accepts.
import { z } from 'zod'
import { DELIVERY_STATUSES } from '../../domain'

export const isoTime = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time with a zone, like 2026-12-01T00:00:00Z' })
export const statusSchema = z.enum(DELIVERY_STATUSES as [string, ...string[]])
export const errorClassSchema = z.enum(['dns', 'connect', 'tls', 'timeout', 'network', 'blocked', 'redirect', 'http_status', 'internal'])
export const attemptError = z.object({ class: errorClassSchema, message: z.string() })
export const routeSchema = z.object({ group: z.string(), name: z.string() })
	.describe('platform-action flows: the route of the action, as the envelope sends it')

const count = z.number().int().min(0)
export const statusCounts = z.object({ pending: count, delivering: count, succeeded: count, failed: count, cancelled: count })

export const errorBody = z.object({
	error: z.object({ code: z.string(), message: z.string() }).catchall(z.unknown()),
})

/** `limit` and `cursor` of every list. */
export const paging = {
	limit: z.coerce.number().int().min(1).max(500).optional().describe('items per page, 1-500 (default 50)'),
	cursor: z.string().min(1).max(64).optional().describe('`nextCursor` of the previous page'),
}

/** Action routes take an empty body or `{}`; routes without parameters take no query keys. */
export const noInput = z.strictObject({})

