// Request checks for the admin API. Every failure is 422 invalid_request with
// the `path` of the first bad field and one line per problem in `issues`;
// messages say what is expected, never what was sent (it may be a secret).
import type { z } from 'zod'
import { fromZod, type ConfigIssue } from '../config/issues'
import { HttpError, formatPath } from '../errors'

export function invalidRequest(issues: ConfigIssue[]): HttpError {
	const list = issues.map((i) => ({ path: formatPath(i.path), message: i.message }))
	const first = list[0] ?? { path: '', message: 'is not valid' }
	return new HttpError(422, 'invalid_request', first.path ? `${first.path}: ${first.message}` : first.message, { path: first.path, issues: list })
}

/** Parses with `schema` or throws our 422. */
export function validate<T extends z.ZodType>(schema: T, value: unknown): z.output<T> {
	const r = schema.safeParse(value, { reportInput: true })
	if (!r.success) throw invalidRequest(fromZod(r.error.issues))
	return r.data
}

/**
 * `validate` for schemas that only check (no transforms, no defaults), answering
 * the value as sent: zod rebuilds records by assignment, which drops a key
 * named __proto__, and such a key is data here as it is in event data.
 */
export function validateAsSent<T extends z.ZodType>(schema: T, value: unknown): z.output<T> {
	validate(schema, value)
	return value as z.output<T>
}

/**
 * Elysia's query parser (for Standard Schema routes) splits values at commas
 * and parses values that look like JSON; our parameters are plain strings, so
 * they are put back together before validation.
 */
function queryStrings(query: unknown): unknown {
	if (typeof query !== 'object' || query === null) return query
	// no prototype: a key named __proto__ stays a key, and is refused as unknown
	const out: Record<string, unknown> = Object.create(null)
	for (const [k, v] of Object.entries(query)) {
		const text = (x: unknown) => (typeof x === 'string' ? x : JSON.stringify(x))
		out[k] = Array.isArray(v) ? v.map(text).join(',') : typeof v === 'object' && v !== null ? text(v) : v
	}
	return out
}

/**
 * A copy of a query `schema` whose Standard Schema `validate` throws our 422
 * instead of reporting issues. Elysia validates the query with it before the
 * handler runs, and @elysiajs/openapi still documents it as the zod schema it
 * is (vendor `zod`, converted by z.toJSONSchema). Elysia's own validation
 * error would echo the submitted value and lose the field of an unknown key.
 */
export function strictQuery<T extends z.ZodType>(schema: T): T {
	const copy = schema.clone() as T
	const standard = copy['~standard']
	Object.defineProperty(copy, '~standard', {
		configurable: true,
		enumerable: false,
		value: { ...standard, validate: (value: unknown) => ({ value: validate(schema, queryStrings(value)) }) },
	})
	return copy
}
