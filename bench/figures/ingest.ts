// Ingest alone: one flow with no endpoints, so only accepting is measured.
import { runLoad } from '../lib/children'
import { startGateway, tempDir, TOKEN } from '../lib/gateway'
import { repeat, type Context } from '../lib/profile'
import { CpuMeter } from '../lib/proc'

export async function ingest(ctx: Context) {
	const p = ctx.profile
	const runs = await repeat(ctx, 'ingest single + batch', async (run) => {
		const gw = await startGateway(tempDir(ctx.dataDir), { flows: [{ id: 'bench', endpoints: [] }] })
		try {
			const target = { url: gw.url, flow: 'bench', token: TOKEN }
			let cpu = new CpuMeter(gw.pid)
			const single = await runLoad({ mode: 'ingest', ...target, idPrefix: `s${run}_`, concurrency: 64, batch: 1, warmupMs: p.warmupMs, durationMs: p.ingestMs })
			const singleCpu = cpu.percent()
			cpu = new CpuMeter(gw.pid)
			const batch = await runLoad({ mode: 'ingest', ...target, idPrefix: `b${run}_`, concurrency: 8, batch: 100, warmupMs: p.warmupMs / 2, durationMs: p.batchMs })
			const batchCpu = cpu.percent()
			for (const r of [single, batch]) if (r.errors > 0) throw new Error(`ingest: ${r.errors} errors, first: ${r.firstError}`)
			return { single, singleCpu, batch, batchCpu }
		} finally {
			await gw.stop()
		}
	})
	const s = runs.map((r) => r.single)
	const gwCpu = runs.map((r) => r.singleCpu)
	const load = s.map((r) => r.cpuPercent)
	ctx.rows.push(
		{ name: 'ingest single', unit: 'events/s', runs: s.map((r) => (r.events / r.windowMs) * 1000), baseline: 'L_sqlite',
			target: { op: '>=', value: 10_000 }, gatewayCpu: gwCpu, loadCpu: load, note: '64 producers, one event per call, ~1 KiB each, no endpoints' },
		{ name: 'ingest single p50', unit: 'ms', runs: s.map((r) => r.latencyP50), gatewayCpu: gwCpu, loadCpu: load },
		{ name: 'ingest single p99', unit: 'ms', runs: s.map((r) => r.latencyP99), gatewayCpu: gwCpu, loadCpu: load },
		{ name: 'ingest batch x100', unit: 'events/s', runs: runs.map((r) => (r.batch.events / r.batch.windowMs) * 1000), baseline: 'L_sqlite',
			gatewayCpu: runs.map((r) => r.batchCpu), loadCpu: runs.map((r) => r.batch.cpuPercent), note: '8 callers × 100 events per call' },
	)
}
