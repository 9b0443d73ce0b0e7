// The admin API under /admin/v1: one plugin per resource, composed here so
// runtime.ts registers it in one line.
import { Elysia } from 'elysia'
import type { AdminDeps } from './deps'
import { endpointRoutes } from './routes/endpoints'
import { eventRoutes } from './routes/events'
import { flowRoutes } from './routes/flows'
import { jobRoutes } from './routes/jobs'
import { portalRoutes } from './routes/portal'
import { statsRoutes } from './routes/stats'

export type { AdminDeps } from './deps'
export { openapiDocs } from './openapi'

export function adminApi(deps: AdminDeps) {
	return new Elysia({ name: 'admin' })
		.use(flowRoutes(deps))
		.use(endpointRoutes(deps))
		.use(jobRoutes(deps))
		.use(eventRoutes(deps))
		.use(statsRoutes(deps))
		.use(portalRoutes(deps))
}
