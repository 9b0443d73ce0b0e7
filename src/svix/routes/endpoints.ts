import type { Route } from '../http'
import { parseBody } from '../http'
import { endpointIn, endpointPatch, endpointUpsertIn, eventExampleIn, headersIn, headersPatchIn, recoverIn, rotateIn } from '../model'
import { getTask, listTasks, recover } from '../services/recover'
import { SvixError } from '../errors'
import { findType } from '../services/event-types'
import { createMessage } from '../services/messages'
import { listQuery, pageArray } from '../paging'
import { findApp } from '../services/apps'
import {
	appEndpoints, changeHeaders, createEndpoint, endpointOut, endpointStats, findEndpoint, headersOut, patchEndpoint, rotateSecret, upsertEndpoint,
} from '../services/endpoints'

const ONE = 'app/:app/endpoint/:endpoint'

export const endpointRoutes: Route[] = [
	{
		method: 'GET', path: 'app/:app/endpoint', handler: async (ctx) => {
			const app = findApp(ctx, ctx.params.app)
			const q = listQuery(ctx.query, 'descending')
			const sorted = [...appEndpoints(ctx, app.id)].sort((a, b) => (a.id < b.id ? -1 : 1))
			const page = await pageArray(q, sorted, (e) => e.id)
			return { status: 200, body: { ...page, data: page.data.map((e) => endpointOut(ctx, app.id, e)) } }
		},
	},
	{ method: 'POST', path: 'app/:app/endpoint', handler: (ctx) => createEndpoint(ctx, ctx.params.app, parseBody(endpointIn, ctx.body)) },
	{
		method: 'GET', path: ONE, handler: async (ctx) => {
			const { app, endpoint } = findEndpoint(ctx, ctx.params.app, ctx.params.endpoint)
			return { status: 200, body: endpointOut(ctx, app.id, endpoint) }
		},
	},
	{ method: 'PUT', path: ONE, handler: (ctx) => upsertEndpoint(ctx, ctx.params.app, ctx.params.endpoint, parseBody(endpointUpsertIn, ctx.body)) },
	{ method: 'PATCH', path: ONE, handler: (ctx) => patchEndpoint(ctx, ctx.params.app, ctx.params.endpoint, parseBody(endpointPatch, ctx.body)) },
	{
		method: 'DELETE', path: ONE, handler: async (ctx) => {
			const { app, endpoint } = findEndpoint(ctx, ctx.params.app, ctx.params.endpoint)
			await ctx.deps.catalog.deleteApiEndpoint(app.id, endpoint.id, ctx.deps.now())
			return { status: 204 }
		},
	},
	{
		// the one place a secret is shown in clear: Svix's contract
		method: 'GET', path: `${ONE}/secret`, handler: async (ctx) => {
			const { endpoint } = findEndpoint(ctx, ctx.params.app, ctx.params.endpoint)
			return { status: 200, body: { key: endpoint.signing.secret } }
		},
	},
	{ method: 'GET', path: `${ONE}/headers`, handler: async (ctx) => ({ status: 200, body: headersOut(findEndpoint(ctx, ctx.params.app, ctx.params.endpoint).endpoint) }) },
	{ method: 'PUT', path: `${ONE}/headers`, handler: (ctx) => changeHeaders(ctx, ctx.params.app, ctx.params.endpoint, parseBody(headersIn, ctx.body).headers, true) },
	{
		method: 'PATCH', path: `${ONE}/headers`, handler: (ctx) => {
			const b = parseBody(headersPatchIn, ctx.body)
			return changeHeaders(ctx, ctx.params.app, ctx.params.endpoint, b.headers, false, b.deleteHeaders)
		},
	},
	{
		// svix.ping sends {"success": true}; another type its schema's example
		method: 'POST', path: `${ONE}/send-example`, handler: async (ctx) => {
			const { app, endpoint } = findEndpoint(ctx, ctx.params.app, ctx.params.endpoint)
			const input = parseBody(eventExampleIn, ctx.body)
			let payload: Record<string, unknown> = { success: true }
			if (input.eventType !== 'svix.ping') {
				const t = await findType(ctx, input.eventType)
				const examples = (t.schemas?.['1'] as { examples?: unknown[] } | undefined)?.examples
				const example = Array.isArray(examples) ? examples[input.exampleIndex ?? 0] : undefined
				if (typeof example !== 'object' || example === null || Array.isArray(example)) throw new SvixError(400, 'invalid_scheme', 'The event type has no such example')
				payload = example as Record<string, unknown>
			}
			return createMessage(ctx, app.id, { eventType: input.eventType, payload }, endpoint)
		},
	},
	{ method: 'POST', path: `${ONE}/recover`, handler: (ctx) => recover(ctx, ctx.params.app, ctx.params.endpoint, parseBody(recoverIn, ctx.body)) },
	{ method: 'GET', path: 'background-task', handler: (ctx) => listTasks(ctx) },
	{ method: 'GET', path: 'background-task/:task', handler: (ctx) => getTask(ctx, ctx.params.task) },
	{ method: 'GET', path: `${ONE}/stats`, handler: (ctx) => endpointStats(ctx, ctx.params.app, ctx.params.endpoint) },
	{ method: 'POST', path: `${ONE}/secret/rotate`, handler: (ctx) => rotateSecret(ctx, ctx.params.app, ctx.params.endpoint, parseBody(rotateIn, ctx.body ?? {})) },
]
