// End to end: producers → gateway → receivers, sustained, with the backlog
// bounded so the rate is one the gateway keeps up with.
import { runLoad, startReceiver } from '../lib/children'
import { startGateway, tempDir, TOKEN } from '../lib/gateway'
import { repeat, type Context } from '../lib/profile'
import { CpuMeter } from '../lib/proc'

const MAX_BACKLOG = 5000

async function once(ctx: Context, endpoints: number, run: number) {
	const rx = await startReceiver()
	const eps = Array.from({ length: endpoints }, (_, i) => ({ id: `e${i}`, url: rx.url(`/e${i}`) }))
	const gw = await startGateway(tempDir(ctx.dataDir), { flows: [{ id: 'bench', endpoints: eps }] })
	try {
		const cpu = new CpuMeter(gw.pid)
		const rxBefore = await rx.stats()
		const r = await runLoad({
			mode: 'e2e', url: gw.url, flow: 'bench', token: TOKEN, idPrefix: `e${endpoints}_${run}_`, concurrency: 64,
			durationMs: ctx.profile.e2eMs, stats: rx.url('/_stats'), deliveriesPerEvent: endpoints, maxBacklog: MAX_BACKLOG,
		})
		const gwCpu = cpu.percent()
		const rxAfter = await rx.stats()
		if (r.errors > 0) throw new Error(`e2e: ${r.errors} errors, first: ${r.firstError}`)
		const s = r.windowMs / 1000
		return {
			deliveries: r.received / s, events: r.received / endpoints / s, accepted: r.events / s, gwCpu, load: r.cpuPercent,
			receiverCpu: ((rxAfter.cpuMs - rxBefore.cpuMs) / r.windowMs) * 100,
		}
	} finally {
		await gw.stop()
		await rx.stop()
	}
}

export async function e2e(ctx: Context) {
	const one = await repeat(ctx, 'e2e 1 endpoint', (run) => once(ctx, 1, run))
	const three = await repeat(ctx, 'e2e 3 endpoints', (run) => once(ctx, 3, run))
	const rcpu = (xs: typeof one) => xs.map((r) => r.receiverCpu.toFixed(0)).join('/')
	ctx.details.e2e = { oneEndpoint: one, threeEndpoints: three, maxBacklogEvents: MAX_BACKLOG }
	ctx.rows.push(
		{ name: 'e2e 1 endpoint', unit: 'events/s', runs: one.map((r) => r.events), baseline: 'L_sqlite', target: { op: '>=', value: 5000 },
			gatewayCpu: one.map((r) => r.gwCpu), loadCpu: one.map((r) => r.load),
			note: `delivered events/s over ${ctx.profile.e2eMs / 1000} s, 64 producers, backlog ≤ ${MAX_BACKLOG} events; accepted ${one.map((r) => r.accepted.toFixed(0)).join('/')}/s; receiver CPU ${rcpu(one)}%` },
		{ name: 'e2e 3 endpoints events', unit: 'events/s', runs: three.map((r) => r.events), baseline: 'L_sqlite',
			gatewayCpu: three.map((r) => r.gwCpu), loadCpu: three.map((r) => r.load) },
		{ name: 'e2e 3 endpoints deliveries', unit: 'deliv/s', runs: three.map((r) => r.deliveries), baseline: 'L_http', target: { op: '>=', value: 7500 },
			gatewayCpu: three.map((r) => r.gwCpu), loadCpu: three.map((r) => r.load), note: `3 endpoints on one receiver process; receiver CPU ${rcpu(three)}%` },
	)
}
