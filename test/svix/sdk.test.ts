// The real svix 2.5.0 SDK against the compiled binary: every call of the
// slice, the fields the SDK reads, and deliveries verified with its Webhook.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { ApiException, BackgroundTaskStatus, MessageStatus, Ordering, Svix, Webhook } from 'svix'
import { ADMIN, apiError, arrived, startHarness, TOKEN, type Harness } from './harness'

let h: Harness
beforeAll(async () => { h = await startHarness() }, 180_000)
afterAll(async () => { await h?.stop() })

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/

describe('errors reach the SDK as ApiException with Svix bodies', () => {
	test('health answers 204 without a token', async () => {
		await h.svix.health.get()
		const head = await fetch(`${h.child.url}/api/v1/health`, { method: 'HEAD' })
		expect(head.status).toBe(204)
	})

	test('a wrong token is 401 authentication_failed', async () => {
		const e = await apiError(new Svix('wrong', { serverUrl: h.child.url }).application.list())
		expect(e).toBeInstanceOf(ApiException)
		expect(e.code).toBe(401)
		expect(e.body).toEqual({ code: 'authentication_failed', detail: 'Invalid token' })
	})

	test('an unknown app and an unknown path are 404 JSON', async () => {
		const e = await apiError(h.svix.application.get('nobody-here'))
		expect(e).toBeInstanceOf(ApiException)
		expect(e.code).toBe(404)
		expect(e.body.code).toBe('not_found')
		// every SDK path lands under an unknown prefix
		const lost = new Svix(TOKEN, { serverUrl: `${h.child.url}/api/v1/nowhere` })
		const u = await apiError(lost.application.list())
		expect(u).toBeInstanceOf(ApiException)
		expect(u.code).toBe(404)
		expect(u.body).toEqual({ code: 'not_found', detail: 'Entity not found' })
	})

	test('an operation not offered is 501 not_implemented', async () => {
		const e = await apiError(h.svix.authentication.appPortalAccess('any-app', {}))
		expect(e).toBeInstanceOf(ApiException)
		expect(e.code).toBe(501)
		// the SDK hands a 5xx body over as text
		expect(JSON.parse(e.body as string).code).toBe('not_implemented')
	})

	test('a bad field is 422 with loc, without the value', async () => {
		const app = await h.svix.application.create({ name: 'validation' })
		const e = await apiError(h.svix.endpoint.create(app.id, { url: 'ftp://secret-host.example/x' }))
		expect(e).toBeInstanceOf(ApiException)
		expect(e.code).toBe(422)
		expect(e.body.detail[0].loc).toEqual(['body', 'url'])
		expect(typeof e.body.detail[0].msg).toBe('string')
		expect(JSON.stringify(e.body)).not.toContain('secret-host')
		const big = await apiError(h.svix.application.list({ limit: 251 }))
		expect(big.code).toBe(422)
		expect(big.body.detail[0].loc).toEqual(['query', 'limit'])
	})

	test('a PUT that creates takes its uid or name from the path only when the body\'s pattern allows it', async () => {
		const app = await h.svix.application.create({ name: 'path-names' })
		const bad = [
			[h.svix.application.upsert('shop a', { name: 'x' }), ['path', 'app_id']],
			[h.svix.endpoint.upsert(app.id, 'ep one', { url: 'http://127.0.0.1:9/x' }), ['path', 'endpoint_id']],
			[h.svix.eventType.upsert('invoice\tpaid', { description: 'd' }), ['path', 'event_type_name']],
		] as const
		for (const [call, loc] of bad) {
			const e = await apiError(call)
			expect(e.code).toBe(422)
			expect(e.body.detail[0].loc).toEqual([...loc])
		}
		expect((await h.svix.application.list({ limit: 250 })).data.map((a) => a.uid)).not.toContain('shop a')
		expect((await h.svix.endpoint.list(app.id)).data).toEqual([])
		expect((await h.svix.eventType.list({ limit: 250 })).data.map((t) => t.name)).not.toContain('invoice\tpaid')
	})
})

describe('applications', () => {
	test('create, getOrCreate, get by id and uid, upsert, patch, list, delete', async () => {
		const a = await h.svix.application.create({ name: 'Shop A', uid: 'shop-a', metadata: { tier: 'gold' } })
		expect(a.id).toMatch(/^app_[a-z0-9]{27}$/)
		expect(a).toMatchObject({ uid: 'shop-a', name: 'Shop A', metadata: { tier: 'gold' } })
		expect(a.createdAt).toBeInstanceOf(Date)
		expect(Number.isNaN(a.createdAt.getTime())).toBe(false)
		const again = await h.svix.application.getOrCreate({ name: 'other', uid: 'shop-a' })
		expect(again.id).toBe(a.id)
		const dup = await apiError(h.svix.application.create({ name: 'x', uid: 'shop-a' }))
		expect(dup.code).toBe(409)
		expect(dup.body.code).toBe('conflict')
		expect((await h.svix.application.get('shop-a')).id).toBe(a.id)
		expect((await h.svix.application.get(a.id)).uid).toBe('shop-a')
		const up = await h.svix.application.upsert('shop-a', { name: 'Shop A2' })
		expect(up).toMatchObject({ id: a.id, name: 'Shop A2' })
		const made = await h.svix.application.upsert('shop-b', { name: 'Shop B' })
		expect(made).toMatchObject({ uid: 'shop-b', name: 'Shop B' })
		const patched = await h.svix.application.patch(a.id, { throttleRate: 20 })
		expect(patched).toMatchObject({ name: 'Shop A2', throttleRate: 20 })
		const list = await h.svix.application.list({ limit: 250 })
		expect(list.data.map((x) => x.id)).toContain(a.id)
		expect(list.done).toBe(true)
		// the admin API shows applications as flows managed by svix
		const flows = await (await fetch(`${h.child.url}/admin/v1/flows`, { headers: { authorization: `Bearer ${ADMIN}` } })).json() as { items: Array<{ id: string; managedBy: string; envelope: string }> }
		expect(flows.items.find((f) => f.id === a.id)).toMatchObject({ managedBy: 'svix', envelope: 'raw' })
		expect(flows.items.find((f) => f.id === 'shop')?.managedBy).toBe('config')
		// its endpoints change through /api/v1 only, where Svix's fields and limit hold
		const viaAdmin = await fetch(`${h.child.url}/admin/v1/flows/${a.id}/endpoints`, {
			method: 'POST', headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' }, body: JSON.stringify({ url: 'http://127.0.0.1:9/x' }),
		})
		expect(viaAdmin.status).toBe(409)
		expect(((await viaAdmin.json()) as { error: { code: string } }).error.code).toBe('managed_by_svix')
		await h.svix.application.delete(made.id)
		expect((await apiError(h.svix.application.get('shop-b'))).code).toBe(404)
	})
})

describe('endpoints and delivery', () => {
	test('endpoint calls, deliveries verified with Webhook before, during and after a rotation', async () => {
		const app = await h.svix.application.create({ name: 'Deliveries' })
		const ep = await h.svix.endpoint.create(app.id, { url: `${h.receiver.url}/main`, uid: 'main', description: 'd', metadata: { k: 'v' } })
		expect(ep.id).toMatch(/^ep_[a-z0-9]{27}$/)
		expect(ep).toMatchObject({ url: `${h.receiver.url}/main`, uid: 'main', description: 'd', disabled: false, metadata: { k: 'v' } })
		expect((await h.svix.endpoint.get(app.id, 'main')).id).toBe(ep.id)
		const taken = await apiError(h.svix.endpoint.create(app.id, { url: `${h.receiver.url}/x`, uid: 'main' }))
		expect(taken.code).toBe(409)
		const { key: first } = await h.svix.endpoint.getSecret(app.id, ep.id)
		expect(first).toMatch(/^whsec_/)

		const m1 = await h.svix.message.create(app.id, { eventType: 'order.paid', payload: { order: 1, note: 'café' } })
		expect(m1.id).toMatch(/^msg_[a-z0-9]{27}$/)
		const [d1] = await arrived(h.receiver.got, (r) => r.headers['svix-id'] === m1.id)
		expect(d1.body).toBe(JSON.stringify({ order: 1, note: 'café' }))
		expect(d1.headers['svix-timestamp']).toMatch(/^\d+$/)
		expect(d1.headers['webhook-signature']).toBeUndefined()
		new Webhook(first).verify(d1.body, d1.headers)

		await h.svix.endpoint.rotateSecret(app.id, ep.id, { gracePeriodSeconds: 2 })
		const { key: second } = await h.svix.endpoint.getSecret(app.id, ep.id)
		expect(second).not.toBe(first)
		const m2 = await h.svix.message.create(app.id, { eventType: 'order.paid', payload: { order: 2 } })
		const [d2] = await arrived(h.receiver.got, (r) => r.headers['svix-id'] === m2.id)
		expect(d2.headers['svix-signature'].split(' ')).toHaveLength(2)
		new Webhook(second).verify(d2.body, d2.headers)
		new Webhook(first).verify(d2.body, d2.headers)

		await Bun.sleep(2100)
		const m3 = await h.svix.message.create(app.id, { eventType: 'order.paid', payload: { order: 3 } })
		const [d3] = await arrived(h.receiver.got, (r) => r.headers['svix-id'] === m3.id)
		new Webhook(second).verify(d3.body, d3.headers)
		expect(() => new Webhook(first).verify(d3.body, d3.headers)).toThrow()

		const upd = await h.svix.endpoint.upsert(app.id, ep.id, { url: `${h.receiver.url}/main`, description: 'changed' })
		expect(upd.description).toBe('changed')
		const p = await h.svix.endpoint.patch(app.id, ep.id, { channels: ['eu'] })
		expect(p.channels).toEqual(['eu'])
		const list = await h.svix.endpoint.list(app.id)
		expect(list.data.map((e) => e.id)).toEqual([ep.id])

		// attempts: by endpoint, by message, one
		// tries are recorded just after the receiver answered
		let byEp = await h.svix.messageAttempt.listByEndpoint(app.id, ep.id)
		for (let i = 0; i < 80 && byEp.data.length < 3; i++) { await Bun.sleep(25); byEp = await h.svix.messageAttempt.listByEndpoint(app.id, ep.id) }
		expect(byEp.data.length).toBe(3)
		const at = byEp.data.find((a) => a.msgId === m1.id)!
		expect(at).toMatchObject({ endpointId: ep.id, responseStatusCode: 200, status: 0, triggerType: 0, url: `${h.receiver.url}/main` })
		expect(at.id).toMatch(/^atmpt_[a-z0-9]{27}$/)
		expect(at.timestamp).toBeInstanceOf(Date)
		const byMsg = await h.svix.messageAttempt.listByMsg(app.id, m2.id)
		expect(byMsg.data.map((a) => a.msgId)).toEqual([m2.id])
		const one = await h.svix.messageAttempt.get(app.id, m1.id, at.id)
		expect(one.id).toBe(at.id)

		// resend: one more try of a delivered message, the same bytes, manual
		await h.svix.messageAttempt.resend(app.id, m1.id, ep.id)
		const both = await arrived(h.receiver.got, (r) => r.headers['svix-id'] === m1.id, 2)
		expect(both[1].body).toBe(both[0].body)
		new Webhook(second).verify(both[1].body, both[1].headers)
		let tries = await h.svix.messageAttempt.listByMsg(app.id, m1.id)
		for (let i = 0; i < 80 && tries.data.length < 2; i++) { await Bun.sleep(25); tries = await h.svix.messageAttempt.listByMsg(app.id, m1.id) }
		expect(tries.data.map((a) => a.triggerType)).toEqual([1, 0])

		await h.svix.endpoint.delete(app.id, ep.id)
		expect((await apiError(h.svix.endpoint.get(app.id, ep.id))).code).toBe(404)
	}, 30_000)

	test('eventTypes, channels and disabled decide who gets a message', async () => {
		const app = await h.svix.application.create({ name: 'Fan-out' })
		await h.svix.eventType.create({ name: 'order.paid', description: 'paid' })
		const unknownType = await apiError(h.svix.endpoint.create(app.id, { url: `${h.receiver.url}/x`, eventTypes: ['never.made'] }))
		expect(unknownType.code).toBe(422)
		expect(unknownType.body.detail[0].loc).toEqual(['body', 'eventTypes'])
		const all = await h.svix.endpoint.create(app.id, { url: `${h.receiver.url}/all` })
		const paid = await h.svix.endpoint.create(app.id, { url: `${h.receiver.url}/paid`, eventTypes: ['order.paid'], channels: ['eu'] })
		const off = await h.svix.endpoint.create(app.id, { url: `${h.receiver.url}/off`, disabled: true })
		expect(off.disabled).toBe(true)
		const fourth = await apiError(h.svix.endpoint.create(app.id, { url: `${h.receiver.url}/four` }))
		expect(fourth.code).toBe(409)
		expect(fourth.body.code).toBe('endpoint_limit')
		const a = await h.svix.message.create(app.id, { eventType: 'order.paid', payload: { a: 1 }, channels: ['eu'] })
		const b = await h.svix.message.create(app.id, { eventType: 'order.paid', payload: { b: 1 } })
		const c = await h.svix.message.create(app.id, { eventType: 'order.new', payload: { c: 1 }, channels: ['eu'] })
		await arrived(h.receiver.got, (r) => r.path === '/all' && [a.id, b.id, c.id].includes(r.headers['svix-id']), 3)
		await arrived(h.receiver.got, (r) => r.path === '/paid' && r.headers['svix-id'] === a.id)
		await Bun.sleep(300)
		expect(h.receiver.got.filter((r) => r.path === '/paid').map((r) => r.headers['svix-id'])).toEqual([a.id])
		expect(h.receiver.got.filter((r) => r.path === '/off')).toEqual([])
		let allTries = await h.svix.messageAttempt.listByEndpoint(app.id, all.id)
		for (let i = 0; i < 80 && allTries.data.length < 3; i++) { await Bun.sleep(25); allTries = await h.svix.messageAttempt.listByEndpoint(app.id, all.id) }
		expect(allTries.data).toHaveLength(3)
		expect((await h.svix.messageAttempt.listByEndpoint(app.id, paid.id)).data).toHaveLength(1)
		// where each message went, and how its job stands
		const dest = await h.svix.messageAttempt.listAttemptedDestinations(app.id, a.id)
		expect(dest.data.map((d) => d.id).sort()).toEqual([all.id, paid.id].sort())
		expect(dest.data.every((d) => d.status === 0 && d.statusText === 'success')).toBe(true)
		expect(dest.data.find((d) => d.id === paid.id)?.url).toBe(`${h.receiver.url}/paid`)
		expect((await h.svix.messageAttempt.listAttemptedDestinations(app.id, b.id)).data.map((d) => d.id)).toEqual([all.id])
	}, 20_000)
})

describe('messages', () => {
	test('get by id and eventId; a repeated eventId is 409; with_content=false gives payload {}', async () => {
		const app = await h.svix.application.create({ name: 'Messages' })
		const m = await h.svix.message.create(app.id, { eventType: 'user.signup', eventId: 'evt-1', payload: { u: 1 }, tags: ['t1'] })
		expect(m).toMatchObject({ eventId: 'evt-1', eventType: 'user.signup', tags: ['t1'] })
		expect(m.timestamp).toBeInstanceOf(Date)
		const got = await h.svix.message.get(app.id, 'evt-1')
		expect(got.id).toBe(m.id)
		expect(got.payload).toEqual({})
		const full = await (await fetch(`${h.child.url}/api/v1/app/${app.id}/msg/${m.id}`, { headers: { authorization: `Bearer ${TOKEN}` } })).json() as { payload: unknown }
		expect(full.payload).toEqual({ u: 1 })
		const dup = await apiError(h.svix.message.create(app.id, { eventType: 'user.signup', eventId: 'evt-1', payload: { u: 2 } }))
		expect(dup).toBeInstanceOf(ApiException)
		expect(dup.code).toBe(409)
		expect(dup.body.code).toBe('conflict')
	})

	test('the same idempotency key twice makes one message', async () => {
		const app = await h.svix.application.create({ name: 'Idempotent' })
		const one = await h.svix.message.create(app.id, { eventType: 'x', payload: { n: 1 } }, { idempotencyKey: 'k-1' })
		const two = await h.svix.message.create(app.id, { eventType: 'x', payload: { n: 1 } }, { idempotencyKey: 'k-1' })
		expect(two.id).toBe(one.id)
		expect((await h.svix.message.list(app.id)).data.map((m) => m.id)).toEqual([one.id])
		const other = await h.svix.message.create(app.id, { eventType: 'x', payload: { n: 1 } }, { idempotencyKey: 'k-2' })
		expect(other.id).not.toBe(one.id)
	})

	test('150 messages paged by 50 forward, then back with prevIterator: each id once', async () => {
		const app = await h.svix.application.create({ name: 'Paging' })
		const sent: string[] = []
		for (let i = 0; i < 150; i += 10) {
			const batch = await Promise.all(Array.from({ length: 10 }, (_, j) => h.svix.message.create(app.id, { eventType: 'p', payload: { i: i + j } })))
			sent.push(...batch.map((m) => m.id))
		}
		const pages: string[][] = []
		let iterator: string | null = null
		let prev: string | null = null
		for (;;) {
			const page = await h.svix.message.list(app.id, { limit: 50, iterator })
			pages.push(page.data.map((m) => m.id))
			if (pages.length === 1) expect(page.prevIterator).toBe(`-${page.data[0].id}`)
			prev = page.prevIterator ?? null
			iterator = page.iterator
			if (page.done) break
		}
		expect(pages.map((p) => p.length)).toEqual([50, 50, 50])
		const forward = pages.flat()
		expect(new Set(forward).size).toBe(150)
		expect([...forward].sort()).toEqual([...sent].sort())
		// newest first
		expect(forward).toEqual([...forward].sort().reverse())
		const back1 = await h.svix.message.list(app.id, { limit: 50, iterator: prev })
		expect(back1.data.map((m) => m.id)).toEqual(pages[1])
		expect(back1.done).toBe(false)
		const back2 = await h.svix.message.list(app.id, { limit: 50, iterator: back1.prevIterator })
		expect(back2.data.map((m) => m.id)).toEqual(pages[0])
		expect(back2.done).toBe(true)
	}, 60_000)
})

describe('endpoint headers and stats', () => {
	test('headers: set, patch, read with sensitive ones named only; they go out with deliveries; Svix names are refused', async () => {
		const app = await h.svix.application.create({ name: 'Headers' })
		const ep = await h.svix.endpoint.create(app.id, { url: `${h.receiver.url}/hdr`, headers: { 'X-Tenant': 'acme' } })
		await h.svix.endpoint.setHeaders(app.id, ep.id, { headers: { 'X-Tenant': 'acme', Authorization: 'Bearer hidden-value', 'X-Old': '1' } })
		await h.svix.endpoint.patchHeaders(app.id, ep.id, { headers: { 'X-Extra': 'e', 'X-Tenant': null } as unknown as Record<string, string>, deleteHeaders: ['X-Old'] })
		const got = await h.svix.endpoint.getHeaders(app.id, ep.id)
		expect(got).toEqual({ headers: { 'X-Extra': 'e' }, sensitive: ['Authorization'] })
		const refused = await apiError(h.svix.endpoint.setHeaders(app.id, ep.id, { headers: { 'svix-foo': 'x' } }))
		expect(refused.code).toBe(422)
		expect(refused.body.detail[0].loc).toEqual(['body', 'headers'])
		const m = await h.svix.message.create(app.id, { eventType: 'h', payload: {} })
		const [d] = await arrived(h.receiver.got, (r) => r.headers['svix-id'] === m.id)
		expect(d.headers['x-extra']).toBe('e')
		expect(d.headers.authorization).toBe('Bearer hidden-value')
		expect(d.headers['x-tenant']).toBeUndefined()
		// the try is recorded just after the receiver answered
		let stats = await h.svix.endpoint.getStats(app.id, ep.id)
		for (let i = 0; i < 80 && stats.success === 0; i++) { await Bun.sleep(25); stats = await h.svix.endpoint.getStats(app.id, ep.id) }
		expect(stats).toEqual({ success: 1, pending: 0, sending: 0, fail: 0, canceled: 0 })
	}, 20_000)

	test('stats count only the jobs created inside since/until; a window beyond 28 days or in the future is refused', async () => {
		const app = await h.svix.application.create({ name: 'Stats window' })
		const ep = await h.svix.endpoint.create(app.id, { url: `${h.receiver.url}/stats-window` })
		const delivered = async (n: number, opts?: { since?: Date; until?: Date }) => {
			let s = await h.svix.endpoint.getStats(app.id, ep.id, opts)
			for (let i = 0; i < 80 && s.success < n; i++) { await Bun.sleep(25); s = await h.svix.endpoint.getStats(app.id, ep.id, opts) }
			return s
		}
		const first = await h.svix.message.create(app.id, { eventType: 'w', payload: { n: 1 } })
		await arrived(h.receiver.got, (r) => r.headers['svix-id'] === first.id)
		expect(await delivered(1)).toEqual({ success: 1, pending: 0, sending: 0, fail: 0, canceled: 0 })
		await Bun.sleep(30)
		const between = new Date()
		await Bun.sleep(30)
		const second = await h.svix.message.create(app.id, { eventType: 'w', payload: { n: 2 } })
		await arrived(h.receiver.got, (r) => r.headers['svix-id'] === second.id)
		expect(await delivered(2)).toEqual({ success: 2, pending: 0, sending: 0, fail: 0, canceled: 0 })
		expect(await h.svix.endpoint.getStats(app.id, ep.id, { until: between })).toEqual({ success: 1, pending: 0, sending: 0, fail: 0, canceled: 0 })
		expect(await h.svix.endpoint.getStats(app.id, ep.id, { since: between })).toEqual({ success: 1, pending: 0, sending: 0, fail: 0, canceled: 0 })
		// a window that ended before the first message counts nothing
		expect(await h.svix.endpoint.getStats(app.id, ep.id, { since: new Date(first.timestamp.getTime() - 3_600_000), until: new Date(first.timestamp.getTime() - 60_000) }))
			.toEqual({ success: 0, pending: 0, sending: 0, fail: 0, canceled: 0 })
		const wide = await apiError(h.svix.endpoint.getStats(app.id, ep.id, { since: new Date(Date.now() - 29 * 86400_000) }))
		expect(wide.code).toBe(400)
		expect(wide.body.code).toBe('invalid_range')
		const future = await apiError(h.svix.endpoint.getStats(app.id, ep.id, { until: new Date(Date.now() + 3_600_000) }))
		expect(future.code).toBe(400)
		expect(future.body.code).toBe('invalid_range')
	}, 20_000)
})

describe('application throttleRate', () => {
	test('limits the endpoints without a throttleRate of their own; the endpoint still reads as having none', async () => {
		const times: number[] = []
		const server = Bun.serve({ hostname: '127.0.0.1', port: 0, fetch() { times.push(Date.now()); return new Response('ok') } })
		try {
			const app = await h.svix.application.create({ name: 'Throttled', throttleRate: 2 })
			const ep = await h.svix.endpoint.create(app.id, { url: `http://127.0.0.1:${server.port}/t` })
			const own = await h.svix.endpoint.create(app.id, { url: 'http://127.0.0.1:9/own', throttleRate: 7, disabled: true })
			expect((await h.svix.endpoint.get(app.id, ep.id)).throttleRate ?? null).toBeNull()
			expect((await h.svix.endpoint.get(app.id, own.id)).throttleRate).toBe(7)
			const viaAdmin = await (await fetch(`${h.child.url}/admin/v1/flows/${app.id}/endpoints`, { headers: { authorization: `Bearer ${ADMIN}` } })).json() as { items: Array<{ id: string; rateLimit: number | null }> }
			expect(viaAdmin.items.find((e) => e.id === ep.id)?.rateLimit).toBe(2)
			expect(viaAdmin.items.find((e) => e.id === own.id)?.rateLimit).toBe(7)
			for (let i = 0; i < 5; i++) await h.svix.message.create(app.id, { eventType: 't', payload: { i } })
			for (let i = 0; i < 200 && times.length < 5; i++) await Bun.sleep(25)
			expect(times.length).toBe(5)
			// 2 a second: five deliveries cannot all go out within one second
			expect(times[4] - times[0]).toBeGreaterThanOrEqual(900)
			// a patch leaving throttleRate alone keeps the endpoint without one of its own
			await h.svix.endpoint.patch(app.id, ep.id, { description: 'still inherits' })
			expect((await h.svix.endpoint.get(app.id, ep.id)).throttleRate ?? null).toBeNull()
		} finally {
			server.stop(true)
		}
	}, 20_000)
})

describe('event types', () => {
	test('create, 409 on a repeat, get, upsert, patch, list, archive and expunge', async () => {
		const t = await h.svix.eventType.create({ name: 'invoice.sent', description: 'sent', schemas: { 1: { examples: [{ a: 1 }] } } })
		expect(t).toMatchObject({ name: 'invoice.sent', description: 'sent', archived: false, deprecated: false })
		expect(t.createdAt).toBeInstanceOf(Date)
		const dup = await apiError(h.svix.eventType.create({ name: 'invoice.sent', description: 'again' }))
		expect(dup).toBeInstanceOf(ApiException)
		expect(dup.code).toBe(409)
		expect(dup.body.code).toBe('event_type_exists')
		expect((await h.svix.eventType.get('invoice.sent')).schemas).toEqual({ 1: { examples: [{ a: 1 }] } })
		expect((await h.svix.eventType.upsert('invoice.paid', { description: 'paid' })).name).toBe('invoice.paid')
		expect((await h.svix.eventType.patch('invoice.paid', { deprecated: true })).deprecated).toBe(true)
		const list = await h.svix.eventType.list({ limit: 250 })
		expect(list.data.map((x) => x.name)).toEqual(expect.arrayContaining(['invoice.paid', 'invoice.sent']))
		expect(list.data.every((x) => x.schemas === undefined)).toBe(true)
		await h.svix.eventType.delete('invoice.paid')
		expect((await h.svix.eventType.list({ limit: 250 })).data.map((x) => x.name)).not.toContain('invoice.paid')
		expect((await h.svix.eventType.list({ limit: 250, includeArchived: true })).data.find((x) => x.name === 'invoice.paid')?.archived).toBe(true)
		// an archived type comes back through create
		expect((await h.svix.eventType.create({ name: 'invoice.paid', description: 'back' })).archived).toBe(false)
		await h.svix.eventType.delete('invoice.paid', { expunge: true })
		expect((await apiError(h.svix.eventType.get('invoice.paid'))).code).toBe(404)
	})
})

describe('send-example, deliverAt, application on message create', () => {
	test('send-example delivers svix.ping and a type\'s example to that endpoint only', async () => {
		const app = await h.svix.application.create({ name: 'Examples' })
		const ep = await h.svix.endpoint.create(app.id, { url: `${h.receiver.url}/example` })
		await h.svix.endpoint.create(app.id, { url: `${h.receiver.url}/bystander` })
		const ping = await h.svix.endpoint.sendExample(app.id, ep.id, { eventType: 'svix.ping' })
		expect(ping.eventType).toBe('svix.ping')
		const [p] = await arrived(h.receiver.got, (r) => r.headers['svix-id'] === ping.id)
		expect(JSON.parse(p.body)).toEqual({ success: true })
		await h.svix.eventType.create({ name: 'example.typed', description: 't', schemas: { 1: { type: 'object', examples: [{ first: 1 }, { second: 2 }] } } })
		const typed = await h.svix.endpoint.sendExample(app.id, ep.id, { eventType: 'example.typed', exampleIndex: 1 })
		const [t] = await arrived(h.receiver.got, (r) => r.headers['svix-id'] === typed.id)
		expect(JSON.parse(t.body)).toEqual({ second: 2 })
		const none = await apiError(h.svix.endpoint.sendExample(app.id, ep.id, { eventType: 'example.typed', exampleIndex: 5 }))
		expect(none.code).toBe(400)
		expect(none.body.code).toBe('invalid_scheme')
		expect(h.receiver.got.filter((r) => r.path === '/bystander')).toEqual([])
	})

	test('deliverAt holds the first try; too soon is 422', async () => {
		const app = await h.svix.application.create({ name: 'Later' })
		await h.svix.endpoint.create(app.id, { url: `${h.receiver.url}/later` })
		const at = new Date(Date.now() + 10 * 60_000)
		const m = await h.svix.message.create(app.id, { eventType: 'later', payload: { l: 1 }, deliverAt: at })
		expect(m.deliverAt?.toISOString()).toBe(at.toISOString())
		const soon = await apiError(h.svix.message.create(app.id, { eventType: 'later', payload: {}, deliverAt: new Date(Date.now() + 1000) }))
		expect(soon.code).toBe(422)
		expect(soon.body.detail[0].loc).toEqual(['body', 'deliverAt'])
		await Bun.sleep(300)
		expect(h.receiver.got.filter((r) => r.path === '/later')).toEqual([])
	})

	test('a message to an unknown uid with application creates the app; a different uid is 422', async () => {
		const m = await h.svix.message.create('auto-made', { eventType: 'a', payload: {}, application: { name: 'Auto', uid: 'auto-made' } })
		expect(m.id).toMatch(/^msg_/)
		expect((await h.svix.application.get('auto-made')).name).toBe('Auto')
		const bad = await apiError(h.svix.message.create('auto-two', { eventType: 'a', payload: {}, application: { name: 'X', uid: 'other' } }))
		expect(bad.code).toBe(422)
		expect((await apiError(h.svix.message.create('auto-three', { eventType: 'a', payload: {} }))).code).toBe(404)
	})
})

describe('resend', () => {
	test('a manual attempt is one try, never retried, also for an endpoint that had no job; the same idempotency key resends once', async () => {
		const hits: string[] = []
		const server = Bun.serve({ hostname: '127.0.0.1', port: 0, fetch(req) { hits.push(new URL(req.url).pathname); return new Response('no', { status: 500 }) } })
		try {
			const app = await h.svix.application.create({ name: 'Resend once' })
			const ep = await h.svix.endpoint.create(app.id, { url: `http://127.0.0.1:${server.port}/a` })
			const m = await h.svix.message.create(app.id, { eventType: 'r', payload: { n: 1 } })
			// the schedule ([1s]) runs out: two scheduled tries, then failed
			const count = (path: string) => hits.filter((p) => p === path).length
			const settled = async (want: number) => {
				let t = await h.svix.messageAttempt.listByMsg(app.id, m.id, { endpointId: ep.id })
				for (let i = 0; i < 200 && t.data.length < want; i++) { await Bun.sleep(25); t = await h.svix.messageAttempt.listByMsg(app.id, m.id, { endpointId: ep.id }) }
				return t.data
			}
			expect((await settled(2)).map((a) => a.triggerType)).toEqual([0, 0])
			await h.svix.messageAttempt.resend(app.id, m.id, ep.id, { idempotencyKey: 'resend-1' })
			await h.svix.messageAttempt.resend(app.id, m.id, ep.id, { idempotencyKey: 'resend-1' })
			const after = await settled(3)
			expect(after.map((a) => [a.triggerType, a.status])).toEqual([[1, 2], [0, 2], [0, 2]])
			// an endpoint made after the message had no job: resend makes one, with one try
			const late = await h.svix.endpoint.create(app.id, { url: `http://127.0.0.1:${server.port}/late` })
			await h.svix.messageAttempt.resend(app.id, m.id, late.id)
			for (let i = 0; i < 200 && count('/late') < 1; i++) await Bun.sleep(25)
			// longer than the 1 s retry: no scheduled try follows a failed manual one
			await Bun.sleep(2000)
			expect(count('/a')).toBe(3)
			expect(count('/late')).toBe(1)
			const lateTries = await h.svix.messageAttempt.listByMsg(app.id, m.id, { endpointId: late.id })
			expect(lateTries.data.map((a) => [a.triggerType, a.status])).toEqual([[1, 2]])
			const dest = await h.svix.messageAttempt.listAttemptedDestinations(app.id, m.id)
			expect(dest.data.map((d) => [d.id, d.status]).sort()).toEqual([[ep.id, 2], [late.id, 2]].sort())
		} finally {
			server.stop(true)
		}
	}, 20_000)
})

describe('attempted messages', () => {
	test('an endpoint lists the messages it was sent, newest first, paged, with its job status and filters', async () => {
		const server = Bun.serve({ hostname: '127.0.0.1', port: 0, fetch() { return new Response('no', { status: 500 }) } })
		try {
			const app = await h.svix.application.create({ name: 'Attempted' })
			await h.svix.eventType.create({ name: 'only.failing', description: 'to the failing endpoint' })
			const ok = await h.svix.endpoint.create(app.id, { url: `${h.receiver.url}/attempted` })
			const bad = await h.svix.endpoint.create(app.id, { url: `http://127.0.0.1:${server.port}/bad`, eventTypes: ['only.failing'] })
			const m1 = await h.svix.message.create(app.id, { eventType: 'plain', payload: { n: 1 } })
			const m2 = await h.svix.message.create(app.id, { eventType: 'plain', payload: { n: 2 } })
			const m3 = await h.svix.message.create(app.id, { eventType: 'only.failing', payload: { n: 3 } })
			let okList = await h.svix.messageAttempt.listAttemptedMessages(app.id, ok.id, { status: MessageStatus.Success })
			for (let i = 0; i < 200 && okList.data.length < 3; i++) { await Bun.sleep(25); okList = await h.svix.messageAttempt.listAttemptedMessages(app.id, ok.id, { status: MessageStatus.Success }) }
			expect(okList.data.map((m) => [m.id, m.status, m.statusText])).toEqual([[m3.id, 0, 'success'], [m2.id, 0, 'success'], [m1.id, 0, 'success']])
			expect(okList.data[0].payload).toEqual({})
			const first = await h.svix.messageAttempt.listAttemptedMessages(app.id, ok.id, { limit: 2, withContent: true })
			expect(first.data.map((m) => m.id)).toEqual([m3.id, m2.id])
			expect(first.data[1].payload).toEqual({ n: 2 })
			expect(first.done).toBe(false)
			const second = await h.svix.messageAttempt.listAttemptedMessages(app.id, ok.id, { limit: 2, iterator: first.iterator })
			expect(second.data.map((m) => m.id)).toEqual([m1.id])
			expect(second.done).toBe(true)
			expect((await h.svix.messageAttempt.listAttemptedMessages(app.id, ok.id, { status: MessageStatus.Fail })).data).toEqual([])
			// the failing endpoint got only its type; after the one retry ([1s]) it is failed
			let badList = await h.svix.messageAttempt.listAttemptedMessages(app.id, bad.id, { status: MessageStatus.Fail })
			for (let i = 0; i < 200 && badList.data.length < 1; i++) { await Bun.sleep(25); badList = await h.svix.messageAttempt.listAttemptedMessages(app.id, bad.id, { status: MessageStatus.Fail }) }
			expect(badList.data.map((m) => [m.id, m.status, m.statusText])).toEqual([[m3.id, 2, 'fail']])
			expect((await h.svix.messageAttempt.listAttemptedMessages(app.id, bad.id)).data.map((m) => m.id)).toEqual([m3.id])
		} finally {
			server.stop(true)
		}
	}, 20_000)
})

describe('recover', () => {
	test('a receiver fails until the schedule runs out, then heals: recover sends each failed message once', async () => {
		let healthy = false
		const got: Array<{ id: string; ok: boolean }> = []
		const flaky = Bun.serve({
			hostname: '127.0.0.1', port: 0,
			fetch(req) {
				got.push({ id: req.headers.get('svix-id')!, ok: healthy })
				return new Response(healthy ? 'ok' : 'down', { status: healthy ? 200 : 500 })
			},
		})
		try {
			const app = await h.svix.application.create({ name: 'Recover' })
			const ep = await h.svix.endpoint.create(app.id, { url: `http://127.0.0.1:${flaky.port}/` })
			const since = new Date(Date.now() - 60_000)
			const m1 = await h.svix.message.create(app.id, { eventType: 'r', payload: { n: 1 } })
			const m2 = await h.svix.message.create(app.id, { eventType: 'r', payload: { n: 2 } })
			// the schedule is one retry after 1s: two tries each, then failed
			let stats = await h.svix.endpoint.getStats(app.id, ep.id)
			for (let i = 0; i < 200 && stats.fail < 2; i++) { await Bun.sleep(25); stats = await h.svix.endpoint.getStats(app.id, ep.id) }
			expect(stats).toMatchObject({ fail: 2, success: 0 })
			expect(got.filter((g) => !g.ok)).toHaveLength(4)
			healthy = true
			const out = await h.svix.endpoint.recover(app.id, ep.id, { since })
			expect(out.id).toMatch(/^qtask_[a-z0-9]{27}$/)
			expect(out.status as string).toBe('running')
			expect(out.task as string).toBe('endpoint.recover')
			for (let i = 0; i < 200 && got.filter((g) => g.ok).length < 2; i++) await Bun.sleep(25)
			await Bun.sleep(200)
			expect(got.filter((g) => g.ok).map((g) => g.id).sort()).toEqual([m1.id, m2.id].sort())
			const task = await h.svix.backgroundTask.get(out.id)
			expect(task).toMatchObject({ id: out.id, status: 'finished', task: 'endpoint.recover', data: { messagesSent: 2 } })
			const far = await apiError(h.svix.endpoint.recover(app.id, ep.id, { since: new Date(Date.now() - 20 * 86400_000) }))
			expect(far.code).toBe(422)
			expect(far.body.detail[0].loc).toEqual(['body', 'since'])
		} finally {
			flaky.stop(true)
		}
	}, 20_000)
})

describe('background tasks', () => {
	test('listed newest first by 2s, back with prevIterator, ascending on request, narrowed by status', async () => {
		const app = await h.svix.application.create({ name: 'Tasks' })
		const ep = await h.svix.endpoint.create(app.id, { url: `${h.receiver.url}/tasks` })
		const mine: string[] = []
		for (let i = 0; i < 3; i++) mine.push((await h.svix.endpoint.recover(app.id, ep.id, { since: new Date(Date.now() - 3_600_000) })).id)
		for (const id of mine) {
			for (let i = 0; i < 80 && (await h.svix.backgroundTask.get(id)).status !== 'finished'; i++) await Bun.sleep(25)
		}
		const pages: string[][] = []
		let it: string | null | undefined = undefined
		for (let i = 0; i < 50; i++) {
			const p = await h.svix.backgroundTask.list({ limit: 2, iterator: it })
			pages.push(p.data.map((t) => t.id))
			if (p.done) break
			it = p.iterator
		}
		const all = pages.flat()
		expect(new Set(all).size).toBe(all.length)
		expect(all.filter((id) => mine.includes(id))).toEqual([...mine].reverse())
		expect(pages.every((p) => p.length <= 2)).toBe(true)
		// the first page, then back from the second
		const first = await h.svix.backgroundTask.list({ limit: 2 })
		const second = await h.svix.backgroundTask.list({ limit: 2, iterator: first.iterator })
		const back = await h.svix.backgroundTask.list({ limit: 2, iterator: second.prevIterator })
		expect(back.data.map((t) => t.id)).toEqual(first.data.map((t) => t.id))
		const asc = await h.svix.backgroundTask.list({ limit: 250, order: Ordering.Ascending })
		expect(asc.data.map((t) => t.id).filter((id) => mine.includes(id))).toEqual(mine)
		const finished = await h.svix.backgroundTask.list({ limit: 250, status: BackgroundTaskStatus.Finished })
		expect(finished.data.filter((t) => mine.includes(t.id)).map((t) => `${t.status} ${t.task}`)).toEqual(mine.map(() => 'finished endpoint.recover'))
		const running = await h.svix.backgroundTask.list({ limit: 250, status: BackgroundTaskStatus.Running })
		expect(running.data.filter((t) => mine.includes(t.id))).toEqual([])
	}, 20_000)
})

describe('list filters', () => {
	test('messages by channel, tag, type and time; attempts by status, class, channel and with the message', async () => {
		const app = await h.svix.application.create({ name: 'Filters' })
		await h.svix.endpoint.create(app.id, { url: `${h.receiver.url}/filters` })
		const a = await h.svix.message.create(app.id, { eventType: 'f.one', payload: {}, channels: ['eu'], tags: ['x'] })
		// `before` is strict: a message made in the same millisecond as `mid` is not before it
		await Bun.sleep(5)
		const mid = new Date()
		await Bun.sleep(5)
		const b = await h.svix.message.create(app.id, { eventType: 'f.two', payload: {} })
		const ids = async (o: object) => (await h.svix.message.list(app.id, o)).data.map((m) => m.id)
		expect(await ids({ channel: 'eu' })).toEqual([a.id])
		expect(await ids({ tag: 'x' })).toEqual([a.id])
		expect(await ids({ eventTypes: ['f.two'] })).toEqual([b.id])
		expect(await ids({ after: mid })).toEqual([b.id])
		expect(await ids({ before: mid })).toEqual([a.id])
		const ep = (await h.svix.endpoint.list(app.id)).data[0]
		let all = await h.svix.messageAttempt.listByEndpoint(app.id, ep.id, { withMsg: true })
		for (let i = 0; i < 80 && all.data.length < 2; i++) { await Bun.sleep(25); all = await h.svix.messageAttempt.listByEndpoint(app.id, ep.id, { withMsg: true }) }
		expect(all.data.map((t) => t.msg?.eventType).sort()).toEqual(['f.one', 'f.two'])
		expect((await h.svix.messageAttempt.listByEndpoint(app.id, ep.id, { status: 0 })).data).toHaveLength(2)
		expect((await h.svix.messageAttempt.listByEndpoint(app.id, ep.id, { status: 2 })).data).toHaveLength(0)
		expect((await h.svix.messageAttempt.listByEndpoint(app.id, ep.id, { statusCodeClass: 200 })).data).toHaveLength(2)
		expect((await h.svix.messageAttempt.listByEndpoint(app.id, ep.id, { statusCodeClass: 500 })).data).toHaveLength(0)
		expect((await h.svix.messageAttempt.listByEndpoint(app.id, ep.id, { channel: 'eu' })).data.map((t) => t.msgId)).toEqual([a.id])
		expect((await h.svix.messageAttempt.listByMsg(app.id, b.id, { endpointId: ep.id })).data.map((t) => t.msgId)).toEqual([b.id])
	})
})
