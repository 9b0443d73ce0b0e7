import type { Route } from '../http'
import { parseBody } from '../http'
import { applicationIn, applicationPatch } from '../model'
import { listQuery, pageArray } from '../paging'
import { appOut, createApp, findApp, patchApp, upsertApp } from '../services/apps'

export const appRoutes: Route[] = [
	{
		method: 'GET', path: 'app', handler: async (ctx) => {
			const q = listQuery(ctx.query, 'ascending')
			const page = await pageArray(q, ctx.deps.catalog.svixApps(), (a) => a.id)
			return { status: 200, body: { ...page, data: page.data.map(appOut) } }
		},
	},
	{
		method: 'POST', path: 'app',
		handler: (ctx) => createApp(ctx, parseBody(applicationIn, ctx.body), ctx.query.get('get_if_exists') === 'true'),
	},
	{ method: 'GET', path: 'app/:app', handler: async (ctx) => ({ status: 200, body: appOut(findApp(ctx, ctx.params.app)) }) },
	{ method: 'PUT', path: 'app/:app', handler: (ctx) => upsertApp(ctx, ctx.params.app, parseBody(applicationIn, ctx.body)) },
	{ method: 'PATCH', path: 'app/:app', handler: (ctx) => patchApp(ctx, ctx.params.app, parseBody(applicationPatch, ctx.body)) },
	{
		method: 'DELETE', path: 'app/:app', handler: async (ctx) => {
			const app = findApp(ctx, ctx.params.app)
			await ctx.deps.catalog.deleteSvixApp(app.id, ctx.deps.now())
			return { status: 204 }
		},
	},
]
