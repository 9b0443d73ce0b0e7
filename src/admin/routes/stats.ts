import { adminPlugin, grant } from '../access'
import type { AdminDeps } from '../deps'
import { doc } from '../docs'
import * as ex from '../examples'
import * as m from '../model/stats'
import { endpointStats } from '../services/stats'
import { strictQuery } from '../validate'

export function statsRoutes(deps: AdminDeps) {
	return adminPlugin(deps, 'admin-stats', '/admin/v1/stats')
		.get('', ({ query }) => endpointStats(deps, query), {
			access: grant('view', 'query'),
			query: strictQuery(m.statsQuery),
			detail: doc({
				id: 'getStats', tag: 'stats', summary: 'Figures per endpoint over a window',
				description: 'For each endpoint (of one flow, or all): jobs created in the window by status, success rate, attempt latency percentiles, backlog, oldest pending job, health, and attempts per hour. Test jobs are left out.',
				ok: { schema: m.statsOut, description: 'one item per endpoint', example: ex.statsExample },
				notFound: 'flow',
			}),
		})
}
