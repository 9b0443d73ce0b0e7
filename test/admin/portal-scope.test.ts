// A portal link for one flow never reads or changes another: every admin route
// of the document, called for flow `other` with a `billing` token holding every
// capability, answers 403. Routes are taken from /openapi.json (which the
// OpenAPI test proves equal to the app's routes), so a new route is tried too.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { Elysia } from 'elysia'
import { adminPlugin, grant } from '../../src/admin/access'
import type { AdminDeps } from '../../src/admin/deps'
import { expectError } from './support'
import { startWorld, type World } from './portal-world'

let w: World
let full: string
beforeAll(async () => {
	w = await startWorld()
	full = await w.mint('billing', ['view', 'manage_endpoints', 'rotate_secret', 'replay', 'test'])
})
afterAll(() => w.stop())

type Portal = { allowed: boolean; capability?: string; flowFrom?: 'path' | 'query' | 'body' | 'job' }
interface Op { method: string; template: string; portal: Portal | undefined }

function adminOps(): Op[] {
	const doc = w.admin.doc as unknown as { paths: Record<string, Record<string, { 'x-portal'?: Portal }>> }
	return Object.entries(doc.paths)
		.filter(([p]) => p.startsWith('/admin/v1/'))
		.flatMap(([template, ops]) => Object.entries(ops).map(([method, op]) => ({ method: method.toUpperCase(), template, portal: op['x-portal'] })))
}

/** The route's path (and body) aimed at flow `other`. */
function aimAtOther(op: Op): { path: string; body?: unknown } {
	let path = op.template
		.replace('{flow}', 'other')
		.replace('{endpoint}', 'ledger')
		.replace('{id}', op.template.startsWith('/admin/v1/events/') ? 'shared-1' : w.jobs.other)
	if (op.portal?.flowFrom === 'query') path += '?flow=other'
	const body = op.portal?.flowFrom === 'body' ? { flow: 'other', since: '2020-01-01T00:00:00Z' } : op.method === 'GET' || op.method === 'DELETE' ? undefined : {}
	return { path, body }
}

describe('a billing link on the routes of another flow', () => {
	test('every admin route declares what portal tokens may do there', () => {
		const ops = adminOps()
		expect(ops.length).toBeGreaterThan(18)
		expect(ops.filter((o) => o.portal === undefined).map((o) => `${o.method} ${o.template}`)).toEqual([])
	})

	test('answers 403 forbidden on every route, and changes nothing', async () => {
		const tried: string[] = []
		for (const op of adminOps()) {
			if (op.template === '/admin/v1/me') continue // names no flow: it answers about the token itself
			const { path, body } = aimAtOther(op)
			const res = await w.as(full, op.method, path, body)
			expect({ route: `${op.method} ${path}`, status: res.status, code: res.body?.error?.code })
				.toEqual({ route: `${op.method} ${path}`, status: 403, code: 'forbidden' })
			tried.push(`${op.method} ${op.template}`)
		}
		expect(tried).toContain('POST /admin/v1/flows/{flow}/endpoints/{endpoint}/rotate-secret')
		expect(tried).toContain('DELETE /admin/v1/flows/{flow}/portal-links')
		const other = await w.admin.get('/admin/v1/flows/other')
		expect(other.body.endpoints.map((e: { id: string; enabled: boolean }) => [e.id, e.enabled])).toEqual([['ledger', true]])
		expect((await w.admin.get(`/admin/v1/jobs/${w.jobs.other}`)).body.status).toBe('succeeded')
	})

	test('403 even where the flow, endpoint or job does not exist, and before the body is read', async () => {
		expectError(await w.as(full, 'GET', '/admin/v1/flows/nope/endpoints'), 403, 'forbidden')
		expectError(await w.as(full, 'PATCH', '/admin/v1/flows/other/endpoints/nope', undefined, '{not json'), 403, 'forbidden')
		expectError(await w.as(full, 'POST', '/admin/v1/jobs/replay', undefined, '{"flow": "other", "since": 3}'), 403, 'forbidden')
		expectError(await w.as(full, 'GET', '/admin/v1/jobs?flow=other&bogus=1'), 403, 'forbidden')
		expectError(await w.as(full, 'GET', '/admin/v1/jobs?flow=billing&flow=other'), 403, 'forbidden')
		expectError(await w.as(full, 'GET', '/admin/v1/stats?flow=other%2Cbilling'), 403, 'forbidden')
	})

	test('lists and stats imply the link\'s flow', async () => {
		const jobs = await w.as(full, 'GET', '/admin/v1/jobs')
		expect(jobs.status).toBe(200)
		expect(new Set(jobs.body.items.map((j: { flow: string }) => j.flow))).toEqual(new Set(['billing']))
		const events = await w.as(full, 'GET', '/admin/v1/events')
		expect(events.body.items.map((e: { flow: string; id: string }) => `${e.flow}/${e.id}`)).toEqual(['billing/shared-1'])
		const stats = await w.as(full, 'GET', '/admin/v1/stats')
		expect(stats.body.items.map((s: { flow: string; endpoint: string }) => `${s.flow}/${s.endpoint}`)).toEqual(['billing/crm'])
		expect((await w.as(full, 'GET', '/admin/v1/jobs?flow=billing')).status).toBe(200)
		// an admin sees both flows
		expect(new Set((await w.admin.get('/admin/v1/jobs')).body.items.map((j: { flow: string }) => j.flow))).toEqual(new Set(['billing', 'other']))
	})

	test('an event id looks only in the link\'s own flow', async () => {
		// two flows hold shared-1: an admin must name one; the link finds its own
		expectError(await w.admin.get('/admin/v1/events/shared-1'), 409, 'ambiguous_event')
		const own = await w.as(full, 'GET', '/admin/v1/events/shared-1')
		expect({ status: own.status, flow: own.body.flow }).toEqual({ status: 200, flow: 'billing' })
		expectError(await w.as(full, 'GET', `/admin/v1/events/${w.otherOnlyEvent}`), 404, 'not_found')
		expect((await w.admin.get(`/admin/v1/events/${w.otherOnlyEvent}`)).status).toBe(200)
	})

	test('a bulk replay without a flow replays the link\'s flow only', async () => {
		const res = await w.as(full, 'POST', '/admin/v1/jobs/replay', { since: '2020-01-01T00:00:00Z' })
		expect(res.body).toEqual({ replayed: 1 })
		expect((await w.admin.get(`/admin/v1/jobs/${w.jobs.other}`)).body.attemptCount).toBe(1)
	})
})

describe('a route that declares nothing', () => {
	test('refuses portal tokens, while admin tokens pass', async () => {
		const token = full
		// the running gateway's store and catalog, behind a plugin with one undeclared route
		const run = w.gw.run
		const deps = { store: run.store, catalog: run.catalog, now: () => Date.now() } as unknown as AdminDeps
		const app = new Elysia()
			.onError(({ error }) => (error as { toResponse?: () => Response }).toResponse?.())
			.use(adminPlugin(deps, 'undeclared', '/admin/v1/x')
				.get('/declared', () => ({ ok: true }), { access: grant('view', 'query') })
				.get('/undeclared', () => ({ ok: true })))
		const call = (path: string, t: string) => app.handle(new Request(`http://localhost/admin/v1/x${path}`, { headers: { authorization: `Bearer ${t}` } }))
		expect((await call('/declared', token)).status).toBe(200)
		expect((await call('/undeclared', token)).status).toBe(403)
		expect((await call('/undeclared', 'test-admin-token')).status).toBe(200)
		expect((await call('/undeclared', 'hgp_AAAA')).status).toBe(401)
	})
})
