import { afterAll, beforeAll, expect, test } from 'bun:test'
import { Webhook } from 'standardwebhooks'
import { expectError } from './support'
import { startFixture, YAML_HEADER_VALUE, YAML_SECRET, type Fixture } from './fixture'

let f: Fixture
beforeAll(async () => {
	f = await startFixture({ settings: 'limits:\n  endpointsPerFlow: 10', answer: (req) => new URL(req.url).pathname === '/teapot' ? new Response('teapot', { status: 418, headers: { 'x-why': 'short and stout' } }) : new Response('ok') })
})
afterAll(() => f.stop())

const base = '/admin/v1/flows/billing/endpoints'
const add = (id: string, path: string, more: Record<string, unknown> = {}, flow = 'billing') =>
	f.admin.post(`/admin/v1/flows/${flow}/endpoints`, { id, url: path.startsWith('http') ? path : `http://127.0.0.1:${f.rx.port}${path}`, ...more })

test('sends a sample of the flow\'s envelope, signed like a delivery, and answers what came back', async () => {
	const res = await f.admin.post(`${base}/crm/test`)
	expect(res.status).toBe(200)
	// (bun's toMatchObject writes asymmetric matchers into the object it checks: compare plainly)
	expect({ status: res.body.status, body: res.body.body }).toEqual({ status: 200, body: 'ok' })
	expect(res.body.jobId).toMatch(/^job_/)
	expect(res.body.eventId).toMatch(/^evt_/)
	expect(res.body.error).toBeUndefined()
	expect(res.body.headers['content-type']).toContain('text/plain')
	const hit = f.rx.hits.find((h) => h.headers['webhook-id'] === res.body.eventId)!
	expect(hit.path).toBe('/crm')
	const sent = JSON.parse(hit.body)
	expect(sent).toEqual({ type: 'invoice.paid', timestamp: sent.timestamp, data: {} })
	expect(sent.timestamp).toMatch(/^\d{4}-\d\d-\d\dT/)
	expect(hit.headers['x-api-key']).toBe(YAML_HEADER_VALUE)
	expect(() => new Webhook(YAML_SECRET).verify(hit.body, hit.headers)).not.toThrow()
})

test('answers 200 with the receiver\'s refusal, recorded as a failed test job that is never retried', async () => {
	await add('teapot', '/teapot')
	const res = await f.admin.post(`${base}/teapot/test`, {})
	expect(res.status).toBe(200)
	expect(res.body).toMatchObject({ status: 418, body: 'teapot', headers: { 'x-why': 'short and stout' }, error: { class: 'http_status' } })
	await Bun.sleep(200)
	const job = await f.admin.get(`/admin/v1/jobs/${res.body.jobId}`)
	expect(job.body).toMatchObject({ test: true, status: 'failed', attemptCount: 1, maxAttempts: 1, lastStatus: 418, endpoint: 'teapot', eventId: res.body.eventId })
	expect(job.body.attempts).toHaveLength(1)
	expect(f.rx.on('/teapot')).toHaveLength(1)
	// a test send says nothing about the endpoint's health
	expect((await f.admin.get(`${base}/teapot`)).body.health).toBe('healthy')
})

test('goes through the egress guard of real deliveries', async () => {
	await add('private', 'http://10.255.255.1/hook', { signing: { scheme: 'none' } })
	const res = await f.admin.post(`${base}/private/test`)
	expect(res.status).toBe(200)
	expect(res.body).toMatchObject({ status: null, body: '', error: { class: 'blocked' } })
	expect(res.body.error.message).toContain('10.255.255.1')
})

test('a test job is shown in job lists but left out of stats, and the dispatcher never claims it', async () => {
	await add('counted', '/counted')
	const first = await f.admin.post(`${base}/counted/test`)
	const second = await f.admin.post(`${base}/counted/test`)
	await Bun.sleep(200)
	expect(f.rx.on('/counted')).toHaveLength(2)
	const jobs = await f.admin.get('/admin/v1/jobs?flow=billing&endpoint=counted')
	expect(jobs.body.items.map((j: { id: string }) => j.id)).toEqual([second.body.jobId, first.body.jobId])
	expect(jobs.body.items.every((j: { test: boolean; status: string }) => j.test && j.status === 'succeeded')).toBe(true)
	const stats = await f.admin.get('/admin/v1/stats?flow=billing')
	const item = stats.body.items.find((i: { endpoint: string }) => i.endpoint === 'counted')
	expect(item.counts).toEqual({ pending: 0, delivering: 0, succeeded: 0, failed: 0, cancelled: 0 })
	expect(item.latencyMs).toEqual({ p50: null, p95: null, p99: null })
	expect(item.series.every((s: { succeeded: number; failed: number }) => s.succeeded === 0 && s.failed === 0)).toBe(true)
	// flow counts match the job lists, which show test jobs
	const flow = await f.admin.get('/admin/v1/flows/billing')
	expect(flow.body.jobs.succeeded).toBeGreaterThanOrEqual(2)
})

test('takes {type, data, sessionId}, applies the flow\'s rules and not the endpoint\'s filter', async () => {
	await add('filtered', '/filtered', { events: ['never.*'] })
	const session = await f.gw.post('/v1/flows/billing/sessions', { id: 'ses-test', metadata: { tier: 'gold' } })
	expect(session.status).toBe(201)
	const res = await f.admin.post(`${base}/filtered/test`, { type: 'invoice.failed', data: { amount: 3 }, sessionId: 'ses-test' })
	expect(res.body.status).toBe(200)
	expect(JSON.parse(f.rx.on('/filtered').at(-1)!.body)).toMatchObject({ type: 'invoice.failed', data: { amount: 3 } })
	const job = await f.admin.get(`/admin/v1/jobs/${res.body.jobId}`)
	expect(job.body.event).toMatchObject({ id: res.body.eventId, type: 'invoice.failed', sessionId: 'ses-test', metadata: { tier: 'gold' } })

	expectError(await f.admin.post(`${base}/filtered/test`, { type: 'not.declared' }), 422, 'unknown_event_type')
	expectError(await f.admin.post(`${base}/filtered/test`, { sessionId: 'ses-missing' }), 422, 'unknown_session')
	expectError(await f.admin.post(`${base}/filtered/test`, { sessionId: 'bad id!' }), 422, 'invalid_request')
	expectError(await f.admin.post(`${base}/filtered/test`, { data: [] }), 422, 'invalid_request')
	expectError(await f.admin.call('POST', `${base}/filtered/test`, undefined, { raw: '{"type":' }), 400, 'malformed_json')
	expectError(await f.admin.post(`${base}/nope/test`), 404, 'not_found')
})

test('a platform-action flow sends "Users Created" and the job carries its route', async () => {
	await add('platform', '/platform', {}, 'actions')
	const res = await f.admin.post('/admin/v1/flows/actions/endpoints/platform/test')
	expect(res.body.status).toBe(200)
	expect(JSON.parse(f.rx.on('/platform').at(-1)!.body)).toMatchObject({ action: 'Users Created', route: { group: 'Users', name: 'Created' } })
	const job = await f.admin.get(`/admin/v1/jobs/${res.body.jobId}`)
	expect(job.body.route).toEqual({ group: 'Users', name: 'Created' })
	expect(job.body.event.route).toEqual({ group: 'Users', name: 'Created' })
	const submission = await f.admin.post('/admin/v1/flows/actions/endpoints/platform/test', { type: 'Submission Submitted', data: {} })
	expectError(submission, 422, 'invalid_data')
})
