// Strings from outside that a store keeps as text, not inside JSON. Both
// stores must keep such a string as it was sent, or both must refuse it:
// PostgreSQL refuses a NUL character in text (and \u0000 in jsonb, which the
// batched statements read their rows from), and a lone UTF-16 surrogate has no
// UTF-8 form, so either store would keep U+FFFD instead (jsonb refuses it).
// SQLite kept a NUL, so the same request was accepted there and failed on
// PostgreSQL. JSON values (event data, metadata, payloads, schemas) need none
// of this: they are stored as JSON text, where both are escapes, and come back
// as sent.
import { z } from 'zod'

const NUL = '\u0000'
const CONTROL = /[\u0000-\u001f\u007f]/

/**
 * `text`: free text (names, descriptions, reasons); tabs and line breaks are
 * kept. `line`: one line of printable characters, for values that also go
 * into headers, URLs or filters (event types, URLs).
 */
export type TextRule = 'text' | 'line'

/** Why `s` cannot be stored as sent, or null. Messages never repeat the value. */
export function textProblem(s: string, rule: TextRule = 'text'): string | null {
	if (rule === 'line' ? CONTROL.test(s) : s.includes(NUL)) return rule === 'line' ? 'must not hold control characters' : 'must not hold a NUL character'
	if (!s.isWellFormed()) return 'must not hold a lone surrogate'
	return null
}

/** A zod string check refusing what `textProblem` refuses; chain it after min/max/regex. */
export function storable(rule: TextRule = 'text') {
	return z.superRefine((s: string, ctx) => {
		const problem = textProblem(s, rule)
		if (problem) ctx.addIssue({ code: 'custom', message: problem })
	})
}

/** A string that can be stored as sent; `rule` as for `textProblem`. */
export const storableString = (rule: TextRule = 'text') => z.string().check(storable(rule))

/**
 * Where a URL holds a NUL (`%00` in the path, or a NUL in a query name or
 * value), or null. No stored row can hold one, so a path naming one names
 * nothing (404); a query filter with one is refused (422) before it reaches
 * PostgreSQL, which would fail the statement. A URL cannot carry a lone
 * surrogate: its percent-escapes decode to U+FFFD.
 */
export function nulInUrl(url: URL): { in: 'path' } | { in: 'query'; name: string } | null {
	if (/%00/.test(url.pathname)) return { in: 'path' }
	for (const [name, value] of url.searchParams) if (name.includes(NUL) || value.includes(NUL)) return { in: 'query', name: name.replaceAll(NUL, '') }
	return null
}
