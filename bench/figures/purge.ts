// Ingest latency while the retention purge removes old finished work: the
// purge runs in the gateway's own process and writes to the same database.
import { existsSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { runLoad } from '../lib/children'
import { sleep } from '../lib/clock'
import { ROOT, startGateway, tempDir, TOKEN, type GatewaySpec } from '../lib/gateway'
import { repeat, type Context } from '../lib/profile'
import { openDb, seedFinished } from '../lib/seed'
import { percentile } from '../lib/stats'

const RATE = 1000
const DAY_MS = 86_400_000
const LEAD_MS = 1500

/** The purge's own log line: when it ended and how long it took. */
function purgeWindow(output: string): { from: number; to: number; jobs: number } | null {
	for (const line of output.split('\n')) {
		if (!line.includes('retention purge done')) continue
		try {
			const r = JSON.parse(line) as { time: string; ms: number; jobs: number }
			if (r.jobs > 0) return { from: Date.parse(r.time) - r.ms, to: Date.parse(r.time), jobs: r.jobs }
		} catch {}
	}
	return null
}

async function once(ctx: Context, run: number) {
	const p = ctx.profile
	const dir = tempDir(ctx.dataDir)
	const opened = openDb(join(dir, 'hookgate.db'), 'normal')
	try { seedFinished(opened, { flow: 'bench', endpoint: 'e0', jobs: p.purgeRows, at: Date.now() - 60 * DAY_MS, tag: `p${run}` }) } finally { opened.close() }
	const spec: GatewaySpec = { flows: [{ id: 'bench', endpoints: [] }] }
	const gw = await startGateway(dir, spec)
	try {
		const load = runLoad({ mode: 'paced', url: gw.url, flow: 'bench', token: TOKEN, idPrefix: `p${run}_`, rate: RATE, durationMs: p.purgeLoadMs })
		// a 6-field cron for the next whole second at least LEAD_MS away: the purge starts under load
		await sleep(LEAD_MS)
		const second = new Date(Date.now() + 1000).getUTCSeconds()
		gw.reload({ ...spec, retentionSchedule: `${second} * * * * *` })
		const r = await load
		if (r.errors > 0) throw new Error(`purge: ${r.errors} ingest errors, first: ${r.firstError}`)
		await sleep(200)
		const w = purgeWindow(gw.output())
		const inside: number[] = []
		const outside: number[] = []
		r.answers.times.forEach((t, i) => {
			const lat = r.answers.latencies[i]
			// an answer inside the window, or a request that started inside it
			if (w && t >= w.from && t - lat <= w.to) inside.push(lat)
			else outside.push(lat)
		})
		const loadEnd = Math.max(...r.answers.times)
		return { p99: w ? percentile(inside, 99) : NaN, others: percentile(outside, 99), inside: inside.length, purgeMs: w ? w.to - w.from : NaN,
			jobs: w?.jobs ?? 0, cut: w ? w.to > loadEnd : false, load: r.cpuPercent }
	} finally {
		await gw.stop()
		rmSync(dir, { recursive: true, force: true })
	}
}

export async function purge(ctx: Context) {
	if (!existsSync(join(ROOT, 'src/ops/retention.ts'))) {
		ctx.rows.push({ name: 'ingest p99 during purge', unit: 'ms', runs: [], todo: 'not measured: src/ops/retention.ts does not exist yet' })
		return
	}
	const p = ctx.profile
	const runs = await repeat(ctx, `ingest during a purge of ${p.purgeRows} finished jobs`, (run) => once(ctx, run))
	ctx.details.purge = runs
	const join2 = (xs: Array<number | string>) => xs.join('/')
	const problems = runs.some((r) => !Number.isFinite(r.purgeMs)) ? '; NO PURGE LOGGED in some runs (no "retention purge done" line with jobs > 0)' : ''
	const cut = runs.some((r) => r.cut) ? '; the purge outlasted the load in some runs' : ''
	ctx.rows.push({
		name: 'ingest p99 during purge', unit: 'ms', runs: runs.map((r) => r.p99), target: { op: '<=', value: 50 }, loadCpu: runs.map((r) => r.load),
		note: `paced ${RATE} events/s while the scheduled purge removes ${p.purgeRows.toLocaleString('en-US')} finished jobs (+ attempts, events) aged 60 days; purge took ${join2(runs.map((r) => r.purgeMs.toFixed(0)))} ms over ${join2(runs.map((r) => r.inside))} requests; p99 outside the purge ${join2(runs.map((r) => r.others.toFixed(1)))} ms${problems}${cut}`,
	})
}
