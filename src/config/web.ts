// Keys that reach browsers: the gateway's public address (in portal links) and
// the CSP `frame-ancestors` of the portal page. Both end up inside headers or
// URLs the gateway builds, so nothing that could break out of them is accepted.
import { z } from 'zod'

/** '' or an absolute http(s) URL without query, fragment or credentials; a trailing slash is dropped. */
export const publicUrl = z.string({ error: 'expected a URL like https://hooks.example.com' }).transform((s, ctx) => {
	if (s === '') return ''
	let u: URL
	try {
		u = new URL(s)
	} catch {
		ctx.addIssue({ code: 'custom', message: 'must be an absolute http(s) URL like https://hooks.example.com, or empty' })
		return z.NEVER
	}
	if ((u.protocol !== 'http:' && u.protocol !== 'https:') || u.username || u.password || u.search || u.hash || /\s/.test(s)) {
		ctx.addIssue({ code: 'custom', message: 'must be an http(s) URL with no credentials, query or fragment' })
		return z.NEVER
	}
	return `${u.origin}${u.pathname}`.replace(/\/+$/, '')
})

// CSP source expressions a platform may name: 'self', a scheme (https:), or a
// host with optional scheme, `*.` wildcard, port and path. Quotes other than
// around 'self'/'none', semicolons and commas would end or add directives.
const SOURCE_RE = /^(?:'self'|[a-z][a-z0-9+.-]*:|(?:[a-z][a-z0-9+.-]*:\/\/)?(?:\*\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*(?::(?:\d{1,5}|\*))?(?:\/[A-Za-z0-9._~!$&()*+=:@%/-]*)?)$/i

/** A CSP source list for frame-ancestors: `'none'` alone, or sources separated by spaces. */
export const frameAncestors = z.string({ error: "expected a CSP source list like 'none' or https://dashboard.example.com" }).superRefine((s, ctx) => {
	const sources = s.trim().split(/ +/)
	if (s.trim() === '' || /[;,\r\n\t]/.test(s)) {
		ctx.addIssue({ code: 'custom', message: "must be 'none' or sources separated by spaces, like https://dashboard.example.com" })
		return
	}
	if (sources.includes("'none'")) {
		if (sources.length > 1) ctx.addIssue({ code: 'custom', message: "'none' must stand alone" })
		return
	}
	if (!sources.every((src) => SOURCE_RE.test(src))) {
		ctx.addIssue({ code: 'custom', message: "each source must be 'self', a scheme like https:, or a host like https://dashboard.example.com" })
	}
}).transform((s) => s.trim().split(/ +/).join(' '))
