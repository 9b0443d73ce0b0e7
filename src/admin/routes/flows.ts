import { adminOnly, adminPlugin, grant } from '../access'
import type { AdminDeps } from '../deps'
import { doc } from '../docs'
import * as ex from '../examples'
import { noInput } from '../model/common'
import * as m from '../model/flow'
import * as svc from '../services/flows'
import { strictQuery } from '../validate'

const noQuery = strictQuery(noInput)

export function flowRoutes(deps: AdminDeps) {
	return adminPlugin(deps, 'admin-flows', '/admin/v1/flows')
		.get('', () => svc.listFlows(deps), {
			access: adminOnly,
			query: noQuery,
			detail: doc({
				id: 'listFlows', tag: 'flows', summary: 'List flows with their endpoints and job counts',
				ok: { schema: m.flowList, description: 'every flow of the configuration', example: { items: [ex.flowExample] } },
			}),
		})
		.get('/:flow', ({ params }) => svc.getFlow(deps, params.flow), {
			access: grant('view', 'path'),
			query: noQuery,
			detail: doc({
				id: 'getFlow', tag: 'flows', summary: 'Read a flow with its endpoints and job counts',
				ok: { schema: m.flowOut, description: 'the flow', example: ex.flowExample },
				notFound: 'flow',
			}),
		})
}
