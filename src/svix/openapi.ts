// The Svix-compatible routes in /openapi.json (tag svix). They are served by
// one catch-all route, so the document is built from the route table.
import type { Route } from './http'

const ref = { description: 'Svix error `{code, detail}`', content: { 'application/json': { schema: { type: 'object', properties: { code: { type: 'string' }, detail: { type: 'string' } } } } } }
const validation = {
	description: 'Svix validation error `{detail: [{loc, msg, type}]}`',
	content: { 'application/json': { schema: { type: 'object', properties: { detail: { type: 'array', items: { type: 'object', properties: { loc: { type: 'array', items: { type: 'string' } }, msg: { type: 'string' }, type: { type: 'string' } } } } } } } },
}
const ok = (status: string) => (status === '204' ? { description: 'no content' } : { description: 'ok', content: { 'application/json': { schema: { type: 'object' } } } })
const STATUS: Record<string, string> = { GET: '200', PUT: '200', PATCH: '200', DELETE: '204', POST: '201' }

export const svixDocPath = (r: Route) => `/api/v1/${r.path.replace(/:([^/]+)/g, '{$1}')}`

export function svixOpenapiPaths(routes: Route[]): Record<string, Record<string, unknown>> {
	const paths: Record<string, Record<string, unknown>> = {
		'/api/v1/health': {
			get: { tags: ['svix'], summary: 'Svix: health', operationId: 'svixHealth', responses: { 204: { description: 'up' } } },
		},
	}
	for (const r of routes) {
		const path = svixDocPath(r)
		const params = [...r.path.matchAll(/:([^/]+)/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }))
		const status = r.path.endsWith('/msg') && r.method === 'POST' ? '202' : r.path.endsWith('/rotate') ? '204' : STATUS[r.method]
		const op = {
			tags: ['svix'],
			summary: `Svix: ${r.method} ${r.path.replace(/:([^/]+)/g, '{$1}')}`,
			operationId: `svix_${r.method.toLowerCase()}_${r.path.replace(/[:/-]+/g, '_')}`,
			security: [{ svixToken: [] }],
			...(params.length > 0 ? { parameters: params } : {}),
			...(['POST', 'PUT', 'PATCH'].includes(r.method) ? { requestBody: { required: !r.path.endsWith('/rotate'), content: { 'application/json': { schema: { type: 'object' } } } } } : {}),
			responses: { [status]: ok(status), 401: ref, 404: ref, 409: ref, 422: validation },
		}
		paths[path] = { ...paths[path], [r.method.toLowerCase()]: op }
	}
	return paths
}
