import { afterAll, beforeAll, expect, test } from 'bun:test'
import { expectError } from './support'
import { startFixture, type Fixture } from './fixture'

let f: Fixture
beforeAll(async () => { f = await startFixture() })
afterAll(() => f.stop())

const add = '/admin/v1/flows/billing/endpoints'

test('a body that is not JSON is a 400 malformed_json, whatever the route', async () => {
	for (const [method, path] of [['POST', add], ['PATCH', `${add}/crm`], ['POST', `${add}/crm/disable`], ['POST', '/admin/v1/jobs/replay'], ['POST', '/admin/v1/jobs/x/cancel']]) {
		const res = await f.admin.call(method, path, undefined, { raw: '{"url": "http://x", oops}', headers: { 'content-type': 'application/json' } })
		expect({ path, status: res.status, body: res.body }).toEqual({ path, status: 400, body: { error: { code: 'malformed_json', message: 'body is not valid JSON' } } })
	}
})

test('actions take an empty body or {}; other bodies are required', async () => {
	expect((await f.admin.call('POST', `${add}/crm/enable`, undefined, { raw: '' })).status).toBe(200)
	expect((await f.admin.call('POST', `${add}/crm/enable`, undefined, { raw: '  ' })).status).toBe(200)
	expect((await f.admin.post(`${add}/crm/enable`, {})).status).toBe(200)
	expectError(await f.admin.call('POST', add, undefined, { raw: '' }), 400, 'malformed_json')
	const notObject = await f.admin.post(`${add}/crm/enable`, [])
	expectError(notObject, 422, 'invalid_request')
})

test('JSON is read whatever the content-type says', async () => {
	const res = await f.admin.call('POST', `${add}/crm/disable`, undefined, { raw: '{"reason":"plain text"}', headers: { 'content-type': 'text/plain' } })
	expect(res.body.disabledReason).toBe('plain text')
	await f.admin.post(`${add}/crm/enable`)
})

test('a body over 512 KiB is refused with 413 body_too_large', async () => {
	const res = await f.admin.call('POST', add, undefined, { raw: JSON.stringify({ url: 'http://x', body: { pad: 'x'.repeat(600 * 1024) } }) })
	expectError(res, 413, 'body_too_large')
})

test('a 422 names every bad field and never repeats a submitted value', async () => {
	const res = await f.admin.post(add, { url: 'mailto:SECRET-1', signing: { scheme: 'hmac-sha256', secret: 'SECRET2' }, rateLimit: -1, extra: 'SECRET-3' })
	expectError(res, 422, 'invalid_request')
	expect(res.body.error.issues.map((i: { path: string }) => i.path).sort()).toEqual(['extra', 'rateLimit'])
	expect(res.text).not.toMatch(/SECRET/)
	const deeper = await f.admin.post(add, { url: 'mailto:SECRET-1', signing: { scheme: 'hmac-sha256', secret: 'SECRET2' } })
	expect(deeper.body.error.issues.map((i: { path: string }) => i.path).sort()).toEqual(['signing.secret', 'url'])
	expect(deeper.text).not.toMatch(/SECRET/)
	const query = await f.admin.get('/admin/v1/jobs?limit=SECRET&since=SECRET&oddkey=SECRET')
	expect(query.body.error.issues.map((i: { path: string }) => i.path).sort()).toEqual(['limit', 'oddkey', 'since'])
	expect(query.text).not.toMatch(/SECRET/)
})

test('unknown query keys are refused on every route, naming the key', async () => {
	for (const [method, path] of [['GET', '/admin/v1/flows'], ['GET', '/admin/v1/flows/billing'], ['GET', `${add}/crm`], ['POST', `${add}/crm/enable`], ['POST', '/admin/v1/jobs/x/cancel'], ['DELETE', `${add}/crm`]]) {
		const res = await f.admin.call(method, `${path}?verbose=1`)
		expect({ path, status: res.status, at: res.body.error?.path }).toEqual({ path, status: 422, at: 'verbose' })
	}
	expectError(await f.admin.post('/admin/v1/jobs/x/cancel', { hard: true }), 422, 'invalid_request')
})

test('a body nesting more than 64 levels is 422 invalid_request on every route, and nothing changes', async () => {
	const deep = '{"a":'.repeat(40_000) + '1' + '}'.repeat(40_000)
	const routes: Array<[string, string, string]> = [
		['POST', add, `{"id":"deep","url":"http://127.0.0.1:9/x","body":${deep}}`],
		['PATCH', `${add}/paused`, `{"body":${deep}}`],
		['POST', `${add}/crm/test`, `{"type":"invoice.paid","data":${deep}}`],
		['POST', '/admin/v1/jobs/replay', `{"filter":${deep}}`],
	]
	for (const [method, path, raw] of routes) {
		const res = await f.admin.call(method, path, undefined, { raw })
		expect({ path, status: res.status, code: res.body.error?.code, message: res.body.error?.message })
			.toEqual({ path, status: 422, code: 'invalid_request', message: 'body nests more than 64 levels deep' })
	}
	expect((await f.admin.get(`${add}/deep`)).status).toBe(404)
})

test('a header value that could never be sent is 422 invalid_request, on add and on change', async () => {
	expect((await f.admin.post(add, { id: 'api-h', url: 'http://127.0.0.1:9/x', signing: { scheme: 'none' }, headers: { 'X-V': 'fine' } })).status).toBe(201)
	for (const value of ['snow\u2603man', 'bell\u0007', 'x'.repeat(100 * 1024)]) {
		const added = await f.admin.post(add, { url: 'http://127.0.0.1:9/x', signing: { scheme: 'none' }, headers: { 'X-V': value } })
		expectError(added, 422, 'invalid_request')
		expect(added.body.error.path).toBe('headers.X-V')
		const changed = await f.admin.call('PATCH', `${add}/api-h`, { headers: { 'X-V': value } })
		expectError(changed, 422, 'invalid_request')
		expect(changed.body.error.path).toBe('headers.X-V')
	}
	expect((await f.admin.get(`${add}/api-h`)).body.headers).toEqual({ 'X-V': 'fine' })
	await f.admin.call('DELETE', `${add}/api-h`)
})

test('a URL whose host a placeholder would choose is 422 invalid_request, however it is spelled', async () => {
	for (const url of ['http:/{{ event.data.h }}:21001/p', 'http:/\t/{{ event.data.h }}/p', 'https://{{ event.data.h }}/p']) {
		const res = await f.admin.post(add, { url, signing: { scheme: 'none' } })
		expectError(res, 422, 'invalid_request')
		expect(res.body.error.path).toBe('url')
		// a tab, which the URL parser drops unseen, is refused before the placeholder is looked at
		expect(res.body.error.message).toContain(url.includes('\t') ? 'control characters' : 'path and query')
	}
})
