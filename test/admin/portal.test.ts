// Portal links: minting, what a link may do, expiry, revocation, forgery, and
// that no token ever reaches the log.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { decodeToken, signToken } from '../../src/admin/portal/token'
import { rmSync } from 'node:fs'
import { ADMIN_TOKEN, configYaml, startTestGateway, tempDir } from '../support/gateway'
import { adminClient, expectError } from './support'
import { startWorld, type World } from './portal-world'

const ALL = ['view', 'manage_endpoints', 'rotate_secret', 'replay', 'test']

let w: World
const minted: string[] = []
async function mint(flow: string, caps: string[], ttl?: string) {
	const t = await w.mint(flow, caps, ttl)
	minted.push(t)
	return t
}
beforeAll(async () => { w = await startWorld() })
afterAll(() => w.stop())

describe('minting a link', () => {
	test('answers the url, token, flow, capabilities with view added, and an expiry one hour on', async () => {
		const before = Date.now()
		const res = await w.admin.post('/admin/v1/flows/billing/portal-links', { capabilities: ['test', 'manage_endpoints'] })
		expect(res.status).toBe(201)
		minted.push(res.body.token)
		expect(Object.keys(res.body).sort()).toEqual(['capabilities', 'expiresAt', 'flow', 'token', 'url'])
		expect(res.body.token).toMatch(/^hgp_[A-Za-z0-9_-]+$/)
		expect(res.body.flow).toBe('billing')
		expect(res.body.capabilities).toEqual(['view', 'manage_endpoints', 'test'])
		const expires = Date.parse(res.body.expiresAt)
		expect(expires).toBeGreaterThanOrEqual(before + 3_600_000)
		expect(expires).toBeLessThanOrEqual(Date.now() + 3_600_000)
		// no publicUrl: the request's own scheme and Host
		expect(res.body.url).toBe(`${w.gw.url}/ui/portal#token=${res.body.token}`)
	})

	test('a ttl sets the expiry; two links minted alike differ', async () => {
		const a = await w.admin.post('/admin/v1/flows/billing/portal-links', { capabilities: [], ttl: '24h' })
		const b = await w.admin.post('/admin/v1/flows/billing/portal-links', { capabilities: [], ttl: '5m' })
		minted.push(a.body.token, b.body.token)
		expect(a.body.capabilities).toEqual(['view'])
		expect(Date.parse(a.body.expiresAt) - Date.parse(b.body.expiresAt)).toBeGreaterThan(24 * 3_600_000 - 5 * 60_000 - 5_000)
		const c = await w.admin.post('/admin/v1/flows/billing/portal-links', { capabilities: [], ttl: '5m' })
		minted.push(c.body.token)
		expect(c.body.token).not.toBe(b.body.token)
	})

	test('the url follows the Host the request came to', async () => {
		const res = await w.admin.call('POST', '/admin/v1/flows/billing/portal-links', { capabilities: [] }, { headers: { host: 'hooks.internal:8443' } })
		minted.push(res.body.token)
		expect(res.body.url).toBe(`http://hooks.internal:8443/ui/portal#token=${res.body.token}`)
	})

	test.each([
		[{ capabilities: ['view', 'delete_everything'] }, 'capabilities[1]'],
		[{ capabilities: [], ttl: '4m' }, 'ttl'],
		[{ capabilities: [], ttl: '25h' }, 'ttl'],
		[{ capabilities: [], ttl: 'soon' }, 'ttl'],
		[{ ttl: '1h' }, 'capabilities'],
		[{ capabilities: [], flow: 'other' }, 'flow'],
	])('%j is refused with 422 at %s', async (body, path) => {
		const res = await w.admin.post('/admin/v1/flows/billing/portal-links', body)
		expectError(res, 422, 'invalid_request')
		expect(res.body.error.path).toBe(path)
	})

	test('an unknown flow is 404, a body that is not JSON 400, no token 401', async () => {
		expectError(await w.admin.post('/admin/v1/flows/nope/portal-links', { capabilities: [] }), 404, 'not_found')
		expectError(await w.admin.call('POST', '/admin/v1/flows/billing/portal-links', undefined, { raw: '{' }), 400, 'malformed_json')
		expectError(await w.admin.call('POST', '/admin/v1/flows/billing/portal-links', { capabilities: [] }, { token: null }), 401, 'unauthorized')
	})
})

test('server.publicUrl makes the link\'s address', async () => {
	const yaml = configYaml('  - id: main\n    ingestTokens: [t]\n')
		.replace('  shutdownGrace: 2s\n', '  shutdownGrace: 2s\n  publicUrl: https://hooks.example.com/gateway/\n')
	const gw = await startTestGateway(yaml)
	try {
		const admin = await adminClient(gw)
		const res = await admin.call('POST', '/admin/v1/flows/main/portal-links', { capabilities: ['view'] }, { headers: { host: 'ignored.example:1' } })
		expect(res.body.url).toBe(`https://hooks.example.com/gateway/ui/portal#token=${res.body.token}`)
	} finally {
		await gw.stop()
	}
})

describe('/me', () => {
	test('an admin token holds every capability, on no one flow, without expiry', async () => {
		expect((await w.admin.get('/admin/v1/me')).body).toEqual({ kind: 'admin', flow: null, capabilities: ALL, expiresAt: null })
	})

	test('a link names its flow, capabilities and expiry', async () => {
		const res = await w.admin.post('/admin/v1/flows/billing/portal-links', { capabilities: ['replay'], ttl: '2h' })
		minted.push(res.body.token)
		const me = await w.as(res.body.token, 'GET', '/admin/v1/me')
		expect(me.body).toEqual({ kind: 'portal', flow: 'billing', capabilities: ['view', 'replay'], expiresAt: res.body.expiresAt })
	})

	test('no token or a wrong one is 401', async () => {
		expectError(await w.admin.call('GET', '/admin/v1/me', undefined, { token: null }), 401, 'unauthorized')
		expectError(await w.as('not-a-token', 'GET', '/admin/v1/me'), 401, 'unauthorized')
	})
})

type Portal = { allowed: boolean; capability?: string }

/** Every route that grants a capability, aimed at the link's own flow, with a body that passes its checks. */
function ownRoutes() {
	const doc = w.admin.doc as unknown as { paths: Record<string, Record<string, { operationId: string; 'x-portal'?: Portal }>> }
	const bodies: Record<string, unknown> = {
		createEndpoint: { url: `http://127.0.0.1:${w.rx.port}/new`, signing: { scheme: 'none' } },
		bulkReplayJobs: { since: '2020-01-01T00:00:00Z' },
	}
	return Object.entries(doc.paths).filter(([p]) => p.startsWith('/admin/v1/')).flatMap(([template, ops]) =>
		Object.entries(ops).filter(([, op]) => op['x-portal']?.capability).map(([method, op]) => ({
			method: method.toUpperCase(),
			capability: op['x-portal']!.capability!,
			path: template.replace('{flow}', 'billing').replace('{endpoint}', 'crm')
				.replace('{id}', template.startsWith('/admin/v1/events/') ? 'shared-1' : w.jobs.billing),
			body: bodies[op.operationId] ?? (method === 'get' || method === 'delete' ? undefined : {}),
		})))
}

describe('capabilities', () => {
	test('each route needs its capability: without it 403, with it the route answers', async () => {
		const routes = ownRoutes()
		expect(new Set(routes.map((r) => r.capability))).toEqual(new Set(ALL))
		for (const r of routes.filter((x) => x.capability !== 'view')) {
			const lacking = await mint('billing', ALL.filter((c) => c !== r.capability))
			const res = await w.as(lacking, r.method, r.path, r.body)
			expect({ route: `${r.method} ${r.path}`, status: res.status, code: res.body?.error?.code }).toEqual({ route: `${r.method} ${r.path}`, status: 403, code: 'forbidden' })
		}
		for (const r of routes) {
			const only = await mint('billing', [r.capability])
			const res = await w.as(only, r.method, r.path, r.body)
			// 200, 201, or the route's own 409 (a YAML endpoint, a finished job): never 401 or 403
			expect({ route: `${r.method} ${r.path}`, ok: [200, 201, 409].includes(res.status) }).toEqual({ route: `${r.method} ${r.path}`, ok: true })
		}
	})

	test('a view link reads, and is refused every change before its 404 or 409', async () => {
		const view = await mint('billing', ['view'])
		expect((await w.as(view, 'GET', '/admin/v1/flows/billing')).status).toBe(200)
		expect((await w.as(view, 'GET', `/admin/v1/jobs/${w.jobs.billing}`)).status).toBe(200)
		expectError(await w.as(view, 'PATCH', '/admin/v1/flows/billing/endpoints/nope', { url: 'http://x' }), 403, 'forbidden')
		expectError(await w.as(view, 'DELETE', '/admin/v1/flows/billing/endpoints/crm'), 403, 'forbidden')
		expectError(await w.as(view, 'POST', '/admin/v1/jobs/no-such-job/replay', {}), 403, 'forbidden')
		expectError(await w.as(view, 'POST', `/admin/v1/jobs/${w.jobs.billing}/cancel`, undefined, '{oops'), 403, 'forbidden')
		expectError(await w.as(view, 'POST', '/admin/v1/flows/billing/endpoints/crm/test', {}), 403, 'forbidden')
	})

	test('a link never lists flows, mints or revokes links, even with every capability', async () => {
		const full = await mint('billing', ALL)
		expectError(await w.as(full, 'GET', '/admin/v1/flows'), 403, 'forbidden')
		expectError(await w.as(full, 'POST', '/admin/v1/flows/billing/portal-links', { capabilities: ALL }), 403, 'forbidden')
		expectError(await w.as(full, 'DELETE', '/admin/v1/flows/billing/portal-links'), 403, 'forbidden')
		expect((await w.as(full, 'GET', '/admin/v1/me')).status).toBe(200)
	})

	test('a job of another flow named by id is 403; a missing one 404', async () => {
		const full = await mint('billing', ALL)
		expectError(await w.as(full, 'GET', `/admin/v1/jobs/${w.jobs.other}`), 403, 'forbidden')
		expectError(await w.as(full, 'GET', '/admin/v1/jobs/no-such-job'), 404, 'not_found')
	})
})

describe('expiry', () => {
	test('an expired link answers 401 token_expired everywhere, a fresh one still works', async () => {
		const short = await mint('billing', ALL, '5m')
		expect((await w.as(short, 'GET', '/admin/v1/me')).status).toBe(200)
		w.clock.skew = 5 * 60_000 + 1_000
		try {
			expectError(await w.as(short, 'GET', '/admin/v1/me'), 401, 'token_expired')
			expectError(await w.as(short, 'GET', '/admin/v1/flows/billing'), 401, 'token_expired')
			expectError(await w.as(short, 'POST', '/admin/v1/flows/billing/endpoints/crm/test', {}), 401, 'token_expired')
			const fresh = await mint('billing', ['view'])
			expect((await w.as(fresh, 'GET', '/admin/v1/flows/billing')).status).toBe(200)
		} finally {
			w.clock.skew = 0
		}
		expect((await w.as(short, 'GET', '/admin/v1/me')).status).toBe(200)
	})
})

describe('revocation', () => {
	test('revoking a flow\'s links ends every one minted so far, of that flow only', async () => {
		const a = await mint('billing', ['view'])
		const b = await mint('billing', ALL, '24h')
		const other = await mint('other', ['view'])
		const res = await fetch(`${w.gw.url}/admin/v1/flows/billing/portal-links`, { method: 'DELETE', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })
		expect(res.status).toBe(204)
		expect(await res.text()).toBe('')
		for (const t of [a, b]) expectError(await w.as(t, 'GET', '/admin/v1/flows/billing'), 401, 'unauthorized')
		expect((await w.as(other, 'GET', '/admin/v1/flows/other')).status).toBe(200)
		const after = await mint('billing', ['view'])
		expect((await w.as(after, 'GET', '/admin/v1/flows/billing')).status).toBe(200)
	})

	test('revoking needs an admin token and a known flow', async () => {
		const del = (flow: string, token: string) => fetch(`${w.gw.url}/admin/v1/flows/${flow}/portal-links`, { method: 'DELETE', headers: { authorization: `Bearer ${token}` } })
		expect((await del('nope', ADMIN_TOKEN)).status).toBe(404)
		expect((await del('billing', 'wrong')).status).toBe(401)
	})

	test('keys and revocations live in the database: they survive a restart', async () => {
		const yaml = configYaml('  - id: main\n    ingestTokens: [t]\n')
		const dir = tempDir()
		const first = await startTestGateway(yaml, { dir })
		const admin = await adminClient(first)
		const mintMain = async () => (await admin.post('/admin/v1/flows/main/portal-links', { capabilities: ['view'] })).body.token as string
		const before = await mintMain()
		await fetch(`${first.url}/admin/v1/flows/main/portal-links`, { method: 'DELETE', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })
		const after = await mintMain()
		await first.stop()
		const second = await startTestGateway(yaml, { dir })
		try {
			const get = (t: string) => fetch(`${second.url}/admin/v1/flows/main`, { headers: { authorization: `Bearer ${t}` } })
			expect((await get(before)).status).toBe(401)
			expect((await get(after)).status).toBe(200)
		} finally {
			await second.stop()
			rmSync(dir, { recursive: true, force: true })
		}
	})
})

describe('forged tokens', () => {
	test('a changed flow, capability, expiry or signature, or another key, is 401 unauthorized', async () => {
		const real = await mint('billing', ['view'])
		const d = decodeToken(real)!
		const raw = Buffer.from(real.slice(4), 'base64url')
		const flip = (i: number) => {
			const copy = Buffer.from(raw)
			copy[i] ^= 1
			return `hgp_${copy.toString('base64url')}`
		}
		const forged = [
			flip(3), // expiry
			flip(7), // capability bits
			flip(raw.length - 1), // signature
			flip(raw.length - 33), // the flow's name
			signToken({ ...d.claims, capabilities: ['view', 'manage_endpoints'] }, Buffer.alloc(32), Buffer.alloc(8)),
			signToken({ ...d.claims, flow: 'other' }, Buffer.alloc(32), Buffer.alloc(8)),
			signToken({ ...d.claims, flow: 'no-such-flow' }, Buffer.alloc(32), Buffer.alloc(8)),
			real.slice(0, -2),
			`${real}A`,
			'hgp_',
			'hgp_!!!',
			real.replace('hgp_', 'hgx_'),
		]
		for (const t of forged) {
			const res = await w.as(t, 'GET', '/admin/v1/flows/billing')
			expect({ t, status: res.status, code: res.body.error?.code }).toEqual({ t, status: 401, code: 'unauthorized' })
		}
		// a genuine link of another flow, renamed to this one: the other flow's key signed it
		const od = decodeToken(await mint('other', ALL))!
		const renamed = Buffer.concat([od.signed.subarray(0, od.signed.length - 'other'.length - 1), Buffer.from([7]), Buffer.from('billing'), od.mac])
		expectError(await w.as(`hgp_${renamed.toString('base64url')}`, 'GET', '/admin/v1/flows/billing'), 401, 'unauthorized')
		expect((await w.as(real, 'GET', '/admin/v1/flows/billing')).status).toBe(200)
	})
})

describe('where tokens go', () => {
	test('portal tokens are not metrics tokens', async () => {
		const gw = await startTestGateway(configYaml('  - id: main\n    ingestTokens: [t]\n', 'metrics:\n  token: scrape-secret-1234\n'))
		try {
			const admin = await adminClient(gw)
			const link = (await admin.post('/admin/v1/flows/main/portal-links', { capabilities: ALL })).body.token as string
			expect((await fetch(`${gw.url}/metrics`, { headers: { authorization: `Bearer ${link}` } })).status).toBe(401)
			expect((await fetch(`${gw.url}/metrics`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).status).toBe(401)
			expect((await fetch(`${gw.url}/metrics`, { headers: { authorization: 'Bearer scrape-secret-1234' } })).status).toBe(200)
		} finally {
			await gw.stop()
		}
	})

	test('no token, nor the signed part of one, ever appears in the log', async () => {
		expect(minted.length).toBeGreaterThan(20)
		const log = w.gw.logs.join('')
		expect(log).toContain('portal link minted')
		expect(log).toContain('portal links revoked')
		for (const t of minted) {
			expect(log.includes(t)).toBe(false)
			expect(log.includes(t.slice(4, 40))).toBe(false)
		}
		expect(log.includes(ADMIN_TOKEN)).toBe(false)
	})
})
