// svix.whitelabelHeaders: deliveries carry webhook-* instead of svix-*, and
// the SDK's Webhook verifies them just the same; a proxy that loses the first
// answer makes the SDK retry with the same key: one message, one delivery.
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { Svix, Webhook } from 'svix'
import { arrived, startHarness, TOKEN, type Harness } from './harness'

let h: Harness
beforeAll(async () => { h = await startHarness('  whitelabelHeaders: true\n') }, 180_000)
afterAll(async () => { await h?.stop() })

test('white-labelled deliveries carry webhook-* headers and verify', async () => {
	const app = await h.svix.application.create({ name: 'White' })
	const ep = await h.svix.endpoint.create(app.id, { url: `${h.receiver.url}/w` })
	const { key } = await h.svix.endpoint.getSecret(app.id, ep.id)
	const m = await h.svix.message.create(app.id, { eventType: 'a', payload: { x: [1, 2] } })
	const [d] = await arrived(h.receiver.got, (r) => r.headers['webhook-id'] === m.id)
	expect(d.headers['svix-id']).toBeUndefined()
	expect(d.headers['svix-signature']).toBeUndefined()
	expect(d.headers['webhook-signature']).toMatch(/^v1,/)
	new Webhook(key).verify(d.body, d.headers)
})

test('an answer lost on the way makes the SDK retry: still one message, one delivery', async () => {
	let dropped = 0
	const proxy = Bun.serve({
		hostname: '127.0.0.1', port: 0,
		async fetch(req) {
			const url = new URL(req.url)
			const body = req.method === 'GET' || req.method === 'HEAD' ? undefined : await req.arrayBuffer()
			const res = await fetch(`${h.child.url}${url.pathname}${url.search}`, { method: req.method, headers: req.headers, body })
			const text = await res.text()
			// the message is made, but its answer never reaches the SDK
			if (req.method === 'POST' && url.pathname.endsWith('/msg') && dropped++ === 0) return new Response('bad gateway', { status: 502 })
			return new Response(text, { status: res.status, headers: res.headers })
		},
	})
	try {
		const svix = new Svix(TOKEN, { serverUrl: `http://127.0.0.1:${proxy.port}` })
		const app = await svix.application.create({ name: 'Lossy' })
		await svix.endpoint.create(app.id, { url: `${h.receiver.url}/lossy` })
		const m = await svix.message.create(app.id, { eventType: 'a', payload: { once: true } })
		expect(dropped).toBe(2)
		expect((await svix.message.list(app.id)).data.map((x) => x.id)).toEqual([m.id])
		await arrived(h.receiver.got, (r) => r.path === '/lossy')
		await Bun.sleep(300)
		expect(h.receiver.got.filter((r) => r.path === '/lossy')).toHaveLength(1)
	} finally {
		proxy.stop(true)
	}
})

test('two requests with one idempotency key at once make one message', async () => {
	const app = await h.svix.application.create({ name: 'Together' })
	const send = () => h.svix.message.create(app.id, { eventType: 'a', payload: { t: 1 } }, { idempotencyKey: 'same-time' })
	const [a, b] = await Promise.all([send(), send()])
	expect(a.id).toBe(b.id)
	expect((await h.svix.message.list(app.id)).data).toHaveLength(1)
})
