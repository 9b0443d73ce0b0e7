// OpenAPI `detail` of an admin route, built from the same zod schemas that
// validate it. Query parameters are documented by @elysiajs/openapi from the
// route's `query` schema; bodies and answers are written here, because an
// action body is optional and Elysia's own body hook would call it required.
import type { DocumentDecoration } from 'elysia'
import { z } from 'zod'
import { errorBody } from './model/common'

export type Tag = 'flows' | 'endpoints' | 'jobs' | 'events' | 'stats' | 'portal'

export function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
	const s = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>
	delete s.$schema
	return s
}

const json = (schema: Record<string, unknown>, example?: unknown) =>
	({ 'application/json': { schema, ...(example !== undefined ? { example } : {}) } })

const error = (code: string, message: string, extra: Record<string, unknown> = {}) => ({ error: { code, message, ...extra } })

export interface Answer {
	status?: number
	/** none: an answer without a body (204) */
	schema?: z.ZodType
	description: string
	example?: unknown
}

export interface OpSpec {
	id: string
	tag: Tag
	summary: string
	description?: string
	/** `action`: optional body, empty or `{}` accepted */
	body?: { schema: z.ZodType; action?: boolean; example?: unknown }
	ok: Answer | Answer[]
	/** what a 404 says is missing: 'flow', 'endpoint', 'job', ... */
	notFound?: string
	/** the 409 codes of this route */
	conflicts?: string[]
	/** 422 codes beyond invalid_request */
	unprocessable?: string[]
}

function errorAnswers(op: OpSpec): Record<string, unknown> {
	const out: Record<string, unknown> = {
		401: { description: 'No bearer token, not one of `admin.tokens` nor a valid portal link (`unauthorized`, also for a revoked link), or an expired portal link (`token_expired`)', content: json(jsonSchema(errorBody, 'output'), error('unauthorized', 'missing or invalid bearer token')) },
		403: { description: 'A portal token on a route, flow or job its link does not cover (`forbidden`); checked before anything else', content: json(jsonSchema(errorBody, 'output'), error('forbidden', 'this link is for another flow')) },
	}
	if (op.body) {
		out[400] = { description: 'The body is not JSON', content: json(jsonSchema(errorBody, 'output'), error('malformed_json', 'body is not valid JSON')) }
		out[413] = { description: 'The body is larger than 512 KiB', content: json(jsonSchema(errorBody, 'output'), error('body_too_large', 'body is larger than 524288 bytes')) }
	}
	if (op.notFound) {
		out[404] = { description: `No such ${op.notFound}`, content: json(jsonSchema(errorBody, 'output'), error('not_found', `${op.notFound.split(' ').pop()} not found`)) }
	}
	if (op.conflicts?.length) {
		out[409] = {
			description: `Refused in the present state: ${op.conflicts.map((c) => `\`${c}\``).join(', ')}`,
			content: json(jsonSchema(errorBody, 'output'), error(op.conflicts[0], 'see the message')),
		}
	}
	{
		// every admin route refuses unknown query keys, so every one can answer 422
		const codes = ['invalid_request', ...(op.unprocessable ?? [])]
		out[422] = {
			description: `A value fails its check (codes ${codes.map((c) => `\`${c}\``).join(', ')}); \`path\` names the field, the value is never repeated`,
			content: json(jsonSchema(errorBody, 'output'), error('invalid_request', 'url: must be an absolute http(s) URL', { path: 'url', issues: [{ path: 'url', message: 'must be an absolute http(s) URL' }] })),
		}
	}
	return out
}

export function doc(op: OpSpec): DocumentDecoration {
	const answers = Array.isArray(op.ok) ? op.ok : [op.ok]
	const responses: Record<string, unknown> = {}
	for (const a of answers) {
		responses[a.status ?? 200] = { description: a.description, ...(a.schema ? { content: json(jsonSchema(a.schema, 'output'), a.example) } : {}) }
	}
	Object.assign(responses, errorAnswers(op))
	return {
		tags: [op.tag],
		summary: op.summary,
		...(op.description ? { description: op.description } : {}),
		operationId: op.id,
		security: [{ adminToken: [] }],
		...(op.body ? {
			requestBody: {
				required: !op.body.action,
				...(op.body.action ? { description: 'Optional: an empty body is taken as `{}`.' } : {}),
				content: json(jsonSchema(op.body.schema, 'input'), op.body.example),
			},
		} : {}),
		responses,
	} as DocumentDecoration
}
