import { afterAll, beforeAll, expect, test } from 'bun:test'
import { expectError } from './support'
import { ingest, startFixture, type Fixture } from './fixture'

let f: Fixture
beforeAll(async () => {
	f = await startFixture()
	await f.gw.post('/v1/flows/billing/sessions', { id: 'ses-1', metadata: { plan: 'pro' } })
	await ingest(f.gw, 'billing', [
		{ id: 'first', type: 'invoice.paid', sessionId: 'ses-1', data: { amount: 1 } },
		{ id: 'shared', type: 'invoice.failed', data: {} },
	])
	await ingest(f.gw, 'actions', [
		{ id: 'shared', type: 'Users Created', data: {} },
		{ id: 'submitted', type: 'Submission Submitted', data: { kappSlug: 'services', formSlug: 'onboarding' } },
	])
})
afterAll(() => f.stop())

test('lists events newest first, each with its job per endpoint', async () => {
	const res = await f.admin.get('/admin/v1/events?flow=billing')
	expect(res.body.items.map((e: { id: string }) => e.id)).toEqual(['shared', 'first'])
	const first = res.body.items[1]
	expect(first).toMatchObject({ id: 'first', flow: 'billing', type: 'invoice.paid', sessionId: 'ses-1', success: true, data: { amount: 1 }, metadata: { plan: 'pro' }, route: null })
	expect(first.deliveries.map((d: { endpoint: string }) => d.endpoint)).toEqual(['crm', 'paused'])
	expect(first.deliveries[1]).toMatchObject({ eventId: 'first', status: 'pending', test: false })
	expect(res.body.nextCursor).toBeNull()
})

test('filters events by flow, type and session, and pages them', async () => {
	const ids = async (q: string) => (await f.admin.get(`/admin/v1/events?${q}`)).body.items.map((e: { id: string; flow: string }) => `${e.flow}/${e.id}`)
	expect(await ids('')).toEqual(['actions/submitted', 'actions/shared', 'billing/shared', 'billing/first'])
	expect(await ids('type=invoice.paid')).toEqual(['billing/first'])
	expect(await ids('session=ses-1')).toEqual(['billing/first'])
	const page = await f.admin.get('/admin/v1/events?limit=3')
	expect(page.body.items).toHaveLength(3)
	const rest = await f.admin.get(`/admin/v1/events?limit=3&cursor=${page.body.nextCursor}`)
	expect(rest.body.items.map((e: { id: string }) => e.id)).toEqual(['first'])
	expect(rest.body.nextCursor).toBeNull()
	expectError(await f.admin.get('/admin/v1/events?limit=9999'), 422, 'invalid_request')
	expectError(await f.admin.get('/admin/v1/events?status=failed'), 422, 'invalid_request')
})

test('reads one event with its jobs; platform actions carry their route', async () => {
	const res = await f.admin.get('/admin/v1/events/submitted')
	expect(res.body).toMatchObject({ id: 'submitted', flow: 'actions', route: { group: 'Submissions > services > onboarding', name: 'Submitted' }, deliveries: [] })
	const first = await f.admin.get('/admin/v1/events/first?flow=billing')
	expect(first.body.deliveries).toHaveLength(2)
	expectError(await f.admin.get('/admin/v1/events/nope'), 404, 'not_found')
	expectError(await f.admin.get('/admin/v1/events/first?flow=actions'), 404, 'not_found')
	expectError(await f.admin.get('/admin/v1/events/first?flw=billing'), 422, 'invalid_request')
})

test('an id two flows hold needs ?flow=: 409 ambiguous_event names them', async () => {
	const res = await f.admin.get('/admin/v1/events/shared')
	expectError(res, 409, 'ambiguous_event')
	expect(res.body.error.flows).toEqual(['actions', 'billing'])
	const billing = await f.admin.get('/admin/v1/events/shared?flow=billing')
	expect(billing.body).toMatchObject({ id: 'shared', flow: 'billing', type: 'invoice.failed' })
	const actions = await f.admin.get('/admin/v1/events/shared?flow=actions')
	expect(actions.body).toMatchObject({ flow: 'actions', route: { group: 'Users', name: 'Created' } })
})
