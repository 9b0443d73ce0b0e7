// Scale-out on PostgreSQL (issue 15): 1, 2 and 3 instances on one database
// draining one stored backlog to one endpoint, delivery.concurrency 16 each.
// Against a receiver that takes 50 ms to answer, each instance is bound by the
// receiver's latency (16 / 0.05 s = 320 deliveries/s at most), not by this
// machine's CPU, so the ratio shows whether claims across instances serialize.
// Against a receiver that answers at once the gateways, PostgreSQL, receiver and
// bench all share 2 cores: that case is CPU-bound and reported as it comes.
import { SQL } from 'bun'
import { startReceiver, type Receiver } from '../lib/children'
import { sleep } from '../lib/clock'
import { startGateway, tempDir, TOKEN, type Gateway } from '../lib/gateway'
import { repeat, type Context } from '../lib/profile'

const SERVER = process.env.HOOKGATE_BENCH_PG ?? 'postgres://postgres@127.0.0.1:5432/postgres'
const PER_INSTANCE = 16
const CAP = 2 * PER_INSTANCE * 3

async function once(ctx: Context, instances: number, delayMs: number, run: number): Promise<{ rate: number; backlogLeft: number }> {
	const windowMs = ctx.profile.smoke ? 1500 : 8000
	// enough stored that the window never runs dry: 3 instances at 320/s each, plus the time to start
	const events = ctx.profile.smoke ? 3000 : delayMs > 0 ? 14_000 : 60_000
	const name = `hookgate_scale_${crypto.randomUUID().replaceAll('-', '').slice(0, 12)}`
	const admin = new SQL({ url: SERVER, max: 1 })
	await admin.unsafe(`CREATE DATABASE ${name}`)
	const url = new URL(SERVER)
	url.pathname = `/${name}`
	let rx: Receiver | null = null
	const gws: Gateway[] = []
	try {
		rx = await startReceiver({ delayMs })
		// the endpoint's shared cap above what all three can hold (a round in flight and one claimed ahead
		// each): the cap is not what is measured
		const spec = (i: number) => ({
			flows: [{ id: 'bench', endpoints: [{ id: 'e0', url: rx!.url('/e0') }] }], postgres: url.toString(),
			concurrency: PER_INSTANCE, endpointConcurrency: CAP, instanceId: `scale-${run}-${i}`,
			// the smoke run shares the server's 100 connections with whatever else runs on the machine
			poolSize: ctx.profile.smoke ? 6 : 16,
		})
		// the backlog goes in through a first instance before the others start; delivery starts at once
		gws.push(await startGateway(tempDir(ctx.dataDir), spec(0)))
		for (let n = 0; n < events; n += 500) {
			const res = await fetch(`${gws[0].url}/v1/flows/bench/events/batch`, {
				method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
				body: JSON.stringify({ events: Array.from({ length: Math.min(500, events - n) }, (_, k) => ({ id: `s${n + k}`, type: 'order.created', data: { n: n + k } })) }),
			})
			if (res.status !== 202) throw new Error(`scale: seeding answered ${res.status}: ${await res.text()}`)
		}
		for (let i = 1; i < instances; i++) gws.push(await startGateway(tempDir(ctx.dataDir), spec(i)))
		await sleep(1500) // every instance past its first claims
		const a = await rx.stats()
		const t0 = performance.now()
		await sleep(windowMs)
		const b = await rx.stats()
		const seconds = (performance.now() - t0) / 1000
		const db = new SQL({ url: url.toString(), max: 1 })
		const [left] = await db`SELECT COUNT(*)::int AS n FROM deliveries WHERE status = 'pending'`
		await db.close()
		return { rate: (b.count - a.count) / seconds, backlogLeft: left.n }
	} finally {
		await Promise.all(gws.map((g) => g.stop()))
		await rx?.stop()
		await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
		await admin.close()
	}
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

export async function scale(ctx: Context) {
	const slow: Record<number, Array<{ rate: number; backlogLeft: number }>> = {}
	const fast: Record<number, Array<{ rate: number; backlogLeft: number }>> = {}
	for (const k of [1, 2, 3]) slow[k] = await repeat(ctx, `pg scale ${k} instance(s), 50 ms receiver`, (run) => once(ctx, k, 50, run))
	for (const k of [1, 2, 3]) fast[k] = await repeat(ctx, `pg scale ${k} instance(s), CPU-bound`, (run) => once(ctx, k, 0, run))
	ctx.details.scale = { slowReceiver: slow, cpuBound: fast }
	const dry = (xs: Array<{ backlogLeft: number }>) => xs.some((r) => r.backlogLeft === 0) ? '; BACKLOG RAN DRY in a run: the figure is low' : ''
	const note = `one endpoint (shared cap ${CAP}), delivery.concurrency ${PER_INSTANCE} per instance, deliveries/s over ${ctx.profile.smoke ? 1.5 : 8} s of a stored backlog`
	const one = median(slow[1].map((r) => r.rate))
	const oneFast = median(fast[1].map((r) => r.rate))
	ctx.rows.push(
		{ name: 'pg scale 1 instance, 50 ms receiver', unit: 'deliv/s', runs: slow[1].map((r) => r.rate), note: `${note}; at most ${PER_INSTANCE / 0.05}/s per instance${dry(slow[1])}` },
		{ name: 'pg scale 2 instances, 50 ms receiver', unit: 'deliv/s', runs: slow[2].map((r) => r.rate), note: dry(slow[2]) || undefined },
		{ name: 'pg scale 3 instances, 50 ms receiver', unit: 'deliv/s', runs: slow[3].map((r) => r.rate), note: dry(slow[3]) || undefined },
		{ name: 'pg scale 2/1, 50 ms receiver', unit: '×', runs: slow[2].map((r) => r.rate / one), target: { op: '>=', value: 1.9 }, note: 'each run over the median of 1 instance' },
		{ name: 'pg scale 3/1, 50 ms receiver', unit: '×', runs: slow[3].map((r) => r.rate / one), target: { op: '>=', value: 2.7 } },
		{ name: 'pg scale 1 instance, CPU-bound', unit: 'deliv/s', runs: fast[1].map((r) => r.rate), note: `receiver answers at once: gateways, PostgreSQL, receiver and bench share 2 cores${dry(fast[1])}` },
		{ name: 'pg scale 2 instances, CPU-bound', unit: 'deliv/s', runs: fast[2].map((r) => r.rate), note: `${(median(fast[2].map((r) => r.rate)) / oneFast).toFixed(2)}× of 1 instance${dry(fast[2])}` },
		{ name: 'pg scale 3 instances, CPU-bound', unit: 'deliv/s', runs: fast[3].map((r) => r.rate), note: `${(median(fast[3].map((r) => r.rate)) / oneFast).toFixed(2)}× of 1 instance${dry(fast[3])}` },
	)
}
