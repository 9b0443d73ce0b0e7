// Errors in Svix's shape: {code, detail} for 4xx, {detail: [{loc, msg, type}]}
// for 422. Details name fields, never the values that were sent.
import type { z } from 'zod'

export class SvixError extends Error {
	constructor(readonly status: number, readonly code: string, readonly detail: string) {
		super(detail)
	}
	body(): unknown { return { code: this.code, detail: this.detail } }
}

export interface ValidationItem {
	loc: Array<string | number>
	msg: string
	type: string
}

export class SvixValidationError extends SvixError {
	constructor(readonly items: ValidationItem[]) {
		super(422, 'validation', 'validation error')
	}
	override body(): unknown { return { detail: this.items } }
}

export const authFailed = () => new SvixError(401, 'authentication_failed', 'Invalid token')
export const notFound = (detail = 'Entity not found') => new SvixError(404, 'not_found', detail)
export const conflict = (detail = 'A conflict has occurred') => new SvixError(409, 'conflict', detail)
export const notImplemented = () => new SvixError(501, 'not_implemented', 'This operation is not offered by hookgate')
export const invalid = (loc: Array<string | number>, msg: string, type = 'value_error') => new SvixValidationError([{ loc, msg, type }])

/** zod issues as Svix validation items under `where` ("body", "query"). */
export function fromZod(where: string, issues: z.core.$ZodIssue[]): SvixValidationError {
	return new SvixValidationError(issues.map((i) => ({
		loc: [where, ...i.path.map((p) => (typeof p === 'number' ? p : String(p)))],
		msg: i.code === 'invalid_type' ? `expected ${(i as { expected?: string }).expected ?? 'another type'}` : i.message,
		type: i.code === 'invalid_type' ? 'type_error' : 'value_error',
	})))
}
