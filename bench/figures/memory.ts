// Memory the gateway holds: set by its caps, not by the backlog nor by the
// size of the events it has seen.
//  - peak RSS while draining a small and a ten times larger stored backlog to
//    10 endpoints: the two must be close;
//  - 250 KB events to a flow with no endpoints, then a minute idle: RSS must
//    come back to within 50 MB of where it started.
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { Database } from 'bun:sqlite'
import { startReceiver } from '../lib/children'
import { sleep } from '../lib/clock'
import { startGateway, tempDir, TOKEN } from '../lib/gateway'
import type { Context } from '../lib/profile'
import { rollup } from '../lib/proc'
import { seedFile } from '../lib/seed'

const ENDPOINTS = 10

async function drainPeak(ctx: Context, n: number) {
	const rx = await startReceiver()
	const dir = tempDir(ctx.dataDir)
	try {
		const eps = Array.from({ length: ENDPOINTS }, (_, i) => ({ id: `e${i}`, url: rx.url(`/e${i}`) }))
		seedFile(join(dir, 'hookgate.db'), { flow: 'bench', endpoints: eps.map((e) => e.id), deliveries: n, perEvent: ENDPOINTS, dueFrom: Date.now() - n - 1000, tag: `m${n}` })
		const gw = await startGateway(dir, { flows: [{ id: 'bench', endpoints: eps }] })
		const db = new Database(gw.dbPath, { readonly: true })
		try {
			const started = performance.now()
			let peakAnon = 0
			const deadline = started + ctx.profile.memDrainCapMs
			while ((await rx.stats()).count < n && performance.now() < deadline) {
				peakAnon = Math.max(peakAnon, rollup(gw.pid).anonMb)
				await sleep(200)
			}
			const open = db.prepare(`SELECT COUNT(*) AS n FROM deliveries WHERE status IN ('pending', 'delivering')`)
			while ((open.get() as { n: number }).n > 0 && performance.now() < deadline) await sleep(50)
			const left = (open.get() as { n: number }).n
			return { n, peakRssMb: gw.memory().hwmMb, peakAnonMb: peakAnon, left, seconds: (performance.now() - started) / 1000 }
		} finally {
			db.close()
			await gw.stop()
		}
	} finally {
		await rx.stop()
		rmSync(dir, { recursive: true, force: true })
	}
}

async function bigEvents(ctx: Context) {
	const p = ctx.profile
	const gw = await startGateway(tempDir(ctx.dataDir), { flows: [{ id: 'bench', endpoints: [] }] })
	try {
		await sleep(1000)
		const before = rollup(gw.pid)
		// ~250 KB of JSON per event, under the 256 KiB body limit
		const pad = 'x'.repeat(p.bigEventKb * 1000 - 100)
		let next = 0
		let errors = 0
		const worker = async () => {
			while (next < p.bigEvents) {
				const i = next++
				const res = await fetch(`${gw.url}/v1/flows/bench/events`, {
					method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
					body: JSON.stringify({ id: `big${i}`, type: 'bench.big', data: { i, pad } }),
				})
				if (res.status !== 202) errors++
				await res.arrayBuffer()
			}
		}
		await Promise.all([worker(), worker(), worker(), worker()])
		if (errors > 0) throw new Error(`big events: ${errors} not accepted`)
		const loaded = rollup(gw.pid)
		const peak = gw.memory().hwmMb
		await sleep(p.bigIdleMs)
		const after = rollup(gw.pid)
		return { before, loaded, after, peakRssMb: peak, growthMb: after.rssMb - before.rssMb }
	} finally {
		await gw.stop()
	}
}

export async function memory(ctx: Context) {
	const p = ctx.profile
	ctx.progress(`memory: drain ${p.memDrainSmall.toLocaleString('en-US')} to ${ENDPOINTS} endpoints`)
	const small = await drainPeak(ctx, p.memDrainSmall)
	ctx.progress(`memory: drain ${p.memDrainLarge.toLocaleString('en-US')} to ${ENDPOINTS} endpoints`)
	const large = await drainPeak(ctx, p.memDrainLarge)
	ctx.progress(`memory: ${p.bigEvents} events of ${p.bigEventKb} KB, then ${p.bigIdleMs / 1000} s idle`)
	const big = await bigEvents(ctx)
	ctx.details.memory = { small, large, big }
	const cut = (r: typeof small) => r.left > 0 ? `; CUT OFF after ${p.memDrainCapMs / 1000} s with ${r.left} left` : ''
	const label = (n: number) => n >= 1000 ? `${n / 1000}k` : String(n)
	ctx.rows.push(
		{ name: 'peak RSS drain, small backlog', unit: 'MB', runs: [small.peakRssMb], note: `VmHWM draining ${small.n.toLocaleString('en-US')} stored deliveries to ${ENDPOINTS} endpoints in ${small.seconds.toFixed(0)} s; peak anonymous ${small.peakAnonMb.toFixed(0)} MB${cut(small)}` },
		{ name: 'peak RSS drain, large backlog', unit: 'MB', runs: [large.peakRssMb], target: { op: '<=', value: 160 }, note: `VmHWM draining ${large.n.toLocaleString('en-US')} in ${large.seconds.toFixed(0)} s; peak anonymous ${large.peakAnonMb.toFixed(0)} MB${cut(large)}` },
		{ name: 'peak RSS large/small', unit: 'ratio', runs: [large.peakRssMb / small.peakRssMb], target: { op: '<=', value: 1.1 }, note: `${label(large.n)} over ${label(small.n)}: memory is set by the caps, not the backlog` },
		{ name: 'RSS growth after big events', unit: 'MB', runs: [big.growthMb], target: { op: '<=', value: 50 },
			note: `${p.bigEvents} events of ${p.bigEventKb} KB, no endpoints, then ${p.bigIdleMs / 1000} s idle: RSS ${big.before.rssMb.toFixed(0)} → ${big.loaded.rssMb.toFixed(0)} → ${big.after.rssMb.toFixed(0)} MB (anonymous ${big.before.anonMb.toFixed(0)} → ${big.loaded.anonMb.toFixed(0)} → ${big.after.anonMb.toFixed(0)} MB), peak ${big.peakRssMb.toFixed(0)} MB` },
	)
}
