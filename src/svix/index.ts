// The Svix-compatible API (/api/v1): a svix SDK user switches by changing serverUrl.
import { svixPlugin, type SvixDeps } from './http'
import { appRoutes } from './routes/apps'
import { attemptRoutes } from './routes/attempts'
import { endpointRoutes } from './routes/endpoints'
import { eventTypeRoutes } from './routes/event-types'
import { messageRoutes } from './routes/messages'

export type { SvixDeps } from './http'

export function svixApi(deps: SvixDeps) {
	return svixPlugin(deps, [...appRoutes, ...endpointRoutes, ...messageRoutes, ...attemptRoutes, ...eventTypeRoutes])
}
