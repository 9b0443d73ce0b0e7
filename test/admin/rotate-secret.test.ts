import { afterAll, beforeAll, expect, test } from 'bun:test'
import { Webhook } from 'standardwebhooks'
import { expectError } from './support'
import { startFixture, type Fixture } from './fixture'

let f: Fixture
beforeAll(async () => { f = await startFixture() })
afterAll(() => f.stop())

const base = '/admin/v1/flows/billing/endpoints'

test('a rotated secret signs beside the old one during the grace period, and is shown only once', async () => {
	const created = await f.admin.post(base, { id: 'rotating', url: `http://127.0.0.1:${f.rx.port}/rotating` })
	const old = created.body.secret as string
	const before = Date.now()
	const rotated = await f.admin.post(`${base}/rotating/rotate-secret`, { graceSeconds: 3600 })
	expect(rotated.status).toBe(200)
	const { secret, previousValidUntil } = rotated.body
	expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/)
	expect(secret).not.toBe(old)
	expect(Math.abs(Date.parse(previousValidUntil) - (before + 3_600_000))).toBeLessThan(5000)

	const shown = await f.admin.get(`${base}/rotating`)
	expect(shown.body.signing).toEqual({ scheme: 'standard-webhooks', secret: `whsec_…${secret.slice(-4)}`, header: null, encoding: null, previous: { secret: `whsec_…${old.slice(-4)}`, until: previousValidUntil } })
	expect(shown.text).not.toContain(secret)
	expect(shown.text).not.toContain(old)

	expect((await f.admin.post(`${base}/rotating/test`)).body.status).toBe(200)
	const hit = f.rx.on('/rotating').at(-1)!
	expect(hit.headers['webhook-signature'].split(' ')).toHaveLength(2)
	expect(() => new Webhook(secret).verify(hit.body, hit.headers)).not.toThrow()
	expect(() => new Webhook(old).verify(hit.body, hit.headers)).not.toThrow()
	expect(f.gw.logs.join('')).not.toContain(secret)
})

test('graceSeconds 0 retires the old secret at once; the default grace is a day', async () => {
	const now = await f.admin.call('POST', `${base}/rotating/rotate-secret`, undefined, { raw: '' })
	expect(now.body.previousValidUntil).not.toBeNull()
	expect(Math.abs(Date.parse(now.body.previousValidUntil) - (Date.now() + 86_400_000))).toBeLessThan(5000)
	const at = await f.admin.post(`${base}/rotating/rotate-secret`, { graceSeconds: 0 })
	expect(at.body.previousValidUntil).toBeNull()
	await f.admin.post(`${base}/rotating/test`)
	const hit = f.rx.on('/rotating').at(-1)!
	expect(hit.headers['webhook-signature'].split(' ')).toHaveLength(1)
	expect(() => new Webhook(at.body.secret).verify(hit.body, hit.headers)).not.toThrow()
})

test('rotation is refused for scheme none (409 no_secret), bad grace values (422) and unknown endpoints (404)', async () => {
	await f.admin.post(base, { id: 'unsigned', url: `http://127.0.0.1:${f.rx.port}/unsigned`, signing: { scheme: 'none' } })
	expectError(await f.admin.post(`${base}/unsigned/rotate-secret`), 409, 'no_secret')
	for (const graceSeconds of [-1, 1.5, '60', 7_776_001]) {
		const res = await f.admin.post(`${base}/rotating/rotate-secret`, { graceSeconds })
		expectError(res, 422, 'invalid_request')
		expect(res.body.error.path).toBe('graceSeconds')
	}
	expectError(await f.admin.post(`${base}/nope/rotate-secret`), 404, 'not_found')
	expectError(await f.admin.post('/admin/v1/flows/nope/endpoints/rotating/rotate-secret'), 404, 'not_found')
})
