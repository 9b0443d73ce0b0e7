// The viewer's first screen of jobs on a big database: the admin API call the
// page makes (GET /jobs?limit=50, newest first), and the whole first screen in
// Debian's chromium, from navigation start until the table shows its rows
// (HTML, bundle, /flows and /jobs, render). Target: 300 ms with 1,000,000 jobs.
import { join } from 'node:path'
import { chromium } from 'playwright-core'
import { startGateway, tempDir } from '../lib/gateway'
import { repeat, type Context } from '../lib/profile'
import { openDb, writers } from '../lib/seed'
import { percentile } from '../lib/stats'

const ADMIN = 'bench-admin-token'
const ENDPOINTS = ['e0', 'e1', 'e2', 'e3']

/** Finished and waiting jobs as a real history has them: mostly succeeded, some failed, a few pending far in the future. */
function seed(path: string, jobs: number) {
	const opened = openDb(path, 'normal')
	opened.client.exec('PRAGMA synchronous = OFF')
	const w = writers(opened.client)
	const start = Date.now() - jobs * 50
	let i = 0
	let e = 0
	try {
		while (i < jobs) {
			opened.client.transaction(() => {
				for (const end = Math.min(jobs, i + 10_000); i < end;) {
					const at = start + i * 50
					const eventPk = w.event('bench', `evt_v_${e++}`, at)
					for (let j = 0; j < ENDPOINTS.length && i < jobs; j++, i++) {
						const status = i % 20 === 7 ? 'failed' : i % 20 === 13 ? 'pending' : 'succeeded'
						w.delivery({ id: `job_v_${i}`, flow: 'bench', endpoint: ENDPOINTS[j], eventPk, status, attempts: status === 'pending' ? 0 : 1, due: Date.now() + 86_400_000 * 30, at })
					}
				}
			})()
		}
		opened.client.exec('PRAGMA wal_checkpoint(TRUNCATE)')
	} finally { opened.close() }
}

async function timeApi(url: string, path: string, n: number): Promise<number> {
	const times: number[] = []
	for (let i = 0; i < n + 2; i++) {
		const t = performance.now()
		const r = await fetch(`${url}/admin/v1${path}`, { headers: { authorization: `Bearer ${ADMIN}` } })
		const body = (await r.json()) as { items: unknown[] }
		if (!r.ok || body.items.length === 0) throw new Error(`GET ${path} answered ${r.status} with ${body.items?.length} items`)
		if (i >= 2) times.push(performance.now() - t)
	}
	return percentile(times, 50)
}

export async function viewer(ctx: Context) {
	const p = ctx.profile
	const dir = tempDir(ctx.dataDir)
	const t0 = performance.now()
	seed(join(dir, 'hookgate.db'), p.viewerJobs)
	ctx.progress(`viewer: ${p.viewerJobs.toLocaleString('en-US')} jobs written in ${((performance.now() - t0) / 1000).toFixed(1)} s`)
	const gw = await startGateway(dir, { flows: [{ id: 'bench', endpoints: ENDPOINTS.map((id) => ({ id, url: `http://127.0.0.1:9/${id}` })) }], adminToken: ADMIN })
	const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] })
	try {
		const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
		// signed in already, and a note of the moment the first row is in the DOM
		await context.addInitScript(({ token }) => {
			sessionStorage.setItem('hookgate.token', token)
			new MutationObserver((_m, obs) => {
				if (document.querySelector('tbody tr')) {
					(window as unknown as { __firstRow: number }).__firstRow = performance.now()
					obs.disconnect()
				}
			}).observe(document, { childList: true, subtree: true })
		}, { token: ADMIN })
		const page = await context.newPage()
		await page.goto(`${gw.url}/ui/jobs`)
		await page.waitForSelector('tbody tr')
		const runs = await repeat(ctx, 'viewer first screen', async () => {
			const api = await timeApi(gw.url, '/jobs?limit=50', p.viewerLoads)
			const failed = await timeApi(gw.url, '/jobs?status=failed&limit=50', p.viewerLoads)
			const flows = await timeApi(gw.url, '/flows', Math.min(3, p.viewerLoads))
			const screens: number[] = []
			for (let i = 0; i < p.viewerLoads; i++) {
				await page.goto(`${gw.url}/ui/jobs`)
				await page.waitForSelector('tbody tr')
				// paint follows the DOM change within a frame; the figure is navigation start → rows in the DOM
				screens.push(await page.evaluate(() => (window as unknown as { __firstRow: number }).__firstRow))
				// the chip counts (GET /flows) come after the rows; let them finish, as an operator's next page load would
				await page.waitForFunction(() => performance.getEntriesByType('resource').some((e) => e.name.endsWith('/admin/v1/flows') && (e as PerformanceResourceTiming).responseEnd > 0))
			}
			return { api, failed, flows, screen: percentile(screens, 50) }
		})
		const size = `${p.viewerJobs.toLocaleString('en-US')} jobs stored`
		ctx.rows.push(
			{ name: 'viewer jobs API', unit: 'ms', runs: runs.map((r) => r.api), note: `GET /admin/v1/jobs?limit=50, ${size}; median of ${p.viewerLoads}` },
			{ name: 'viewer jobs API status=failed', unit: 'ms', runs: runs.map((r) => r.failed), note: `the failed chip, ${size}` },
			{ name: 'viewer flows API (chip counts)', unit: 'ms', runs: runs.map((r) => r.flows), note: `GET /admin/v1/flows counts every job by status; the page asks for it after the rows are shown, ${size}` },
			{ name: 'viewer first screen', unit: 'ms', runs: runs.map((r) => r.screen), target: { op: '<=', value: 300 },
				note: `chromium: navigation start → 50 rows in the table (page, bundle, GET /jobs, render; the chip counts follow), ${size}; median of ${p.viewerLoads} loads` },
		)
	} finally {
		await browser.close()
		await gw.stop()
	}
}
