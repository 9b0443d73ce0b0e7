// What watching costs: /metrics with a large stored backlog, alone and while
// three scrapers poll it in a loop beside steady ingest.
import { join } from 'node:path'
import { runLoad, startReceiver } from '../lib/children'
import { startGateway, tempDir, TOKEN } from '../lib/gateway'
import type { Context } from '../lib/profile'
import { percentile } from '../lib/stats'
import { seedFile } from '../lib/seed'

const SCRAPERS = 3
const PRODUCERS = 16

async function timedScrape(url: string): Promise<number> {
	const t = performance.now()
	const res = await fetch(`${url}/metrics`)
	if (res.status !== 200) throw new Error(`/metrics answered ${res.status}`)
	await res.text()
	return performance.now() - t
}

export async function scrape(ctx: Context) {
	const p = ctx.profile
	const rx = await startReceiver()
	const dir = tempDir(ctx.dataDir)
	try {
		// due tomorrow: the backlog stays pending the whole time, as behind a slow receiver
		seedFile(join(dir, 'hookgate.db'), { flow: 'bench', endpoints: ['e0'], deliveries: p.scrapeBacklog, perEvent: 1, dueFrom: Date.now() + 86_400_000, tag: 'scrape' })
		const gw = await startGateway(dir, { flows: [{ id: 'bench', endpoints: [{ id: 'e0', url: rx.url('/e0') }] }, { id: 'load', endpoints: [] }] })
		try {
			ctx.progress(`scrape: ${p.scrapes} scrapes with ${p.scrapeBacklog.toLocaleString('en-US')} pending jobs`)
			const first = await (await fetch(`${gw.url}/metrics`)).text()
			const shown = Number(first.match(/^hookgate_backlog_deliveries\{flow="bench",endpoint="e0"\} (\d+)/m)?.[1])
			if (shown !== p.scrapeBacklog) throw new Error(`/metrics shows a backlog of ${shown}, ${p.scrapeBacklog} are pending`)
			const times: number[] = []
			for (let i = 0; i < p.scrapes; i++) times.push(await timedScrape(gw.url))
			const target = { url: gw.url, flow: 'load', token: TOKEN }
			ctx.progress(`scrape: ingest ${p.scrapeLoadMs / 1000} s alone, then beside ${SCRAPERS} scrapers`)
			const alone = await runLoad({ mode: 'ingest', ...target, idPrefix: 'alone_', concurrency: PRODUCERS, batch: 1, warmupMs: 500, durationMs: p.scrapeLoadMs })
			let scraping = true
			let scraped = 0
			const scrapers = Array.from({ length: SCRAPERS }, async () => {
				while (scraping) { await timedScrape(gw.url); scraped++ }
			})
			const beside = await runLoad({ mode: 'ingest', ...target, idPrefix: 'beside_', concurrency: PRODUCERS, batch: 1, warmupMs: 500, durationMs: p.scrapeLoadMs })
			scraping = false
			await Promise.all(scrapers)
			for (const r of [alone, beside]) if (r.errors > 0) throw new Error(`scrape: ingest ${r.errors} errors, first: ${r.firstError}`)
			ctx.details.scrape = { times: { p50: percentile(times, 50), p99: percentile(times, 99), max: percentile(times, 100) }, alone, beside, scraped }
			ctx.rows.push(
				{ name: '/metrics scrape, large backlog', unit: 'ms', runs: [percentile(times, 50)], target: { op: '<', value: 5 },
					note: `${p.scrapeBacklog.toLocaleString('en-US')} pending jobs; request to last byte, ${p.scrapes} in a row; p99 ${percentile(times, 99).toFixed(1)} ms, max ${percentile(times, 100).toFixed(1)} ms` },
				{ name: 'ingest p50, no scraper', unit: 'ms', runs: [alone.latencyP50], note: `${PRODUCERS} producers, same gateway and backlog; ${Math.round(alone.events / alone.windowMs * 1000)} events/s` },
				{ name: 'ingest p50, 3 scrapers', unit: 'ms', runs: [beside.latencyP50],
					note: `${SCRAPERS} clients polling /metrics in a loop (${Math.round(scraped / (p.scrapeLoadMs / 1000 + 0.5))} scrapes/s); p99 ${beside.latencyP99.toFixed(1)} ms vs ${alone.latencyP99.toFixed(1)} ms alone; ${Math.round(beside.events / beside.windowMs * 1000)} events/s` },
			)
		} finally {
			await gw.stop()
		}
	} finally {
		await rx.stop()
	}
}
