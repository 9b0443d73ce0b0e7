import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { mkdirSync, readFileSync } from 'node:fs'
import { Webhook } from 'standardwebhooks'
import { startTestGateway } from '../support/gateway'
import { adminClient } from './support'
import { expectError, until } from './support'
import { ingest, startFixture, YAML_HEADER_VALUE, YAML_SECRET, type Fixture } from './fixture'

let f: Fixture
beforeAll(async () => { f = await startFixture() })
afterAll(() => f.stop())

const base = '/admin/v1/flows/billing/endpoints'
const url = (path: string) => `http://127.0.0.1:${f.rx.port}${path}`

async function removeApiEndpoints() {
	const list = await f.admin.get(`${base}`)
	for (const e of list.body.items) if (e.managedBy === 'api') expect((await f.admin.call('DELETE', `${base}/${e.id}`)).status).toBe(200)
}

describe('reading endpoints', () => {
	test('lists YAML endpoints with every key present and secrets redacted', async () => {
		const res = await f.admin.get(base)
		expect(res.status).toBe(200)
		const [crm, paused] = res.body.items
		expect(crm).toMatchObject({
			id: 'crm', flow: 'billing', managedBy: 'config', enabled: true, health: 'healthy', disabledReason: null,
			signing: { scheme: 'standard-webhooks', secret: `whsec_…${YAML_SECRET.slice(-4)}`, header: null, encoding: null, previous: null },
			headers: { 'X-Api-Key': `…${YAML_HEADER_VALUE.slice(-4)}` },
			events: null, body: null, timeout: null, retrySchedule: null, concurrency: null, rateLimit: null,
		})
		expect(Object.keys(crm).sort()).toEqual(['body', 'concurrency', 'createdAt', 'disabledReason', 'enabled', 'events', 'flow', 'headers', 'health', 'id', 'managedBy', 'rateLimit', 'retrySchedule', 'signing', 'timeout', 'url'])
		expect(paused).toMatchObject({ id: 'paused', enabled: false, health: 'disabled', disabledReason: 'disabled in the configuration file' })
		expect(res.text).not.toContain(YAML_SECRET)
		expect(res.text).not.toContain(YAML_HEADER_VALUE)
	})

	test('reads one endpoint; an unknown flow or endpoint is a 404', async () => {
		expect((await f.admin.get(`${base}/crm`)).body.id).toBe('crm')
		expectError(await f.admin.get(`${base}/nope`), 404, 'not_found')
		expectError(await f.admin.get('/admin/v1/flows/nope/endpoints'), 404, 'not_found')
		expectError(await f.admin.get('/admin/v1/flows/nope/endpoints/crm'), 404, 'not_found')
		expectError(await f.admin.post('/admin/v1/flows/nope/endpoints', { url: url('/x') }), 404, 'not_found')
		expectError(await f.admin.post(`${base}/nope/disable`), 404, 'not_found')
	})
})

describe('adding endpoints', () => {
	test('generates a lowercase id and a standard-webhooks secret, shown once then redacted everywhere', async () => {
		const created = await f.admin.post(base, { url: url('/added'), headers: { 'X-Token': 'tok-abcdefgh', 'X-Team': 'growth' } })
		expect(created.status).toBe(201)
		const { id, secret } = created.body
		expect(id).toMatch(/^ep_[0-9a-z]{26}$/)
		expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/)
		expect(Buffer.from(secret.slice(6), 'base64').length).toBe(32)
		expect(created.body).toMatchObject({ managedBy: 'api', enabled: true, health: 'healthy', signing: { scheme: 'standard-webhooks', secret: `whsec_…${secret.slice(-4)}` } })
		expect(created.body.headers).toEqual({ 'X-Token': '…efgh', 'X-Team': 'growth' })
		for (const path of [base, `${base}/${id}`, '/admin/v1/flows', '/admin/v1/flows/billing']) {
			const later = await f.admin.get(path)
			expect(later.status).toBe(200)
			expect(later.text).not.toContain(secret)
			expect(later.text).not.toContain('tok-abcdefgh')
		}
		expect(f.gw.logs.join('')).not.toContain(secret)
		await removeApiEndpoints()
	})

	test('generates 32 random bytes in hex for hmac-sha256', async () => {
		const created = await f.admin.post(base, { url: url('/hmac'), signing: { scheme: 'hmac-sha256', header: 'X-Sig' } })
		expect(created.status).toBe(201)
		expect(created.body.secret).toMatch(/^[0-9a-f]{64}$/)
		expect(created.body.signing).toEqual({ scheme: 'hmac-sha256', secret: `…${created.body.secret.slice(-4)}`, header: 'x-sig', encoding: 'hex', previous: null })
		await removeApiEndpoints()
	})

	test('takes the YAML keys as written and answers them back', async () => {
		const created = await f.admin.post(base, {
			id: 'full', url: url('/full/{{ event.type }}'), events: ['invoice.*'], signing: { scheme: 'none' },
			headers: { 'X-Plain': 'v', 'X-Marked': { value: 'marked-value', sensitive: true } }, body: { source: 'hookgate' },
			timeout: '2500ms', retrySchedule: ['1s', '1m'], concurrency: 2, rateLimit: 10, enabled: false,
		})
		expect(created.status).toBe(201)
		expect(created.body).toMatchObject({
			id: 'full', events: ['invoice.*'], secret: null, headers: { 'X-Plain': 'v', 'X-Marked': { value: '…alue', sensitive: true } },
			body: { source: 'hookgate' }, timeout: '2500ms', retrySchedule: ['1s', '1m'], concurrency: 2, rateLimit: 10,
			enabled: false, health: 'disabled',
		})
		expectError(await f.admin.post(base, { id: 'full', url: url('/again') }), 409, 'id_conflict')
		expectError(await f.admin.post(base, { id: 'crm', url: url('/again') }), 409, 'id_conflict')
		await removeApiEndpoints()
	})

	test('refuses a flow\'s endpoint past limits.endpointsPerFlow, counting the YAML ones', async () => {
		for (let i = 0; i < 3; i++) expect((await f.admin.post(base, { url: url(`/n${i}`) })).status).toBe(201)
		const over = await f.admin.post(base, { url: url('/n3') })
		expectError(over, 409, 'endpoint_limit')
		expect((await f.admin.get(base)).body.items).toHaveLength(5)
		await removeApiEndpoints()
	})

	test('checks the body with the configuration file\'s rules, naming the field and never the value', async () => {
		const cases: Array<[unknown, string]> = [
			[{ url: 'ftp://MARKER.example.com' }, 'url'],
			[{ url: url('/x'), sneaky: 'MARKER' }, 'sneaky'],
			[{ url: url('/x'), headers: { Host: 'MARKER' } }, 'headers.Host'],
			[{ url: url('/x'), headers: { 'X-Ok': 'a\r\nMARKER' } }, 'headers.X-Ok'],
			[{ url: url('/x'), signing: { scheme: 'standard-webhooks', secret: 'MARKER-not-whsec' } }, 'signing.secret'],
			[{ url: url('/x'), timeout: 'MARKERs' }, 'timeout'],
			[{ url: url('/x'), events: 'MARKER' }, 'events'],
			[{ url: url('/x'), id: 'Upper-MARKER' }, 'id'],
			[{ url: url('/x'), body: { type: 'MARKER' } }, 'body.type'],
			[{}, 'url'],
		]
		for (const [body, path] of cases) {
			const res = await f.admin.post(base, body)
			expect({ path, status: res.status, code: res.body.error.code, at: res.body.error.path }).toEqual({ path, status: 422, code: 'invalid_request', at: path })
			expect(res.text).not.toContain('MARKER')
		}
	})

	test('an endpoint added through the API survives a restart', async () => {
		const dir = `${f.gw.dir}/restart`
		mkdirSync(dir)
		const yaml = readFileSync(f.gw.configPath, 'utf8').replaceAll(f.gw.dir, dir)
		const gw = await startTestGateway(yaml, { dir })
		try {
			const admin = await adminClient(gw)
			const created = await admin.post(base, { id: 'durable', url: url('/durable'), signing: { scheme: 'none' } })
			expect(created.status).toBe(201)
			expect((await admin.post(`${base}/durable/disable`, { reason: 'on purpose' })).status).toBe(200)
		} finally {
			await gw.stop({ keep: true })
		}
		const again = await startTestGateway(yaml, { dir })
		try {
			const admin = await adminClient(again)
			const e = await admin.get(`${base}/durable`)
			expect(e.body).toMatchObject({ id: 'durable', managedBy: 'api', enabled: false, disabledReason: 'on purpose' })
		} finally {
			await again.stop()
		}
	})
})

describe('changing and removing endpoints', () => {
	test('PATCH merges headers by name and keeps values and secrets sent back redacted', async () => {
		const created = await f.admin.post(base, {
			id: 'patched', url: url('/patched'),
			headers: { 'X-Token': 'tok-abcdefgh', 'X-Team': 'growth', 'X-Marked': { value: 'marked-1234', sensitive: true } },
		})
		const secret = created.body.secret as string
		const shown = (await f.admin.get(`${base}/patched`)).body
		const res = await f.admin.call('PATCH', `${base}/patched`, {
			url: url('/patched-v2'),
			signing: shown.signing,
			headers: { ...shown.headers, 'x-team': null, 'X-New': 'new' },
		})
		expect(res.status).toBe(200)
		expect(res.body.secret).toBeUndefined()
		expect(res.body.headers).toEqual({ 'X-Token': '…efgh', 'X-Marked': { value: '…1234', sensitive: true }, 'X-New': 'new' })
		expect(res.body.url).toBe(url('/patched-v2'))
		// what the receiver gets proves the stored values were kept
		const sent = await f.admin.post(`${base}/patched/test`)
		expect(sent.body.status).toBe(200)
		const hit = f.rx.on('/patched-v2').at(-1)!
		expect(hit.headers['x-token']).toBe('tok-abcdefgh')
		expect(hit.headers['x-marked']).toBe('marked-1234')
		expect(hit.headers['x-team']).toBeUndefined()
		expect(() => new Webhook(secret).verify(hit.body, hit.headers)).not.toThrow()
		await removeApiEndpoints()
	})

	test('PATCH to a new scheme without a secret generates one and shows it once', async () => {
		await f.admin.post(base, { id: 'switch', url: url('/switch') })
		const res = await f.admin.call('PATCH', `${base}/switch`, { signing: { scheme: 'hmac-sha256' } })
		expect(res.status).toBe(200)
		expect(res.body.secret).toMatch(/^[0-9a-f]{64}$/)
		expect(res.body.signing).toMatchObject({ scheme: 'hmac-sha256', header: 'x-signature', encoding: 'hex' })
		expectError(await f.admin.call('PATCH', `${base}/switch`, { timeout: '0s' }), 422, 'invalid_request')
		expectError(await f.admin.call('PATCH', `${base}/switch`, { id: 'renamed' }), 422, 'invalid_request')
		expectError(await f.admin.call('PATCH', `${base}/nope`, { timeout: '1s' }), 404, 'not_found')
		await removeApiEndpoints()
	})

	test('DELETE of an API endpoint cancels its pending jobs', async () => {
		await f.admin.post(base, { id: 'doomed', url: url('/doomed'), enabled: false })
		const [event] = await ingest(f.gw, 'billing', [{ type: 'invoice.paid', data: {} }])
		const job = event.deliveries.find((d) => d.endpoint === 'doomed')!
		const res = await f.admin.call('DELETE', `${base}/doomed`)
		expect(res.status).toBe(200)
		expect(res.body).toEqual({ flow: 'billing', id: 'doomed', deleted: true, cancelledJobs: 1 })
		expect((await f.admin.get(`/admin/v1/jobs/${job.id}`)).body.status).toBe('cancelled')
		expectError(await f.admin.get(`${base}/doomed`), 404, 'not_found')
		expectError(await f.admin.call('DELETE', `${base}/doomed`), 404, 'not_found')
	})

	test('YAML endpoints cannot be changed, removed or rotated: 409 managed_by_config', async () => {
		expectError(await f.admin.call('PATCH', `${base}/crm`, { timeout: '1s' }), 409, 'managed_by_config')
		expectError(await f.admin.call('DELETE', `${base}/crm`), 409, 'managed_by_config')
		expectError(await f.admin.post(`${base}/crm/rotate-secret`), 409, 'managed_by_config')
		expect((await f.admin.get(`${base}/crm`)).body.managedBy).toBe('config')
	})
})

describe('switching endpoints', () => {
	test('disable keeps new jobs pending; enable sends them', async () => {
		const off = await f.admin.post(`${base}/crm/disable`, { reason: 'maintenance window' })
		expect(off.status).toBe(200)
		expect(off.body).toMatchObject({ enabled: false, health: 'disabled', disabledReason: 'maintenance window' })
		const [event] = await ingest(f.gw, 'billing', [{ type: 'invoice.paid', data: { n: 1 } }])
		const job = event.deliveries.find((d) => d.endpoint === 'crm')!
		await Bun.sleep(150)
		expect((await f.admin.get(`/admin/v1/jobs/${job.id}`)).body.status).toBe('pending')
		const on = await f.admin.post(`${base}/crm/enable`)
		expect(on.body).toMatchObject({ enabled: true, health: 'healthy', disabledReason: null })
		await until(async () => (await f.admin.get(`/admin/v1/jobs/${job.id}`)).body.status, (s) => s === 'succeeded')
	})

	test('disable without a reason says it was done by hand; actions take an empty body or {}', async () => {
		const empty = await f.admin.call('POST', `${base}/crm/disable`, undefined, { raw: '' })
		expect(empty.body.disabledReason).toBe('disabled through the admin API')
		expect((await f.admin.post(`${base}/crm/enable`, {})).status).toBe(200)
		expectError(await f.admin.post(`${base}/crm/disable`, { reason: '' }), 422, 'invalid_request')
		expectError(await f.admin.post(`${base}/crm/enable`, { force: true }), 422, 'invalid_request')
		expectError(await f.admin.post(`${base}/nope/enable`), 404, 'not_found')
	})

	test('an endpoint the YAML sets enabled: false cannot be enabled (409 managed_by_config), only disabled', async () => {
		expectError(await f.admin.post(`${base}/paused/enable`), 409, 'managed_by_config')
		const off = await f.admin.post(`${base}/paused/disable`, { reason: 'also by hand' })
		expect(off.status).toBe(200)
		expect(off.body.disabledReason).toBe('disabled in the configuration file')
	})
})
