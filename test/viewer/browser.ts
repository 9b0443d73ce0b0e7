// Shared pieces of the browser tests: the compiled gateway, a loopback
// receiver, Debian's chromium through playwright-core, axe-core and screenshots.
import { mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import { tempDir } from '../support/gateway'
import { BINARY, type Child, ensureBinary, freePort, ROOT, spawnServe, writeConfig } from '../support/process'

export const ADMIN = 'viewer-admin-token-7Qx'
export const INGEST = 'viewer-ingest-token'
export const ARTIFACTS = join(ROOT, 'test/artifacts/viewer')
const AXE = readFileSync(join(ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8')

export interface Receiver {
	url: string
	/** path → requests seen */
	seen: Map<string, Array<{ headers: Record<string, string>; body: string }>>
	/** paths answering 500 until removed */
	failing: Set<string>
	stop(): void
}

export function startReceiver(): Receiver {
	const seen = new Map<string, Array<{ headers: Record<string, string>; body: string }>>()
	const failing = new Set<string>(['/flaky'])
	const server = Bun.serve({
		hostname: '127.0.0.1', port: 0,
		async fetch(req) {
			const path = new URL(req.url).pathname
			const list = seen.get(path) ?? []
			list.push({ headers: Object.fromEntries(req.headers), body: await req.text() })
			seen.set(path, list)
			if (failing.has(path)) return Response.json({ error: 'receiver is down for maintenance' }, { status: 503 })
			return Response.json({ ok: true, path })
		},
	})
	return { url: `http://127.0.0.1:${server.port}`, seen, failing, stop: () => server.stop(true) }
}

/** `extra` is YAML added at the top level of the config. */
export async function startBinary(receiver: Receiver, extra = ''): Promise<Child & { relaunch(): Promise<Child> }> {
	ensureBinary()
	const dir = tempDir('hookgate-viewer-')
	const port = freePort()
	const cfg = writeConfig(dir, `server:
  listen: 127.0.0.1:${port}
storage:
  sqlite: ./hookgate.db
admin:
  tokens: [${ADMIN}]
delivery:
  allowPrivateNetworks: [127.0.0.0/8]
  retrySchedule: [300ms]
  jitter: 0
flows:
  - id: shop
    name: Shop
    envelope: standard
    ingestTokens: [${INGEST}]
    endpoints:
      - { id: ok, url: "${receiver.url}/ok", signing: { scheme: none } }
      - { id: flaky, url: "${receiver.url}/flaky", signing: { scheme: none } }
  - id: other
    name: Other
    envelope: standard
    ingestTokens: [${INGEST}]
    endpoints:
      - { id: theirs, url: "${receiver.url}/theirs", signing: { scheme: none } }
${extra}`)
	const child = await spawnServe([BINARY], cfg, port, dir)
	return Object.assign(child, { relaunch: () => spawnServe([BINARY], cfg, port, dir) })
}

/** Debian's chromium; CI installs it with apt when missing (scripts/test.sh). */
export function launch(): Promise<Browser> {
	return chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] })
}

export interface Watch {
	requests: string[]
	dialogs: string[]
	cspErrors: string[]
	pageErrors: string[]
}

/** Records every request, dialog, CSP report and page error of a context. */
export function watch(context: BrowserContext, page: Page): Watch {
	const w: Watch = { requests: [], dialogs: [], cspErrors: [], pageErrors: [] }
	context.on('request', (r) => w.requests.push(r.url()))
	page.on('console', (m) => { if (/Content Security Policy|Refused to/i.test(m.text())) w.cspErrors.push(m.text()) })
	page.on('pageerror', (e) => w.pageErrors.push(String(e)))
	return w
}

/** axe-core, evaluated through the devtools protocol (the page's CSP forbids injected scripts, rightly). */
export async function axeViolations(page: Page): Promise<Array<{ id: string; impact: string; nodes: number; help: string }>> {
	await page.evaluate(AXE)
	return page.evaluate(async () => {
		const axe = (window as unknown as { axe: { run(ctx: Document, o: object): Promise<{ violations: Array<{ id: string; impact: string; help: string; nodes: unknown[] }> }> } }).axe
		const r = await axe.run(document, { resultTypes: ['violations'] })
		return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length }))
	})
}

/** The same view light and dark, desktop and phone width, into test/artifacts/viewer. */
export async function screenshots(page: Page, name: string) {
	mkdirSync(ARTIFACTS, { recursive: true })
	for (const [size, viewport] of [['desktop', { width: 1280, height: 800 }], ['phone', { width: 390, height: 844 }]] as const) {
		await page.setViewportSize(viewport)
		for (const scheme of ['light', 'dark'] as const) {
			await page.emulateMedia({ colorScheme: scheme })
			await page.screenshot({ path: join(ARTIFACTS, `${name}-${size}-${scheme}.png`), fullPage: false })
		}
	}
	await page.setViewportSize({ width: 1280, height: 800 })
	await page.emulateMedia({ colorScheme: 'light' })
}

export async function ingest(base: string, body: unknown, flow = 'shop'): Promise<{ id: string; deliveries: Array<{ id: string; endpoint: string }> }> {
	const r = await fetch(`${base}/v1/flows/${flow}/events`, {
		method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${INGEST}` }, body: JSON.stringify(body),
	})
	if (r.status !== 202) throw new Error(`ingest answered ${r.status}: ${await r.text()}`)
	return r.json() as Promise<{ id: string; deliveries: Array<{ id: string; endpoint: string }> }>
}
