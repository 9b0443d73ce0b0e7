import { Elysia } from 'elysia'
import { bearer, tokenMatches } from '../auth'
import { HttpError, unauthorized } from '../errors'
import type { Metrics } from './metrics'

const errorBody = {
	type: 'object',
	properties: { error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' } }, required: ['code', 'message'] as string[] } },
	required: ['error'] as string[],
} as const

/**
 * GET /metrics, plus a global after-response hook that counts ingest answers.
 * Elysia applies a hook only to routes registered after it: use this plugin
 * before the ingest routes. The hook runs after the answer is sent, so it never
 * slows ingest down, and it sees the error code without touching the routes.
 */
export function metricsRoutes(metrics: Metrics, token: () => string) {
	return new Elysia({ name: 'metrics' })
		.onAfterResponse({ as: 'global' }, (ctx) => {
			const c = ctx as typeof ctx & { error?: unknown; responseValue?: unknown; params?: Record<string, string> }
			const flow = c.params?.flow
			const route = typeof ctx.route === 'string' ? ctx.route : ''
			if (flow === undefined || !route.startsWith('/v1/flows/:flow/events')) return
			const status = typeof ctx.set.status === 'number' ? ctx.set.status : 200
			const code = c.error === undefined ? null : c.error instanceof HttpError ? c.error.code : 'internal'
			const errStatus = c.error instanceof HttpError ? c.error.status : status
			metrics.ingestAnswered(route, flow, code === null ? status : errStatus, code, c.responseValue)
		})
		.get('/metrics', async ({ request }) => {
			const t = token()
			// an empty metrics.token leaves /metrics open, as documented
			if (t !== '' && !tokenMatches(bearer(request.headers.get('authorization')), [t])) throw unauthorized()
			return new Response(await metrics.text(), { headers: { 'content-type': metrics.contentType } })
		}, {
			detail: {
				tags: ['ops'],
				summary: 'Prometheus metrics',
				description: 'Prometheus text format; every family is named hookgate_*. When `metrics.token` is set, send it as `Authorization: Bearer <token>`.',
				responses: {
					200: { description: 'the metrics', content: { 'text/plain': { schema: { type: 'string' } } } },
					401: { description: 'metrics.token is set and was not sent', content: { 'application/json': { schema: errorBody } } },
				},
			},
		})
}
