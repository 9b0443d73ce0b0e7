import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { expectError, until } from './support'
import { ingest, startFixture, YAML_HEADER_VALUE, type Fixture } from './fixture'

let f: Fixture
let release = () => {}
const gate = new Promise<void>((resolve) => { release = resolve })
beforeAll(async () => {
	f = await startFixture({
		settings: 'limits:\n  endpointsPerFlow: 10',
		extra: `  - id: bulk
    envelope: standard
    ingestTokens: [test-ingest-token]
    endpoints:
      - id: parked
        url: http://127.0.0.1:9/parked
        enabled: false
        signing: { scheme: none }
`,
		answer: async (req) => {
			const path = new URL(req.url).pathname
			if (path === '/fail') return new Response('no', { status: 500 })
			if (path === '/slow') await gate
			return new Response('ok')
		},
	})
})
afterAll(async () => {
	release()
	await f.stop()
})

const jobs = async (query: string) => (await f.admin.get(`/admin/v1/jobs?${query}`)).body.items as Array<Record<string, any>>
const job = async (id: string) => (await f.admin.get(`/admin/v1/jobs/${id}`)).body as Record<string, any>

describe('listing jobs', () => {
	let ids: Record<string, string[]>
	let t0: string
	beforeAll(async () => {
		t0 = new Date().toISOString()
		await f.gw.post('/v1/flows/billing/sessions', { id: 's1', metadata: {} })
		const events = await ingest(f.gw, 'billing', [
			{ id: 'e1', type: 'invoice.paid', sessionId: 's1', data: { n: 1 } },
			{ id: 'e2', type: 'invoice.failed', sessionId: 's1', data: { n: 2 } },
			{ id: 'e3', type: 'invoice.paid', data: { n: 3 } },
		])
		ids = Object.fromEntries(events.map((e) => [e.id, e.deliveries.map((d) => d.id)]))
		await until(() => jobs('flow=billing&endpoint=crm&status=succeeded'), (items) => items.length === 3)
	})

	test('newest first, with every key of a job', async () => {
		const items = await jobs('flow=billing')
		expect(items.map((j) => j.id)).toEqual([...ids.e3].reverse().concat([...ids.e2].reverse(), [...ids.e1].reverse()))
		expect(Object.keys(items[0]).sort()).toEqual(['attemptCount', 'createdAt', 'endpoint', 'eventId', 'eventType', 'flow', 'id', 'lastDurationMs', 'lastError', 'lastStatus', 'maxAttempts', 'nextAttemptAt', 'route', 'sessionId', 'status', 'test', 'updatedAt'])
		const crm = items.find((j) => j.endpoint === 'crm' && j.eventId === 'e1')!
		expect(crm).toMatchObject({ flow: 'billing', eventType: 'invoice.paid', sessionId: 's1', route: null, test: false, status: 'succeeded', attemptCount: 1, maxAttempts: 3, nextAttemptAt: null, lastStatus: 200, lastError: null })
		const parked = items.find((j) => j.endpoint === 'paused' && j.eventId === 'e1')!
		expect(parked).toMatchObject({ status: 'pending', attemptCount: 0, lastStatus: null })
		expect(Date.parse(parked.nextAttemptAt)).toBeGreaterThan(0)
	})

	test('filters by flow, endpoint, status, type, session, event and time', async () => {
		const of = async (q: string) => (await jobs(q)).map((j) => `${j.eventId}/${j.endpoint}`).sort()
		expect(await of('flow=billing&endpoint=paused')).toEqual(['e1/paused', 'e2/paused', 'e3/paused'])
		expect(await of('flow=billing&status=pending')).toEqual(['e1/paused', 'e2/paused', 'e3/paused'])
		expect((await of('flow=billing&status=pending,succeeded'))).toHaveLength(6)
		expect(await of('flow=billing&type=invoice.failed')).toEqual(['e2/crm', 'e2/paused'])
		expect(await of('session=s1&endpoint=crm')).toEqual(['e1/crm', 'e2/crm'])
		expect(await of('flow=billing&session=s1&endpoint=crm')).toEqual(['e1/crm', 'e2/crm'])
		expect(await of('event=e3')).toEqual(['e3/crm', 'e3/paused'])
		expect(await of('flow=actions')).toEqual([])
		expect(await of(`flow=billing&since=${t0}`)).toHaveLength(6)
		expect(await of(`flow=billing&until=${t0}`)).toEqual([])
		const later = new Date(Date.now() + 60_000).toISOString()
		expect(await of(`flow=billing&updatedSince=${later}`)).toEqual([])
		expect(await of(`flow=billing&updatedSince=${t0}&status=succeeded`)).toEqual(['e1/crm', 'e2/crm', 'e3/crm'])
	})

	test('pages with an opaque cursor', async () => {
		const first = await f.admin.get('/admin/v1/jobs?flow=billing&limit=4')
		expect(first.body.items).toHaveLength(4)
		expect(first.body.nextCursor).toEqual(expect.any(String))
		const second = await f.admin.get(`/admin/v1/jobs?flow=billing&limit=4&cursor=${first.body.nextCursor}`)
		expect(second.body.items).toHaveLength(2)
		expect(second.body.nextCursor).toBeNull()
	})

	test('refuses bad query values with 422 naming the parameter', async () => {
		for (const [q, path] of [['limit=0', 'limit'], ['limit=501', 'limit'], ['limit=abc', 'limit'], ['status=done', 'status'],
			['since=yesterday', 'since'], ['updatedSince=2026-13-01T00:00:00Z', 'updatedSince'], ['cursor=Zm9v', 'cursor'], ['bogus=1', 'bogus']]) {
			const res = await f.admin.get(`/admin/v1/jobs?${q}`)
			expectError(res, 422, 'invalid_request')
			expect({ q, path: res.body.error.path }).toEqual({ q, path })
		}
		const events = await f.admin.get('/admin/v1/events?limit=2')
		expectError(await f.admin.get(`/admin/v1/jobs?cursor=${events.body.nextCursor}`), 422, 'invalid_request')
	})

	test('shows one job with its event, the endpoint\'s URL and every attempt as sent', async () => {
		const id = ids.e1[0]
		const detail = await job(id)
		expect(detail).toMatchObject({ id, endpoint: 'crm', url: `http://127.0.0.1:${f.rx.port}/crm`, status: 'succeeded' })
		expect(detail.event).toMatchObject({ id: 'e1', flow: 'billing', type: 'invoice.paid', sessionId: 's1', data: { n: 1 }, metadata: {}, success: true, route: null })
		expect(detail.attempts).toHaveLength(1)
		const [a] = detail.attempts
		const hit = f.rx.on('/crm').find((h) => h.headers['webhook-id'] === 'e1')!
		expect(a).toMatchObject({ n: 1, url: `http://127.0.0.1:${f.rx.port}/crm`, requestBody: hit.body, status: 200, responseBody: 'ok', responseTruncated: false, error: null })
		expect(a.requestHeaders['X-Api-Key']).toBe(`…${YAML_HEADER_VALUE.slice(-4)}`)
		expect(a.requestHeaders['webhook-id']).toBe('e1')
		expectError(await f.admin.get('/admin/v1/jobs/job_nope'), 404, 'not_found')
	})
})

describe('replay and cancel', () => {
	test('replay keeps the event id and webhook-id, goes on with the run number and starts a fresh schedule', async () => {
		const [e] = await ingest(f.gw, 'billing', [{ id: 'again', type: 'invoice.paid', data: {} }])
		const id = e.deliveries.find((d) => d.endpoint === 'crm')!.id
		await until(() => job(id), (j) => j.status === 'succeeded')
		const replayed = await f.admin.call('POST', `/admin/v1/jobs/${id}/replay`, undefined, { raw: '' })
		expect(replayed.status).toBe(200)
		expect(replayed.body).toMatchObject({ id, eventId: 'again', status: 'pending', attemptCount: 1, maxAttempts: 3 })
		const done = await until(() => job(id), (j) => j.status === 'succeeded')
		expect(done.attempts.map((a: { n: number }) => a.n)).toEqual([1, 2])
		expect(done).toMatchObject({ attemptCount: 2, maxAttempts: 3 })
		expect(f.rx.on('/crm').filter((h) => h.headers['webhook-id'] === 'again')).toHaveLength(2)
		expectError(await f.admin.post('/admin/v1/jobs/job_nope/replay'), 404, 'not_found')
		expectError(await f.admin.post(`/admin/v1/jobs/${id}/replay`, { now: true }), 422, 'invalid_request')
	})

	test('a replayed job that failed gets its whole retry schedule again', async () => {
		await f.admin.post('/admin/v1/flows/billing/endpoints', { id: 'flaky', url: `http://127.0.0.1:${f.rx.port}/fail`, retrySchedule: ['10ms'], events: ['invoice.failed'] })
		const [e] = await ingest(f.gw, 'billing', [{ id: 'flaky-1', type: 'invoice.failed', data: {} }])
		const id = e.deliveries.find((d) => d.endpoint === 'flaky')!.id
		const failed = await until(() => job(id), (j) => j.status === 'failed')
		expect(failed.attempts.map((a: { n: number }) => a.n)).toEqual([1, 2])
		await f.admin.post(`/admin/v1/jobs/${id}/replay`)
		const again = await until(() => job(id), (j) => j.status === 'failed' && j.attempts.length === 4)
		expect(again.attempts.map((a: { n: number }) => a.n)).toEqual([1, 2, 3, 4])
		expect(again).toMatchObject({ attemptCount: 4, maxAttempts: 2, lastStatus: 500, lastError: { class: 'http_status' } })
	})

	test('a job in flight cannot be replayed (409 job_in_flight) but can be cancelled', async () => {
		await f.admin.post('/admin/v1/flows/billing/endpoints', { id: 'slow', url: `http://127.0.0.1:${f.rx.port}/slow`, events: ['invoice.failed'] })
		const [e] = await ingest(f.gw, 'billing', [{ id: 'slow-1', type: 'invoice.failed', data: {} }])
		const id = e.deliveries.find((d) => d.endpoint === 'slow')!.id
		await until(() => job(id), (j) => j.status === 'delivering')
		expectError(await f.admin.post(`/admin/v1/jobs/${id}/replay`), 409, 'job_in_flight')
		const cancelled = await f.admin.post(`/admin/v1/jobs/${id}/cancel`, {})
		expect(cancelled.body).toMatchObject({ id, status: 'cancelled', nextAttemptAt: null })
		release()
		const after = await until(() => job(id), (j) => j.attempts.length === 1)
		expect(after.status).toBe('cancelled')
	})

	test('cancel stops a pending job; a finished one answers 409 job_finished', async () => {
		const [e] = await ingest(f.gw, 'billing', [{ id: 'to-cancel', type: 'invoice.paid', data: {} }])
		const parked = e.deliveries.find((d) => d.endpoint === 'paused')!.id
		expect((await f.admin.post(`/admin/v1/jobs/${parked}/cancel`)).body.status).toBe('cancelled')
		expectError(await f.admin.post(`/admin/v1/jobs/${parked}/cancel`), 409, 'job_finished')
		const crm = e.deliveries.find((d) => d.endpoint === 'crm')!.id
		await until(() => job(crm), (j) => j.status === 'succeeded')
		expectError(await f.admin.post(`/admin/v1/jobs/${crm}/cancel`), 409, 'job_finished')
		expectError(await f.admin.post('/admin/v1/jobs/job_nope/cancel'), 404, 'not_found')
		// a cancelled job can be tried again
		expect((await f.admin.post(`/admin/v1/jobs/${parked}/replay`)).body.status).toBe('pending')
	})
})

describe('bulk replay', () => {
	test('replays failed jobs of an endpoint since a time and counts them', async () => {
		await f.admin.post('/admin/v1/flows/billing/endpoints', { id: 'failing', url: `http://127.0.0.1:${f.rx.port}/fail`, retrySchedule: [], events: ['invoice.paid'] })
		const since = new Date().toISOString()
		await ingest(f.gw, 'billing', Array.from({ length: 30 }, (_, i) => ({ id: `fail-${i}`, type: 'invoice.paid', data: {} })))
		await until(() => jobs('endpoint=failing&status=failed&limit=100'), (items) => items.length === 30)
		const hits = () => f.rx.on('/fail').filter((h) => h.headers['webhook-id'].startsWith('fail-')).length
		expect(hits()).toBe(30)
		const res = await f.admin.post('/admin/v1/jobs/replay', { flow: 'billing', endpoint: 'failing', status: 'failed', since })
		expect(res.body).toEqual({ replayed: 30 })
		await until(hits, (n) => n === 60)
		const before = await f.admin.post('/admin/v1/jobs/replay', { flow: 'billing', endpoint: 'failing', since: '2020-01-01T00:00:00Z', until: '2020-01-02T00:00:00Z' })
		expect(before.body).toEqual({ replayed: 0 })
	})

	test('works through many chunks and leaves out jobs created after it began', async () => {
		const since = new Date().toISOString()
		for (let b = 0; b < 3; b++) {
			await ingest(f.gw, 'bulk', Array.from({ length: 400 }, (_, i) => ({ id: `bulk-${b}-${i}`, type: 'x', data: {} })))
		}
		const res = await f.admin.post('/admin/v1/jobs/replay', { flow: 'bulk', since })
		expect(res.body).toEqual({ replayed: 1200 })
		const cancelled = await f.admin.post('/admin/v1/jobs/replay', { flow: 'bulk', status: 'cancelled', since })
		expect(cancelled.body).toEqual({ replayed: 0 })
	})

	test('refuses unknown flows and endpoints (404) and bad bodies (422)', async () => {
		const since = '2026-01-01T00:00:00Z'
		expectError(await f.admin.post('/admin/v1/jobs/replay', { flow: 'nope', since }), 404, 'not_found')
		expectError(await f.admin.post('/admin/v1/jobs/replay', { flow: 'billing', endpoint: 'nope', since }), 404, 'not_found')
		for (const [body, path] of [[{ flow: 'billing' }, 'since'], [{ flow: 'billing', since, status: 'delivering' }, 'status'], [{ since }, 'flow'], [{ flow: 'billing', since, extra: 1 }, 'extra']] as const) {
			const res = await f.admin.post('/admin/v1/jobs/replay', body)
			expectError(res, 422, 'invalid_request')
			expect(res.body.error.path).toBe(path)
		}
		expectError(await f.admin.call('POST', '/admin/v1/jobs/replay', undefined, { raw: '' }), 400, 'malformed_json')
	})
})
