// The viewer in Debian's chromium against the compiled binary: what an
// operator does, checked the way the operator would see it.
import { afterAll, beforeAll, expect, test } from 'bun:test'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import type { Child } from '../support/process'
import { ADMIN, axeViolations, INGEST, ingest, launch, type Receiver, screenshots, startBinary, startReceiver, type Watch, watch } from './browser'

let receiver: Receiver
let gw: Child & { relaunch?: () => Promise<Child> }
let browser: Browser
let context: BrowserContext
let page: Page
let w: Watch

beforeAll(async () => {
	receiver = startReceiver()
	gw = await startBinary(receiver)
	browser = await launch()
	context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
	page = await context.newPage()
	page.setDefaultTimeout(8000)
	w = watch(context, page)
}, 120_000)

afterAll(async () => {
	await browser?.close()
	gw?.kill('SIGTERM')
	await gw?.exited
	receiver?.stop()
})

async function noSeriousAxe(view: string) {
	const v = await axeViolations(page)
	expect({ view, violations: v }).toEqual({ view, violations: [] })
}

test('a visit without a token goes to sign-in, keeps the page wanted, and lands there after signing in', async () => {
	await page.goto(`${gw.url}/ui/jobs?status=failed`)
	await page.waitForURL(/\/ui\/signin\?next=/)
	expect(new URL(page.url()).searchParams.get('next')).toBe('/ui/jobs?status=failed')
	await noSeriousAxe('signin')
	await screenshots(page, 'signin')
	await page.getByLabel('Admin token').fill('wrong-token')
	await page.getByRole('button', { name: 'Sign in' }).click()
	await page.getByText('That token is not one of admin.tokens.').waitFor()
	await page.getByLabel('Admin token').fill(ADMIN)
	await page.getByRole('button', { name: 'Sign in' }).click()
	await page.waitForURL(/\/ui\/jobs\?status=failed$/)
	await page.getByRole('button', { name: /^failed/ }).and(page.locator('[aria-pressed="true"]')).waitFor()
	// back to all statuses for what follows
	await page.goto(`${gw.url}/ui/jobs`)
	await page.getByText('No jobs yet. Send an event with:').waitFor()
}, 30_000)

test('jobs appear without a reload after events are sent; failed ones say so', async () => {
	await ingest(gw.url, { id: 'evt-order-1', type: 'order.created', data: { order: 1 } })
	await ingest(gw.url, { id: 'evt-order-2', type: 'order.paid', data: { order: 2 } })
	// two events × two endpoints, picked up by polling within 2 s
	await page.locator('tbody tr').nth(3).waitFor({ timeout: 5000 })
	await page.locator('tbody tr', { hasText: 'flaky' }).locator('.badge', { hasText: 'failed' }).first().waitFor({ timeout: 8000 })
	await page.locator('tbody tr', { hasText: '→ ok' }).locator('.badge', { hasText: 'succeeded' }).first().waitFor()
	await noSeriousAxe('jobs')
	await screenshots(page, 'jobs')
}, 30_000)

test('a status filter lives in the URL and survives a reload', async () => {
	await page.getByRole('button', { name: /^failed/ }).click()
	await page.waitForURL(/status=failed/)
	await page.waitForFunction(() => [...document.querySelectorAll('tbody tr .badge')].every((b) => b.textContent === 'failed'))
	expect(await page.locator('tbody tr').count()).toBe(2)
	await page.reload()
	await page.locator('tbody tr').nth(1).waitFor()
	expect(new URL(page.url()).searchParams.get('status')).toBe('failed')
	expect(await page.locator('tbody tr .badge').allTextContents()).toEqual(['failed', 'failed'])
	expect(await page.getByRole('button', { name: /^failed/ }).getAttribute('aria-pressed')).toBe('true')
}, 30_000)

test('a failed job shows both attempts with run numbers, and a replay makes it succeed', async () => {
	await page.locator('tbody tr', { hasText: 'evt-order-1' }).locator('td').nth(1).click()
	const panel = page.getByRole('complementary', { name: 'Job detail' })
	await panel.getByText('Run 1', { exact: true }).waitFor()
	await panel.getByText('Run 2', { exact: true }).waitFor()
	await panel.getByText(/^Gave up after 2 attempts: the last one answered 503\.$/).waitFor()
	expect(new URL(page.url()).searchParams.get('job')).toMatch(/^job_/)
	await noSeriousAxe('job panel')
	await screenshots(page, 'job-panel')
	// Esc closes the panel; j and Enter open it again
	await page.keyboard.press('Escape')
	await panel.waitFor({ state: 'detached' })
	await page.keyboard.press('j')
	await page.keyboard.press('Enter')
	await panel.waitFor()
	const jobId = new URL(page.url()).searchParams.get('job')!
	// the job's own page, and the replay there
	await page.goto(`${gw.url}/ui/jobs/${jobId}`)
	await page.getByText('Run 2', { exact: true }).waitFor()
	await screenshots(page, 'job')
	await noSeriousAxe('job')
	receiver.failing.delete('/flaky')
	page.once('dialog', (d) => d.accept())
	await page.getByRole('button', { name: 'Replay' }).click()
	await page.locator('h1 .badge', { hasText: 'succeeded' }).waitFor({ timeout: 10_000 })
	await page.getByText('Run 3', { exact: true }).waitFor()
	receiver.failing.add('/flaky')
}, 30_000)

test('the event page shows the fan-out to every endpoint', async () => {
	await page.goto(`${gw.url}/ui/events/evt-order-2?flow=shop`)
	await page.getByRole('heading', { name: /Event evt-order-2/ }).waitFor()
	await page.getByRole('link', { name: 'ok', exact: true }).waitFor()
	await page.getByRole('link', { name: 'flaky', exact: true }).waitFor()
	await noSeriousAxe('event')
	await screenshots(page, 'event')
}, 30_000)

test('an endpoint is added, edited, tested, rotated and deleted; its secrets show once', async () => {
	await page.goto(`${gw.url}/ui/endpoints`)
	const shop = page.getByRole('region', { name: /Shop/ })
	await shop.getByText('2 of').waitFor()
	// YAML endpoints are managed by config: no edit, no delete
	const flaky = page.getByRole('article', { name: 'Endpoint flaky' })
	await flaky.getByText('managed by config').waitFor()
	expect(await flaky.getByRole('button', { name: 'Edit' }).count()).toBe(0)
	expect(await flaky.getByRole('button', { name: 'Delete' }).count()).toBe(0)
	await flaky.locator('svg.chart').waitFor()
	await noSeriousAxe('endpoints')
	await screenshots(page, 'endpoints')

	await shop.getByRole('button', { name: 'Add endpoint' }).click()
	const form = page.getByRole('form', { name: 'Add an endpoint' })
	await form.getByLabel('URL').fill(`${receiver.url}/new`)
	await form.getByRole('button', { name: 'Add a header' }).click()
	await form.getByLabel('Header name').fill('X-Api-Key')
	await form.getByLabel('Value of X-Api-Key').fill('key-supersecret-9876')
	await form.getByLabel('sensitive').check()
	await form.getByLabel('Extra body fields (JSON object)').fill('{"tenant": "acme"}')
	await form.getByRole('button', { name: 'Add endpoint' }).click()
	const once = page.locator('.secret-value')
	await once.waitFor()
	const secret = (await once.textContent())!
	expect(secret).toMatch(/^whsec_/)
	await page.getByRole('button', { name: 'I have saved it' }).click()
	await once.waitFor({ state: 'detached' })
	const card = page.locator('article.endpoint', { hasText: `${receiver.url}/new` })
	await card.waitFor()
	expect(await card.textContent()).not.toContain(secret.slice(6, 20))

	// edit: the sensitive header shows redacted and is kept when left alone
	await card.getByRole('button', { name: 'Edit' }).click()
	const edit = card.getByRole('form')
	const shown = await edit.getByLabel('Value of X-Api-Key').inputValue()
	expect(shown).not.toContain('supersecret')
	await edit.getByLabel('URL').fill(`${receiver.url}/edited`)
	await edit.getByLabel('Event types (comma-separated; empty = all)').fill('order.created')
	await edit.getByRole('button', { name: 'Save' }).click()
	const edited = page.locator('article.endpoint', { hasText: `${receiver.url}/edited` })
	await edited.waitFor()
	await edited.getByText('order.created').waitFor()

	// test: the answer shows inline, and the kept secret header went out unchanged
	await edited.getByRole('button', { name: 'Test' }).click()
	await edited.getByText('Test: answered 200').waitFor()
	const got = receiver.seen.get('/edited')!
	expect(got.at(-1)!.headers['x-api-key']).toBe('key-supersecret-9876')
	expect(JSON.parse(got.at(-1)!.body).tenant).toBe('acme')

	// rotate: the new secret once
	page.once('dialog', (d) => d.accept())
	await edited.getByRole('button', { name: 'Rotate secret' }).click()
	const rotated = edited.locator('.secret-value')
	await rotated.waitFor()
	const second = (await rotated.textContent())!
	expect(second).toMatch(/^whsec_/)
	expect(second).not.toBe(secret)
	await page.reload()
	await page.locator('article.endpoint', { hasText: `${receiver.url}/edited` }).waitFor()
	expect(await page.locator('.secret-value').count()).toBe(0)
	expect(await page.content()).not.toContain(second)

	// delete
	page.once('dialog', (d) => d.accept())
	await page.locator('article.endpoint', { hasText: `${receiver.url}/edited` }).getByRole('button', { name: 'Delete' }).click()
	await page.locator('article.endpoint', { hasText: `${receiver.url}/edited` }).waitFor({ state: 'detached' })
}, 40_000)

test('a hostile payload renders as text: no dialog, no script runs', async () => {
	const dialogs: string[] = []
	const onDialog = (d: import('playwright-core').Dialog) => { dialogs.push(d.message()); d.dismiss() }
	page.on('dialog', onDialog)
	const hostile = { id: 'evt-hostile', type: 'order.created', data: { name: '<script>window.__pwned = 1; alert(1)</script>', avatar: '<img src=x onerror="window.__pwned = 2; alert(2)">' } }
	const r = await ingest(gw.url, hostile)
	await page.goto(`${gw.url}/ui/jobs`)
	await page.locator('tbody tr', { hasText: 'evt-hostile' }).first().waitFor()
	await page.goto(`${gw.url}/ui/jobs/${r.deliveries[0].id}`)
	await page.getByText('<script>window.__pwned = 1; alert(1)</script>', { exact: false }).first().waitFor()
	await page.getByText('<img src=x onerror=', { exact: false }).first().waitFor()
	await page.goto(`${gw.url}/ui/events/evt-hostile?flow=shop`)
	await page.getByText('<img src=x onerror=', { exact: false }).first().waitFor()
	await Bun.sleep(300)
	expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned ?? null)).toBeNull()
	expect(await page.locator('main img, main script').count()).toBe(0)
	page.off('dialog', onDialog)
	expect(dialogs).toEqual([])
}, 30_000)

test('the phone layout turns the table into a list; keyboard / focuses the filter', async () => {
	await page.goto(`${gw.url}/ui/jobs`)
	await page.locator('tbody tr').first().waitFor()
	await page.keyboard.press('/')
	expect(await page.evaluate(() => document.activeElement?.id)).toBe('filter-event')
	// Esc leaves the filter; j selects a row; r asks before replaying it
	await page.keyboard.press('Escape')
	await page.keyboard.press('j')
	const asked = new Promise<string>((resolve) => page.once('dialog', (d) => { resolve(d.message()); d.dismiss() }))
	await page.keyboard.press('r')
	expect(await asked).toMatch(/^Replay job job_\w+ now\?$/)
	await page.setViewportSize({ width: 390, height: 844 })
	expect(await page.locator('thead').isVisible()).toBe(false)
	expect(await page.locator('tbody tr').first().evaluate((e) => getComputedStyle(e).display)).toBe('block')
	await page.setViewportSize({ width: 1280, height: 800 })
}, 20_000)

test('new jobs arrive above a reader who scrolled down without moving the page, and a pill leads up to them', async () => {
	const events = Array.from({ length: 30 }, (_, i) => ({ id: `evt-bulk-${i}`, type: 'order.created', data: { i } }))
	const r = await fetch(`${gw.url}/v1/flows/shop/events/batch`, {
		method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${INGEST}` }, body: JSON.stringify({ events }),
	})
	expect(r.status).toBe(202)
	await page.goto(`${gw.url}/ui/jobs?flow=shop`)
	await page.locator('tbody tr').nth(45).waitFor()
	await page.evaluate(() => window.scrollTo(0, 500))
	const anchor = await page.evaluate(() => {
		const row = document.elementFromPoint(400, 300)!.closest('tr')!
		return { id: row.dataset.id!, top: row.getBoundingClientRect().top }
	})
	await ingest(gw.url, { id: 'evt-late-1', type: 'order.created', data: {} })
	await page.getByRole('button', { name: '2 new ↑' }).waitFor()
	const after = await page.evaluate((id) => document.querySelector(`tr[data-id="${id}"]`)!.getBoundingClientRect().top, anchor.id)
	expect(Math.abs(after - anchor.top)).toBeLessThan(2)
	await page.getByRole('button', { name: '2 new ↑' }).click()
	expect(await page.evaluate(() => window.scrollY)).toBe(0)
	expect(await page.locator('tbody tr').first().textContent()).toContain('evt-late-1')
	// older pages come on the cursor, below what is there
	const shown = await page.locator('tbody tr').count()
	await page.getByRole('button', { name: 'Load older jobs' }).click()
	await page.locator('tbody tr').nth(shown).waitFor()
	const ids = await page.locator('tbody tr').evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.id))
	expect(new Set(ids).size).toBe(ids.length)
}, 30_000)

test('a lost gateway shows a banner that goes away by itself when it is back', async () => {
	await page.goto(`${gw.url}/ui/jobs`)
	await page.locator('tbody tr').first().waitFor()
	const relaunch = gw.relaunch!
	gw.kill('SIGTERM')
	await gw.exited
	await page.getByText('The gateway cannot be reached. Retrying by itself…').waitFor()
	gw = await relaunch()
	await page.getByText('The gateway cannot be reached. Retrying by itself…').waitFor({ state: 'detached' })
	await page.locator('tbody tr').first().waitFor()
}, 30_000)

test('every request stayed on the gateway, no token was ever in a URL, the CSP was never hit', () => {
	const origin = new URL(gw.url).origin
	expect(w.requests.length).toBeGreaterThan(20)
	expect(w.requests.filter((u) => !u.startsWith(`${origin}/`))).toEqual([])
	expect(w.requests.filter((u) => u.includes(ADMIN) || /token=/i.test(u))).toEqual([])
	expect(w.cspErrors).toEqual([])
	expect(w.pageErrors).toEqual([])
})
