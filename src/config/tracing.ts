// The `tracing:` section. The collector's headers usually carry a token, so
// messages name the header, never its value.
import { z } from 'zod'
import { validateHeader } from '../signing/headers'

/** '' (no tracing) or an absolute http(s) URL with no credentials or fragment. */
const otlpEndpoint = z.string({ error: 'expected a URL like http://127.0.0.1:4318/v1/traces' }).superRefine((s, ctx) => {
	if (s === '') return
	let u: URL
	try {
		u = new URL(s)
	} catch {
		ctx.addIssue({ code: 'custom', message: 'must be an absolute http(s) URL like http://127.0.0.1:4318/v1/traces, or empty' })
		return
	}
	if (u.protocol !== 'http:' && u.protocol !== 'https:') ctx.addIssue({ code: 'custom', message: 'must be an http or https URL' })
	else if (u.username || u.password) ctx.addIssue({ code: 'custom', message: 'must not carry a user name or password (send credentials in tracing.otlp.headers)' })
	else if (u.hash || /\s/.test(s)) ctx.addIssue({ code: 'custom', message: 'must have no fragment or spaces' })
})

const otlpHeaders = z.record(z.string(), z.string()).superRefine((headers, ctx) => {
	const seen = new Set<string>()
	for (const [name, value] of Object.entries(headers)) {
		const lower = name.toLowerCase()
		if (seen.has(lower)) ctx.addIssue({ code: 'custom', path: [name], message: 'duplicate header (names are case-insensitive)' })
		seen.add(lower)
		// an endpoint's custom-header rules: a value the HTTP client refuses would fail every export
		const problem = validateHeader(name, value, null)
		if (problem) ctx.addIssue({ code: 'custom', path: [name], message: problem })
	}
})

export const tracingSchema = z.strictObject({
	otlp: z.strictObject({
		endpoint: otlpEndpoint.default(''),
		headers: otlpHeaders.default({}),
	}).prefault({}),
	sampleRatio: z.number({ error: 'expected a number from 0 to 1' }).min(0, 'must be between 0 and 1').max(1, 'must be between 0 and 1').default(1),
	propagate: z.boolean().default(true),
})
