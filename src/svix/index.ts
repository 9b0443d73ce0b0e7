// The Svix-compatible API (/api/v1): a svix SDK user switches by changing serverUrl.
import { svixPlugin, type SvixDeps } from './http'
import { appRoutes } from './routes/apps'
import { attemptRoutes } from './routes/attempts'
import { endpointRoutes } from './routes/endpoints'
import { eventTypeRoutes } from './routes/event-types'
import { messageRoutes } from './routes/messages'

export type { SvixDeps } from './http'

import { svixOpenapiPaths } from './openapi'

export const svixRoutes = [...appRoutes, ...endpointRoutes, ...messageRoutes, ...attemptRoutes, ...eventTypeRoutes]

export function svixApi(deps: SvixDeps) {
	return svixPlugin(deps, svixRoutes)
}

/** What /openapi.json adds for the Svix-compatible surface. */
export const svixDocs = () => ({
	paths: svixOpenapiPaths(svixRoutes),
	tag: { name: 'svix', description: 'The Svix-compatible API under /api/v1 (bearer: one of `svix.tokens`): a svix SDK user switches by changing serverUrl' },
	scheme: { svixToken: { type: 'http', scheme: 'bearer', description: 'One of `svix.tokens`' } },
})
