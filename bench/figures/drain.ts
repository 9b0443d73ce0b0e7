// Drain: a backlog already stored when the gateway starts, delivered as fast
// as it can to a receiver answering 200 at once.
import { Database } from 'bun:sqlite'
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { startReceiver } from '../lib/children'
import { clock, sleep } from '../lib/clock'
import { startGateway, tempDir } from '../lib/gateway'
import { repeat, type Context } from '../lib/profile'
import { CpuMeter } from '../lib/proc'
import { seedFile } from '../lib/seed'

async function once(ctx: Context, endpoints: number, run: number) {
	const n = ctx.profile.drainDeliveries
	const rx = await startReceiver()
	const dir = tempDir(ctx.dataDir)
	try {
		const eps = Array.from({ length: endpoints }, (_, i) => ({ id: `e${i}`, url: rx.url(`/e${i}`) }))
		seedFile(join(dir, 'hookgate.db'), {
			flow: 'bench', endpoints: eps.map((e) => e.id), deliveries: n, perEvent: endpoints, dueFrom: Date.now() - n - 1000, tag: `d${endpoints}_${run}`,
		})
		const gw = await startGateway(dir, { flows: [{ id: 'bench', endpoints: eps }] })
		const db = new Database(gw.dbPath, { readonly: true })
		try {
			const cpu = new CpuMeter(gw.pid)
			// the cheap check (the receiver's count) first, the database only near the end
			let stats = await rx.stats()
			const deadline = performance.now() + ctx.profile.drainCapMs
			while (stats.count < n && performance.now() < deadline) {
				await sleep(100)
				stats = await rx.stats()
			}
			const open = db.prepare(`SELECT COUNT(*) AS n FROM deliveries WHERE status IN ('pending', 'delivering')`)
			while ((open.get() as { n: number }).n > 0 && performance.now() < deadline) await sleep(20)
			const end = clock()
			const left = (open.get() as { n: number }).n
			stats = await rx.stats()
			const succeeded = (db.prepare(`SELECT COUNT(*) AS n FROM deliveries WHERE status = 'succeeded'`).get() as { n: number }).n
			const seconds = (end - stats.first) / 1000
			return {
				// cut off: what was delivered so far, over the time it took
				rate: (left > 0 ? stats.count : n) / seconds, seconds, left, succeeded, received: stats.count,
				gwCpu: cpu.percent(), peakRssMb: gw.memory().hwmMb,
			}
		} finally {
			db.close()
			await gw.stop()
		}
	} finally {
		await rx.stop()
		rmSync(dir, { recursive: true, force: true })
	}
}

export async function drain(ctx: Context) {
	const n = ctx.profile.drainDeliveries
	const one = await repeat(ctx, `drain ${n} to 1 endpoint`, (run) => once(ctx, 1, run))
	const ten = await repeat(ctx, `drain ${n} to 10 endpoints`, (run) => once(ctx, 10, run))
	ctx.details.drain = { oneEndpoint: one, tenEndpoints: ten }
	const cut = (xs: typeof one) => xs.some((r) => r.left > 0)
		? `; CUT OFF after ${ctx.profile.drainCapMs / 1000} s with ${xs.map((r) => r.left).join('/')} left (rate = delivered so far)` : ''
	const wrong = (xs: typeof one) => xs.some((r) => r.left === 0 && r.succeeded !== n)
		? `; not all succeeded: ${xs.map((r) => r.succeeded).join('/')}` : ''
	const secs = (xs: typeof one) => xs.map((r) => r.seconds.toFixed(1)).join('/')
	ctx.rows.push(
		{ name: 'drain 1 endpoint', unit: 'deliv/s', runs: one.map((r) => r.rate), baseline: 'L_http', target: { op: '>=', value: 10_000 },
			gatewayCpu: one.map((r) => r.gwCpu),
			note: `${n.toLocaleString('en-US')} stored deliveries, endpoint concurrency 64, delivery.concurrency 64; first arrival → table empty: ${secs(one)} s${cut(one)}${wrong(one)}` },
		{ name: 'drain 10 endpoints', unit: 'deliv/s', runs: ten.map((r) => r.rate), baseline: 'L_http', target: { op: '>=', value: 10_000 },
			gatewayCpu: ten.map((r) => r.gwCpu),
			note: `10 endpoints (paths) on ONE receiver process, 10 deliveries per event; ${secs(ten)} s${cut(ten)}${wrong(ten)}` },
		{ name: 'peak RSS (drain)', unit: 'MB', runs: [...one, ...ten].map((r) => r.peakRssMb), note: 'VmHWM of the gateway at the end of each drain run (both drains)' },
	)
}
