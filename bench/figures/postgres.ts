// The same gateway on PostgreSQL (one instance, the server on this machine),
// beside SQLite's figures of the same run: ingest alone, and end to end to one
// endpoint. Each run gets a fresh database, dropped afterwards.
import { SQL } from 'bun'
import { runLoad, startReceiver } from '../lib/children'
import { startGateway, tempDir, TOKEN } from '../lib/gateway'
import { repeat, type Context } from '../lib/profile'
import { CpuMeter } from '../lib/proc'

const SERVER = process.env.HOOKGATE_BENCH_PG ?? 'postgres://postgres@127.0.0.1:5432/postgres'

async function withDatabase<T>(fn: (url: string) => Promise<T>): Promise<T> {
	const name = `hookgate_bench_${crypto.randomUUID().replaceAll('-', '').slice(0, 12)}`
	const admin = new SQL({ url: SERVER, max: 1 })
	await admin.unsafe(`CREATE DATABASE ${name}`)
	const url = new URL(SERVER)
	url.pathname = `/${name}`
	try {
		return await fn(url.toString())
	} finally {
		await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
		await admin.close()
	}
}

export async function postgres(ctx: Context) {
	const p = ctx.profile
	const ingest = await repeat(ctx, 'pg ingest single + batch', (run) => withDatabase(async (url) => {
		const gw = await startGateway(tempDir(ctx.dataDir), { flows: [{ id: 'bench', endpoints: [] }], postgres: url })
		try {
			const target = { url: gw.url, flow: 'bench', token: TOKEN }
			let cpu = new CpuMeter(gw.pid)
			const single = await runLoad({ mode: 'ingest', ...target, idPrefix: `s${run}_`, concurrency: 64, batch: 1, warmupMs: p.warmupMs, durationMs: p.ingestMs })
			const singleCpu = cpu.percent()
			cpu = new CpuMeter(gw.pid)
			const batch = await runLoad({ mode: 'ingest', ...target, idPrefix: `b${run}_`, concurrency: 8, batch: 100, warmupMs: p.warmupMs / 2, durationMs: p.batchMs })
			const batchCpu = cpu.percent()
			for (const r of [single, batch]) if (r.errors > 0) throw new Error(`pg ingest: ${r.errors} errors, first: ${r.firstError}`)
			return { single, singleCpu, batch, batchCpu }
		} finally {
			await gw.stop()
		}
	}))
	const e2e = await repeat(ctx, 'pg e2e 1 endpoint', (run) => withDatabase(async (url) => {
		const rx = await startReceiver()
		const gw = await startGateway(tempDir(ctx.dataDir), { flows: [{ id: 'bench', endpoints: [{ id: 'e0', url: rx.url('/e0') }] }], postgres: url })
		try {
			const cpu = new CpuMeter(gw.pid)
			const r = await runLoad({
				mode: 'e2e', url: gw.url, flow: 'bench', token: TOKEN, idPrefix: `pg${run}_`, concurrency: 64,
				durationMs: p.e2eMs, stats: rx.url('/_stats'), deliveriesPerEvent: 1, maxBacklog: 5000,
			})
			if (r.errors > 0) throw new Error(`pg e2e: ${r.errors} errors, first: ${r.firstError}`)
			return { events: r.received / (r.windowMs / 1000), gwCpu: cpu.percent(), load: r.cpuPercent }
		} finally {
			await gw.stop()
			await rx.stop()
		}
	}))
	const note = 'PostgreSQL 15 on this machine (same 2 cores as gateway and load), poolSize 16'
	ctx.rows.push(
		{ name: 'pg ingest single', unit: 'events/s', runs: ingest.map((r) => (r.single.events / r.single.windowMs) * 1000), baseline: 'ingest single',
			gatewayCpu: ingest.map((r) => r.singleCpu), loadCpu: ingest.map((r) => r.single.cpuPercent), note: `${note}; 64 producers, one event per call` },
		{ name: 'pg ingest batch x100', unit: 'events/s', runs: ingest.map((r) => (r.batch.events / r.batch.windowMs) * 1000), baseline: 'ingest batch x100',
			gatewayCpu: ingest.map((r) => r.batchCpu), loadCpu: ingest.map((r) => r.batch.cpuPercent) },
		{ name: 'pg e2e 1 endpoint', unit: 'events/s', runs: e2e.map((r) => r.events), baseline: 'e2e 1 endpoint',
			gatewayCpu: e2e.map((r) => r.gwCpu), loadCpu: e2e.map((r) => r.load), note: 'delivered events/s, backlog ≤ 5000 events' },
	)
}
