import type { Route } from '../http'
import { parseBody } from '../http'
import { eventTypeIn, eventTypePatch, eventTypeUpsertIn } from '../model'
import { listQuery, pageArray } from '../paging'
import { createType, deleteType, eventTypeOut, findType, patchType, upsertType } from '../services/event-types'

const ONE = 'event-type/:name'

export const eventTypeRoutes: Route[] = [
	{
		// by name; archived ones only with include_archived, schemas only with with_content
		method: 'GET', path: 'event-type', handler: async (ctx) => {
			const q = listQuery(ctx.query, 'ascending')
			const archived = ctx.query.get('include_archived') === 'true'
			const all = (await ctx.deps.store.svixEventTypes()).filter((t) => archived || !t.archived)
			const page = await pageArray(q, all, (t) => t.name)
			const content = ctx.query.get('with_content') === 'true'
			return { status: 200, body: { ...page, data: page.data.map((t) => eventTypeOut(t, content)) } }
		},
	},
	{ method: 'POST', path: 'event-type', handler: (ctx) => createType(ctx, parseBody(eventTypeIn, ctx.body)) },
	{ method: 'GET', path: ONE, handler: async (ctx) => ({ status: 200, body: eventTypeOut(await findType(ctx, ctx.params.name), true) }) },
	{ method: 'PUT', path: ONE, handler: (ctx) => upsertType(ctx, ctx.params.name, parseBody(eventTypeUpsertIn, ctx.body)) },
	{ method: 'PATCH', path: ONE, handler: (ctx) => patchType(ctx, ctx.params.name, parseBody(eventTypePatch, ctx.body)) },
	{ method: 'DELETE', path: ONE, handler: (ctx) => deleteType(ctx, ctx.params.name, ctx.query.get('expunge') === 'true') },
]
