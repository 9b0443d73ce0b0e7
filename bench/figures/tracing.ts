// What tracing costs a delivery when the collector is down: end to end (one
// endpoint, as `e2e 1 endpoint`) with tracing off, then on with its endpoint
// a closed port, in turns so drift on a shared machine hits both alike. Every
// span is made and then dropped, the worst case short of a slow collector.
import { runLoad, startReceiver } from '../lib/children'
import { startGateway, tempDir, TOKEN } from '../lib/gateway'
import type { Context } from '../lib/profile'
import { CpuMeter } from '../lib/proc'

const MAX_BACKLOG = 5000

function closedPort(): number {
	const s = Bun.serve({ hostname: '127.0.0.1', port: 0, fetch: () => new Response('') })
	const port = s.port as number
	s.stop(true)
	return port
}

async function once(ctx: Context, traced: boolean, run: number) {
	const rx = await startReceiver()
	const tracing = traced ? `tracing:\n  otlp:\n    endpoint: http://127.0.0.1:${closedPort()}/v1/traces\n` : ''
	const gw = await startGateway(tempDir(ctx.dataDir), { flows: [{ id: 'bench', endpoints: [{ id: 'e0', url: rx.url('/e0') }] }], extraYaml: tracing })
	try {
		const cpu = new CpuMeter(gw.pid)
		const r = await runLoad({
			mode: 'e2e', url: gw.url, flow: 'bench', token: TOKEN, idPrefix: `t${traced ? 1 : 0}_${run}_`, concurrency: 64,
			durationMs: ctx.profile.e2eMs, stats: rx.url('/_stats'), deliveriesPerEvent: 1, maxBacklog: MAX_BACKLOG,
		})
		if (r.errors > 0) throw new Error(`tracing e2e: ${r.errors} errors, first: ${r.firstError}`)
		const dropped = traced ? await droppedSpans(gw.url) : 0
		return { events: r.received / (r.windowMs / 1000), gwCpu: cpu.percent(), load: r.cpuPercent, dropped }
	} finally {
		await gw.stop()
		await rx.stop()
	}
}

async function droppedSpans(url: string): Promise<number> {
	const text = await (await fetch(`${url}/metrics`)).text()
	return Number(/^hookgate_tracing_spans_dropped_total (\S+)$/m.exec(text)?.[1] ?? NaN)
}

export async function tracing(ctx: Context) {
	const off: Awaited<ReturnType<typeof once>>[] = []
	const on: Awaited<ReturnType<typeof once>>[] = []
	for (let i = 0; i < ctx.profile.runs; i++) {
		// alternate which goes first, so a warming or cooling machine favours neither
		for (const traced of i % 2 === 0 ? [false, true] : [true, false]) {
			ctx.progress(`e2e tracing ${traced ? 'on, collector down' : 'off'} (run ${i + 1}/${ctx.profile.runs})`)
			;(traced ? on : off).push(await once(ctx, traced, i))
		}
	}
	const cost = off.map((o, i) => ((o.events - on[i].events) / o.events) * 100)
	// CPU per event moves less than events/s when other work shares the machine
	const cpuPerEvent = (rs: typeof off) => rs.map((r) => ((r.gwCpu / 100) / r.events * 1e6).toFixed(0)).join('/')
	ctx.details.tracing = { off, on, costPercent: cost }
	ctx.rows.push(
		{ name: 'e2e tracing off', unit: 'events/s', runs: off.map((r) => r.events), gatewayCpu: off.map((r) => r.gwCpu), loadCpu: off.map((r) => r.load),
			note: `as e2e 1 endpoint, ${ctx.profile.e2eMs / 1000} s a run, in turns with the row below; gateway CPU ${cpuPerEvent(off)} µs per event` },
		{ name: 'e2e tracing on, collector down', unit: 'events/s', runs: on.map((r) => r.events), baseline: 'e2e tracing off',
			gatewayCpu: on.map((r) => r.gwCpu), loadCpu: on.map((r) => r.load),
			note: `tracing.otlp.endpoint a closed port; spans dropped ${on.map((r) => r.dropped).join('/')}; gateway CPU ${cpuPerEvent(on)} µs per event` },
		{ name: 'tracing cost, collector down', unit: '%', runs: cost, target: { op: '<=', value: 5 },
			note: 'fewer events/s with tracing on than off, per pair of runs (negative: on was faster)' },
	)
}
