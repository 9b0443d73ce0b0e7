// The flow portal in chromium: a link opens one flow, its token leaves the
// address bar, only what its capabilities allow is offered, and a revoked
// link says so.
import { afterAll, beforeAll, expect, test } from 'bun:test'
import type { Browser, Page } from 'playwright-core'
import type { Child } from '../support/process'
import { ADMIN, axeViolations, ingest, launch, type Receiver, screenshots, startBinary, startReceiver } from './browser'

let receiver: Receiver
let gw: Child
let browser: Browser

const admin = (method: string, path: string, body?: unknown) => fetch(`${gw.url}/admin/v1${path}`, {
	method, headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body),
})

async function mint(capabilities: string[]): Promise<{ url: string; token: string }> {
	const r = await admin('POST', '/flows/shop/portal-links', { capabilities, ttl: '10m' })
	expect(r.status).toBe(201)
	return r.json() as Promise<{ url: string; token: string }>
}

async function open(url: string): Promise<{ page: Page; requests: string[] }> {
	const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
	const page = await context.newPage()
	page.setDefaultTimeout(8000)
	const requests: string[] = []
	context.on('request', (r) => requests.push(r.url()))
	await page.goto(url)
	return { page, requests }
}

beforeAll(async () => {
	receiver = startReceiver()
	gw = await startBinary(receiver, 'portal:\n  frameAncestors: https://dash.example.com\n')
	browser = await launch()
	await ingest(gw.url, { id: 'evt-portal-1', type: 'order.created', data: { n: 1 } })
	await ingest(gw.url, { id: 'evt-other-1', type: 'order.created', data: { n: 2 } }, 'other')
}, 60_000)

afterAll(async () => {
	await browser?.close()
	gw?.kill('SIGTERM')
	await gw?.exited
	receiver?.stop()
})

test('a view-only link shows its flow only, clears its token from the address bar, and offers no change', async () => {
	const link = await mint(['view'])
	expect(link.url).toEndWith(`/ui/portal#token=${link.token}`)
	const { page, requests } = await open(`${gw.url}/ui/portal#token=${link.token}`)
	await page.locator('tbody tr', { hasText: 'evt-portal-1' }).first().waitFor()
	expect(page.url()).toBe(`${gw.url}/ui/portal`)
	expect(await page.evaluate(() => sessionStorage.getItem('hookgate.portal'))).toBe(link.token)
	expect(await page.locator('tbody tr', { hasText: 'evt-other-1' }).count()).toBe(0)
	expect(await axeViolations(page)).toEqual([])
	await screenshots(page, 'portal-jobs')
	await page.getByRole('link', { name: 'Endpoints' }).click()
	await page.getByRole('article', { name: 'Endpoint ok' }).waitFor()
	for (const name of ['Add endpoint', 'Edit', 'Delete', 'Disable', 'Test', 'Rotate secret', 'Replay failed…']) {
		expect({ name, count: await page.getByRole('button', { name, exact: true }).count() }).toEqual({ name, count: 0 })
	}
	expect(await axeViolations(page)).toEqual([])
	await screenshots(page, 'portal-endpoints')
	// the API agrees with the page
	const patch = await fetch(`${gw.url}/admin/v1/flows/shop/endpoints/ok/disable`, { method: 'POST', headers: { authorization: `Bearer ${link.token}` } })
	expect(patch.status).toBe(403)
	const other = await fetch(`${gw.url}/admin/v1/flows/other`, { headers: { authorization: `Bearer ${link.token}` } })
	expect(other.status).toBe(403)
	expect(requests.filter((u) => !u.startsWith(`${gw.url}/`))).toEqual([])
	expect(requests.filter((u) => u.includes(link.token))).toEqual([])
}, 40_000)

test('a link with every capability offers the actions; a revoked link says it has expired', async () => {
	const link = await mint(['view', 'manage_endpoints', 'rotate_secret', 'replay', 'test'])
	const { page } = await open(`${gw.url}/ui/portal#token=${link.token}`)
	await page.getByRole('link', { name: 'Endpoints' }).click()
	const card = page.getByRole('article', { name: 'Endpoint ok' })
	await card.getByRole('button', { name: 'Test', exact: true }).click()
	await card.getByText('Test: answered 200').waitFor()
	expect(await page.getByRole('button', { name: 'Add endpoint' }).count()).toBe(1)
	expect((await admin('DELETE', '/flows/shop/portal-links')).status).toBe(204)
	await page.reload()
	await page.getByText('This link has expired or was revoked').waitFor()
	expect(await page.getByRole('button').count()).toBe(0)
	await screenshots(page, 'portal-expired')
}, 40_000)

test('the portal may be framed by the origins portal.frameAncestors names; operator views never', async () => {
	const portal = await fetch(`${gw.url}/ui/portal`)
	expect(portal.headers.get('content-security-policy')).toBe("default-src 'self'; frame-ancestors https://dash.example.com")
	for (const path of ['/ui', '/ui/jobs', '/ui/endpoints', '/ui/signin']) {
		expect((await fetch(`${gw.url}${path}`)).headers.get('content-security-policy')).toBe("default-src 'self'; frame-ancestors 'none'")
	}
})
