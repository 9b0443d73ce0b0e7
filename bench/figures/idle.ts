// What the gateway costs when there is nothing to do: 3 flows, no events.
import { sleep } from '../lib/clock'
import { startGateway, tempDir } from '../lib/gateway'
import type { Context } from '../lib/profile'
import { CpuMeter, rollup } from '../lib/proc'

const SETTLE_MS = 2000

export async function idle(ctx: Context) {
	const p = ctx.profile
	// The runs go side by side: each gateway is its own process with its own
	// database and is measured from /proc on its own, and 3 × 30 s in a row
	// would take a sixth of the bench's time budget.
	ctx.progress(`idle: ${p.runs} gateway(s) side by side for ${p.idleMs / 1000} s`)
	const flows = [0, 1, 2].map((i) => ({ id: `idle${i}`, endpoints: [{ id: 'e0', url: `http://127.0.0.1:9/idle${i}` }] }))
	const gws = await Promise.all(Array.from({ length: p.runs }, () => startGateway(tempDir(ctx.dataDir), { flows })))
	try {
		await sleep(SETTLE_MS)
		const meters = gws.map((g) => new CpuMeter(g.pid))
		await sleep(p.idleMs)
		const cpu = meters.map((m) => m.percent())
		const rss = gws.map((g) => g.memory().rssMb)
		const mem = gws.map((g) => rollup(g.pid))
		ctx.rows.push(
			{ name: 'idle CPU', unit: '%', runs: cpu, target: { op: '<', value: 1 },
				note: `gateway utime+stime over ${p.idleMs / 1000} s, after ${SETTLE_MS / 1000} s to settle; ${p.runs} gateways side by side, each measured on its own` },
			{ name: 'idle RSS', unit: 'MB', runs: rss, target: { op: '<=', value: 60 }, note: 'VmRSS at the end of the idle window' },
			{ name: 'idle anonymous memory', unit: 'MB', runs: mem.map((m) => m.anonMb), target: { op: '<=', value: 32 },
				note: `Anonymous in /proc/PID/smaps_rollup (heap and allocator), beside RSS ${mem.map((m) => m.rssMb.toFixed(0)).join('/')} MB of which file-backed (the binary) ${mem.map((m) => m.fileMb.toFixed(0)).join('/')} MB` },
		)
	} finally {
		await Promise.all(gws.map((g) => g.stop()))
	}
}
