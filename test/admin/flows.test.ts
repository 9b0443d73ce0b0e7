import { afterAll, beforeAll, expect, test } from 'bun:test'
import { expectError, until } from './support'
import { ingest, startFixture, type Fixture } from './fixture'

let f: Fixture
beforeAll(async () => {
	f = await startFixture()
	await ingest(f.gw, 'billing', [{ type: 'invoice.paid', data: {} }, { type: 'invoice.failed', data: {} }])
	await until(async () => (await f.admin.get('/admin/v1/flows/billing')).body.jobs.succeeded, (n) => n === 2)
})
afterAll(() => f.stop())

test('lists every flow with its settings, endpoints and job counts by status', async () => {
	const res = await f.admin.get('/admin/v1/flows')
	expect(res.body.items.map((fl: { id: string }) => fl.id)).toEqual(['billing', 'actions'])
	const [billing, actions] = res.body.items
	expect(billing).toMatchObject({
		id: 'billing', name: 'Billing', envelope: 'standard', events: ['invoice.paid', 'invoice.failed'], retrySchedule: null, timeout: null,
		endpointLimit: 5, jobs: { pending: 2, delivering: 0, succeeded: 2, failed: 0, cancelled: 0 },
	})
	expect(billing.endpoints.map((e: { id: string }) => e.id)).toEqual(['crm', 'paused'])
	expect(actions).toMatchObject({ envelope: 'platform-action', events: null, endpoints: [], jobs: { pending: 0, succeeded: 0 } })
})

test('reads one flow; an unknown one is a 404', async () => {
	const res = await f.admin.get('/admin/v1/flows/actions')
	expect(res.body.id).toBe('actions')
	expectError(await f.admin.get('/admin/v1/flows/nope'), 404, 'not_found')
})
