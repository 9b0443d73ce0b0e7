import type { SvixMessageRecord } from '../../store/svix-types'
import type { Route } from '../http'
import { parseBody } from '../http'
import { messageIn } from '../model'
import { listQuery, page } from '../paging'
import { messageFilter } from '../filters'
import { findApp } from '../services/apps'
import { createMessage, findMessage, messageOut, withContent } from '../services/messages'

export const messageRoutes: Route[] = [
	{
		// newest first; a forward page goes to older messages
		method: 'GET', path: 'app/:app/msg', handler: async (ctx) => {
			const app = findApp(ctx, ctx.params.app)
			const q = { ...listQuery(ctx.query, 'descending'), order: 'descending' as const }
			const filter = messageFilter(ctx.query)
			const got = await page<SvixMessageRecord>(q, (m) => m.id, (forward, after, n) => ctx.deps.store.svixMessages(app.id, forward
				? { below: after ?? undefined, limit: n, filter }
				: { above: after ?? undefined, limit: n, filter }))
			const content = withContent(ctx)
			return { status: 200, body: { ...got, data: got.data.map((m) => messageOut(m, content)) } }
		},
	},
	{ method: 'POST', path: 'app/:app/msg', handler: (ctx) => createMessage(ctx, ctx.params.app, parseBody(messageIn, ctx.body)) },
	{
		method: 'GET', path: 'app/:app/msg/:msg', handler: async (ctx) => {
			const app = findApp(ctx, ctx.params.app)
			return { status: 200, body: messageOut(await findMessage(ctx, app.id, ctx.params.msg), withContent(ctx)) }
		},
	},
]
