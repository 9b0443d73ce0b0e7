import { expect, test } from 'bun:test'
import { Elysia } from 'elysia'
import { viewerRoutes } from '../../src/viewer/plugin'

const OPERATOR_CSP = "default-src 'self'; frame-ancestors 'none'"
const get = (app: { handle(r: Request): Promise<Response> }, path: string) => app.handle(new Request(`http://localhost${path}`))

test('the page and every view URL carry the CSP with frame-ancestors none', async () => {
	const app = new Elysia().use(viewerRoutes())
	for (const path of ['/ui', '/ui/', '/ui/jobs', '/ui/jobs/job_01ABC', '/ui/endpoints', '/ui/events/e1?flow=shop', '/ui/signin?next=%2Fui']) {
		const r = await get(app, path)
		expect(r.status).toBe(200)
		expect(r.headers.get('content-security-policy')).toBe(OPERATOR_CSP)
		expect(r.headers.get('content-type')).toStartWith('text/html')
	}
})

test('the page holds no inline script or style and loads only its own files', async () => {
	const html = await (await get(new Elysia().use(viewerRoutes()), '/ui/jobs')).text()
	expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/)
	expect(html).not.toMatch(/<style|style=/)
	const refs = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1])
	expect(refs.sort()).toEqual(['/ui/assets/app.css', '/ui/assets/app.js', '/ui/assets/icon.svg'])
})

test('the portal takes its frame-ancestors from the option; operator views stay none', async () => {
	let ancestors = 'https://dash.example.com'
	const app = new Elysia().use(viewerRoutes({ frameAncestors: () => ancestors }))
	expect((await get(app, '/ui/portal')).headers.get('content-security-policy')).toBe("default-src 'self'; frame-ancestors https://dash.example.com")
	ancestors = "'self'"
	expect((await get(app, '/ui/portal')).headers.get('content-security-policy')).toBe("default-src 'self'; frame-ancestors 'self'")
	expect((await get(app, '/ui/jobs')).headers.get('content-security-policy')).toBe(OPERATOR_CSP)
	const plain = new Elysia().use(viewerRoutes())
	expect((await get(plain, '/ui/portal')).headers.get('content-security-policy')).toBe(OPERATOR_CSP)
})

test('the bundle is served from the gateway with the CSP; unknown assets are 404', async () => {
	const app = new Elysia().use(viewerRoutes())
	const js = await get(app, '/ui/assets/app.js')
	expect(js.status).toBe(200)
	expect(js.headers.get('content-type')).toStartWith('text/javascript')
	expect(js.headers.get('content-security-policy')).toBe(OPERATOR_CSP)
	const code = await js.text()
	expect(code.length).toBeGreaterThan(1000)
	// no outside host is named in the bundle's loads
	// no outside host is named for a script, style or font
	expect(/https?:\/\/(?!localhost)[a-z0-9.-]+\.[a-z]{2,}\/[^"'\s]*\.(js|css|woff2?)/i.test(code)).toBe(false)
	const css = await get(app, '/ui/assets/app.css')
	expect(css.status).toBe(200)
	expect(await css.text()).not.toMatch(/@import|url\(\s*['"]?https?:/)
	expect((await get(app, '/ui/assets/other.js')).status).toBe(404)
}, 30_000)

test('no viewer source writes HTML from data: no innerHTML, no dangerouslySetInnerHTML', async () => {
	const glob = new Bun.Glob('**/*.{ts,tsx}')
	let files = 0
	for await (const f of glob.scan({ cwd: `${import.meta.dir}/../../src/viewer` })) {
		const text = await Bun.file(`${import.meta.dir}/../../src/viewer/${f}`).text()
		expect({ f, bad: /innerHTML|outerHTML|insertAdjacentHTML|document\.write|dangerouslySetInnerHTML/.test(text) }).toEqual({ f, bad: false })
		files++
	}
	expect(files).toBeGreaterThan(5)
})
