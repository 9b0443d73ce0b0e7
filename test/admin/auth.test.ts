import { afterAll, beforeAll, expect, test } from 'bun:test'
import { startFixture, type Fixture } from './fixture'

let f: Fixture
beforeAll(async () => { f = await startFixture() })
afterAll(() => f.stop())

/** Every admin operation of the document, with its path parameters filled in. */
function adminRoutes(): Array<{ method: string; path: string }> {
	return Object.entries(f.admin.doc.paths)
		.filter(([p]) => p.startsWith('/admin/v1/'))
		.flatMap(([p, ops]) => Object.keys(ops).map((method) => ({ method: method.toUpperCase(), path: p.replace(/\{[^}]+\}/g, 'x') })))
}

test('every admin route answers 401 with no detail before looking at the body or the query', async () => {
	const routes = adminRoutes()
	expect(routes.length).toBeGreaterThanOrEqual(19)
	for (const { method, path } of routes) {
		for (const token of [null, 'wrong-token', '']) {
			const res = await f.admin.call(method, `${path}?limit=abc&bogus=1`, undefined, {
				token,
				raw: method === 'GET' || method === 'DELETE' ? undefined : '{not json',
				headers: { 'content-type': 'application/json' },
			})
			expect({ route: `${method} ${path}`, status: res.status, body: res.body })
				.toEqual({ route: `${method} ${path}`, status: 401, body: { error: { code: 'unauthorized', message: 'missing or invalid bearer token' } } })
		}
	}
})

test('the right token in any case of "Bearer" is let in; a token of another surface is not', async () => {
	const ok = await f.admin.call('GET', '/admin/v1/flows', undefined, { token: null, headers: { authorization: 'bearer test-admin-token' } })
	expect(ok.status).toBe(200)
	const ingestToken = await f.admin.call('GET', '/admin/v1/flows', undefined, { token: 'test-ingest-token' })
	expect(ingestToken.status).toBe(401)
	const basic = await f.admin.call('GET', '/admin/v1/flows', undefined, { token: null, headers: { authorization: 'Basic dGVzdC1hZG1pbi10b2tlbg==' } })
	expect(basic.status).toBe(401)
})

test('an unknown admin path without a token says nothing about what exists', async () => {
	const res = await fetch(`${f.gw.url}/admin/v1/nothing-here`)
	expect(res.status).toBe(404)
	expect(await res.json()).toEqual({ error: { code: 'not_found', message: 'no such route' } })
})
