// Endpoint URLs with placeholders: which data they need, and filling them in.

import type { EndpointConfig } from '../domain'
import { placeholdersIn } from './placeholders'
import { renderText, resolvePath, toText } from './template'

const DATA_PREFIX = 'event.data.'

/** The `event.data.x` paths (without `event.data.`) a URL cannot be built without. */
export function dataPathsOf(url: string): string[] {
	return placeholdersIn(url).filter((p) => p.startsWith(DATA_PREFIX)).map((p) => p.slice(DATA_PREFIX.length))
}

export function dataPathsOfEndpoints(endpoints: EndpointConfig[]): string[] {
	return [...new Set(endpoints.flatMap((e) => dataPathsOf(e.url)))]
}

export interface UrlProblem {
	/** the placeholder whose value is the problem, e.g. `event.data.h` */
	placeholder: string
	message: string
}

// What URL parsing takes as a dot segment and resolves away: `.`, `..`, and
// their `%2e` spellings. Tabs and newlines are dropped before it looks.
const DOT_SEGMENT = /^(?:\.|%2e){1,2}$/i

/**
 * Why `url` filled from `scope` could not be sent as it reads, or null: a
 * value that is not well-formed Unicode (encodeURIComponent throws on a lone
 * surrogate, so every try would fail), or a path segment that the values turn
 * into `.` or `..` (the request would go up the path, to another resource).
 * Messages name the placeholder, never its value.
 */
export function unsendableUrl(url: string, scope: unknown): UrlProblem | null {
	if (!url.includes('{{')) return null
	for (const path of placeholdersIn(url)) {
		if (!toText(resolvePath(scope, path)).isWellFormed()) {
			return { placeholder: path, message: `the value of {{ ${path} }} holds a lone surrogate, which cannot be sent in a URL` }
		}
	}
	const queryAt = url.search(/[?#]/)
	const pathPart = queryAt < 0 ? url : url.slice(0, queryAt)
	// a backslash separates segments too in http(s) URLs
	for (const segment of pathPart.split(/[/\\]/)) {
		const inside = placeholdersIn(segment)
		if (inside.length === 0) continue
		const filled = renderText(segment, scope, encodeURIComponent).replace(/[\t\n\r]/g, '')
		if (DOT_SEGMENT.test(filled)) {
			return { placeholder: inside[0]!, message: `the value of {{ ${inside[0]} }} makes a URL path segment "." or "..", which would change the path` }
		}
	}
	return null
}
