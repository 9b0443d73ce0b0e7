// endpoint.created/updated/deleted through the admin API and by a reload,
// config.reload_refused, and store.nearly_full.
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { readFileSync, writeFileSync } from 'node:fs'
import { receiver, type Receiver } from '../dispatch/loopback'
import { startTestGateway, type TestGateway } from '../support/gateway'
import { waitFor } from '../support/wait'
import { admin, eventually, ofType, opsConfig, opsReceiver, received } from './signals-support'

let ops: Receiver
let ok: Receiver
let gw: TestGateway

const shop = (port: number, endpoints: string) => `  - id: shop
    envelope: standard
    ingestTokens: [test-ingest-token]
    endpoints:
${endpoints}`
const ep = (id: string, port: number, more = '') => `      - { id: ${id}, url: "http://127.0.0.1:${port}/${id}", signing: { scheme: none }${more} }\n`

beforeAll(async () => {
	ops = opsReceiver()
	ok = receiver(() => new Response('ok'))
	gw = await startTestGateway(opsConfig(ops.port, shop(ok.port, ep('y', ok.port) + ep('gone', ok.port) + ep('off', ok.port))))
})

afterAll(async () => {
	await gw?.stop()
	ops?.stop()
	ok?.stop()
})

test('nothing is said about the YAML\'s endpoints at start', async () => {
	await Bun.sleep(300)
	expect(received(ops)).toEqual([])
})

test('an endpoint created, changed and deleted through the admin API says so, by api', async () => {
	expect((await admin(gw, 'POST', '/flows/shop/endpoints', { id: 'z', url: `http://127.0.0.1:${ok.port}/z`, signing: { scheme: 'none' } })).status).toBe(201)
	expect((await admin(gw, 'PATCH', '/flows/shop/endpoints/z', { url: `http://127.0.0.1:${ok.port}/z2` })).status).toBe(200)
	expect((await admin(gw, 'DELETE', '/flows/shop/endpoints/z')).status).toBe(200)
	// the operations flow's own endpoints are never reported on
	expect((await admin(gw, 'POST', '/flows/ops/endpoints', { id: 'chat', url: `http://127.0.0.1:${ok.port}/chat`, signing: { scheme: 'none' } })).status).toBe(201)
	const got = await eventually(() => { const r = received(ops).filter((e) => e.data.endpoint === 'z'); return r.length >= 3 && r }, 5000, 'three events')
	await Bun.sleep(200)
	// the operations endpoint takes several deliveries at once: arrival order is not the order of the changes
	expect(got.map((e) => [e.type, e.data]).sort((a, b) => String(a[0]).localeCompare(String(b[0])))).toEqual([
		['endpoint.created', { flow: 'shop', endpoint: 'z', by: 'api' }],
		['endpoint.deleted', { flow: 'shop', endpoint: 'z', by: 'api' }],
		['endpoint.updated', { flow: 'shop', endpoint: 'z', by: 'api' }],
	])
	expect(received(ops).filter((e) => e.data.flow !== 'shop')).toEqual([])
})

test('an endpoint added through a portal link says so, by portal', async () => {
	const minted = await admin(gw, 'POST', '/flows/shop/portal-links', { capabilities: ['manage_endpoints'] })
	expect(minted.status).toBe(201)
	const { token } = (await minted.json()) as { token: string }
	const created = await fetch(`${gw.url}/admin/v1/flows/shop/endpoints`, {
		method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
		body: JSON.stringify({ id: 'p', url: `http://127.0.0.1:${ok.port}/p`, signing: { scheme: 'none' } }),
	})
	expect(created.status).toBe(201)
	const [e] = await eventually(() => { const r = received(ops).filter((x) => x.data.endpoint === 'p'); return r.length > 0 && r }, 5000, 'created by portal')
	expect([e.type, e.data]).toEqual(['endpoint.created', { flow: 'shop', endpoint: 'p', by: 'portal' }])
	expect((await admin(gw, 'DELETE', '/flows/shop/endpoints/p')).status).toBe(200)
	await eventually(() => received(ops).filter((x) => x.data.endpoint === 'p').length === 2, 5000, 'deleted by api')
})

test('a reload that changes the YAML\'s endpoints says created, updated, deleted and disabled, by config; a refused one says why', async () => {
	const before = received(ops).length
	const text = readFileSync(gw.configPath, 'utf8')
	const next = text
		.replace(ep('y', ok.port), ep('y', ok.port, ', timeout: 3s'))
		.replace(ep('gone', ok.port), ep('new', ok.port))
		.replace(ep('off', ok.port), ep('off', ok.port, ', enabled: false'))
	expect(next).not.toBe(text)
	writeFileSync(gw.configPath, next)
	expect(await gw.run.reload()).toEqual([])
	const got = await eventually(() => { const r = received(ops).slice(before); return r.length >= 4 && r }, 5000, 'four events')
	await Bun.sleep(200)
	const seen = received(ops).slice(before).map((e) => [e.type, e.data.endpoint, e.data.by ?? e.data.reason]).sort()
	expect(seen).toEqual([
		['endpoint.created', 'new', 'config'],
		['endpoint.deleted', 'gone', 'config'],
		['endpoint.disabled', 'off', 'disabled in the configuration file'],
		['endpoint.updated', 'y', 'config'],
	])
	expect(got.find((e) => e.type === 'endpoint.disabled')!.data).toEqual({ flow: 'shop', endpoint: 'off', reason: 'disabled in the configuration file', disabledAt: expect.any(String), pending: 0 })

	// switched back on in the file: enabled, by config
	writeFileSync(gw.configPath, next.replace(ep('off', ok.port, ', enabled: false'), ep('off', ok.port)))
	expect(await gw.run.reload()).toEqual([])
	await waitFor(() => ofType(received(ops), 'endpoint.enabled').length === 1, 5000, 'enabled')
	expect(ofType(received(ops), 'endpoint.enabled')[0].data).toEqual({ flow: 'shop', endpoint: 'off', by: 'config' })

	writeFileSync(gw.configPath, next.replace('  flow: ops', '  flow: nowhere'))
	const problems = await gw.run.reload()
	expect(problems).toHaveLength(1)
	const refused = await waitFor(() => ofType(received(ops), 'config.reload_refused')[0], 5000, 'refused')
	expect(refused.data).toEqual({ errors: problems })
	expect(problems[0]).toMatch(/config\.yaml:\d+:\d+ operations\.flow: names no flow of this file: nowhere$/)
})

test('store.nearly_full when the store crosses 80% of storage.maxSize', async () => {
	const rx = opsReceiver()
	const small = await startTestGateway(opsConfig(rx.port, shop(ok.port, ep('y', ok.port, ', events: [nothing]'))).replace('  sqlite: {{DIR}}/hookgate.db', '  sqlite: {{DIR}}/hookgate.db\n  maxSize: 1MB'))
	try {
		const blob = 'x'.repeat(8000)
		let n = 0
		while (ofType(received(rx), 'store.nearly_full').length === 0) {
			const r = await small.post('/v1/flows/shop/events', { id: `big${n++}`, type: 'order.created', data: { blob } })
			if (r.status !== 202) throw new Error(`ingest answered ${r.status} before store.nearly_full was sent`)
			if (n % 10 === 0) await Bun.sleep(50)
		}
		const [e] = ofType(received(rx), 'store.nearly_full')
		expect(e.data).toEqual({ usedBytes: expect.any(Number), maxBytes: 1024 * 1024, ratio: expect.any(Number) })
		expect(e.data.ratio).toBeGreaterThanOrEqual(0.8)
		expect(e.data.ratio).toBeLessThan(0.95)
	} finally {
		await small.stop()
		rx.stop()
	}
}, 30_000)
