// Endpoint URLs with placeholders: which data they need, and filling them in.

import type { EndpointConfig } from '../domain'
import { placeholdersIn } from './placeholders'

const DATA_PREFIX = 'event.data.'

/** The `event.data.x` paths (without `event.data.`) a URL cannot be built without. */
export function dataPathsOf(url: string): string[] {
	return placeholdersIn(url).filter((p) => p.startsWith(DATA_PREFIX)).map((p) => p.slice(DATA_PREFIX.length))
}

export function dataPathsOfEndpoints(endpoints: EndpointConfig[]): string[] {
	return [...new Set(endpoints.flatMap((e) => dataPathsOf(e.url)))]
}
