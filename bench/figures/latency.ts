// How soon a webhook arrives: at a steady, paced 1,000 events/s, the time from
// the producer getting its 202 to the receiver having the request.
import { runLoad, startReceiver } from '../lib/children'
import { sleep } from '../lib/clock'
import { startGateway, tempDir, TOKEN } from '../lib/gateway'
import { repeat, type Context } from '../lib/profile'
import { CpuMeter } from '../lib/proc'
import { percentile } from '../lib/stats'

const RATE = 1000

async function once(ctx: Context, run: number) {
	const p = ctx.profile
	const rx = await startReceiver({ record: true })
	const gw = await startGateway(tempDir(ctx.dataDir), { flows: [{ id: 'bench', endpoints: [{ id: 'e0', url: rx.url('/e0') }] }] })
	try {
		const cpu = new CpuMeter(gw.pid)
		const prefix = `l${run}_`
		const r = await runLoad({ mode: 'paced', url: gw.url, flow: 'bench', token: TOKEN, idPrefix: prefix, rate: RATE, durationMs: p.latencyWarmupMs + p.latencyMs })
		const gwCpu = cpu.percent()
		if (r.errors > 0) throw new Error(`latency: ${r.errors} errors, first: ${r.firstError}`)
		for (let i = 0; i < 100 && (await rx.stats()).count < r.events; i++) await sleep(50)
		const got = await rx.arrivals()
		const arrived = new Map<string, number>()
		got.ids.forEach((id, i) => { if (!arrived.has(id)) arrived.set(id, got.times[i]) })
		// events sent during the warm-up are left out
		const skip = (p.latencyWarmupMs * RATE) / 1000
		const lat: number[] = []
		// the same, counted from when the ingest request was sent
		const fromSend: number[] = []
		let missing = 0
		r.answers.ids.forEach((id, i) => {
			if (Number(id.slice(prefix.length)) < skip) return
			const t = arrived.get(id)
			if (t === undefined) return void missing++
			lat.push(t - r.answers.times[i])
			fromSend.push(t - (r.answers.times[i] - r.answers.latencies[i]))
		})
		return { p50: percentile(lat, 50), p99: percentile(lat, 99), max: percentile(lat, 100), beforeAnswer: lat.filter((x) => x < 0).length / lat.length,
			sendP50: percentile(fromSend, 50), sendP99: percentile(fromSend, 99), missing, sent: r.events, ingestP99: r.latencyP99, gwCpu, load: r.cpuPercent }
	} finally {
		await gw.stop()
		await rx.stop()
	}
}

export async function latency(ctx: Context) {
	const runs = await repeat(ctx, `latency at ${RATE} events/s`, (run) => once(ctx, run))
	ctx.details.latency = runs
	const gwCpu = runs.map((r) => r.gwCpu)
	const load = runs.map((r) => r.load)
	const missing = runs.some((r) => r.missing > 0) ? `; NOT DELIVERED within 5 s: ${runs.map((r) => r.missing).join('/')}` : ''
	ctx.rows.push(
		{ name: 'latency p50', unit: 'ms', runs: runs.map((r) => r.p50), gatewayCpu: gwCpu, loadCpu: load,
			note: `202 answer at the producer → request at the receiver, paced ${RATE}/s for ${ctx.profile.latencyMs / 1000} s after ${ctx.profile.latencyWarmupMs / 1000} s warm-up; max ${runs.map((r) => r.max.toFixed(1)).join('/')} ms; arrived before the 202 reached the producer (negative): ${runs.map((r) => (r.beforeAnswer * 100).toFixed(0)).join('/')}%; from the request being sent: p50 ${runs.map((r) => r.sendP50.toFixed(1)).join('/')} ms, p99 ${runs.map((r) => r.sendP99.toFixed(1)).join('/')} ms; ingest answer p99 ${runs.map((r) => r.ingestP99.toFixed(1)).join('/')} ms${missing}` },
		{ name: 'latency p99', unit: 'ms', runs: runs.map((r) => r.p99), target: { op: '<=', value: 20 }, gatewayCpu: gwCpu, loadCpu: load },
	)
}
