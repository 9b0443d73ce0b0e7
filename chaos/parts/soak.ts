// Soak: steady ingest at `rate` events a second for `durationMs` to two
// endpoints whose receivers fail 5% of the tries (503, then retried). Must
// hold: RSS and open file descriptors of the gateway flat from the end of the
// warm-up to the end, the backlog (jobs not finished) bounded, every
// accepted event delivered.
import { join } from 'node:path'
import { runLoad, startReceiver, type Receiver } from '../../bench/lib/children'
import { sleep } from '../../bench/lib/clock'
import { startGateway, tempDir, TOKEN, type GatewaySpec } from '../../bench/lib/gateway'
import { check, count, openFds, type PartResult } from '../lib/part'
import { awaitDelivered, compare } from '../lib/producer'

export interface SoakOptions {
	rate: number
	durationMs: number
	/** samples before this are warm-up: caches and pools fill */
	warmupMs: number
	sampleMs: number
	failRate: number
	dataDir: string
	/** RSS may end this many MiB above its post-warm-up figure */
	rssSlackMb: number
}

const CONCURRENCY = 16

interface Sample { at: number; rssMb: number; fds: number; backlog: number }

export async function soakPart(o: SoakOptions): Promise<PartResult> {
	const r: PartResult = { part: 'soak', figures: {}, failures: [] }
	const rx: Receiver[] = [await startReceiver({ record: true, failRate: o.failRate }), await startReceiver({ record: true, failRate: o.failRate })]
	const dir = tempDir(o.dataDir)
	const dbPath = join(dir, 'hookgate.db')
	const spec: GatewaySpec = {
		flows: [{ id: 'soak', endpoints: [{ id: 'e0', url: rx[0].url('/e0') }, { id: 'e1', url: rx[1].url('/e1') }] }],
		retrySchedule: ['1s', '2s', '4s', '8s', '16s'], jitter: 0.2, endpointConcurrency: CONCURRENCY,
	}
	const gw = await startGateway(dir, spec)
	try {
		const samples: Sample[] = []
		let loading = true
		const t0 = performance.now()
		const sampler = (async () => {
			while (loading) {
				const m = gw.memory()
				samples.push({ at: performance.now() - t0, rssMb: m.rssMb, fds: openFds(gw.pid),
					backlog: count(dbPath, "SELECT COUNT(*) FROM deliveries WHERE status IN ('pending', 'delivering')") })
				await sleep(o.sampleMs)
			}
		})()
		const load = await runLoad({ mode: 'paced', url: gw.url, flow: 'soak', token: TOKEN, idPrefix: 's-', rate: o.rate, durationMs: o.durationMs })
		loading = false
		await sampler
		const accepted = load.answers.ids
		const got = await awaitDelivered(rx, [accepted, accepted], 60_000)
		const per = got.map((g) => compare(accepted, g))
		const failed = (await Promise.all(rx.map((x) => x.stats()))).reduce((s, st) => s + st.failed, 0)
		const warm = samples.filter((s) => s.at >= o.warmupMs)
		const start = warm[0] ?? samples[0]
		const end = samples[samples.length - 1]
		const peakBacklog = Math.max(...samples.map((s) => s.backlog))
		const lost = per.reduce((s, p) => s + p.lost, 0)
		// bounded: never more than 30 s of deliveries behind, and caught up
		// (≤ 5 s behind) when the load ends; a backlog that grows without
		// bound fails both on a run long enough
		const perSecond = o.rate * rx.length
		const backlogBound = Math.max(500, perSecond * 30)
		const endBound = Math.max(200, perSecond * 5)
		r.figures = {
			seconds: Math.round(o.durationMs / 1000), rate: o.rate, accepted: accepted.length, 'ingest errors': load.errors,
			'ingest p99 ms': load.latencyP99, 'receiver 503s': failed,
			'RSS MiB start': start.rssMb, 'RSS MiB end': end.rssMb, 'RSS MiB peak': Math.max(...samples.map((s) => s.rssMb)),
			'fds start': start.fds, 'fds end': end.fds, 'backlog start': start.backlog, 'backlog end': end.backlog, 'backlog peak': peakBacklog,
			delivered: per.reduce((s, p) => s + p.delivered, 0), lost, duplicates: per.reduce((s, p) => s + p.duplicates, 0),
		}
		check(r, load.errors === 0, `${load.errors} ingest requests were not answered 202 (first: ${load.firstError})`)
		check(r, end.rssMb <= start.rssMb + o.rssSlackMb, `RSS grew from ${start.rssMb.toFixed(0)} to ${end.rssMb.toFixed(0)} MiB`)
		// keep-alive sockets to the receivers may still be opening up to the caps; beyond them is a leak
		const fdBound = start.fds + 2 * CONCURRENCY + 5
		check(r, end.fds <= fdBound, `open file descriptors grew from ${start.fds} to ${end.fds} (bound ${fdBound})`)
		check(r, peakBacklog <= backlogBound, `backlog reached ${peakBacklog} jobs (bound ${backlogBound}: 30 s of deliveries)`)
		check(r, end.backlog <= endBound, `backlog ${end.backlog} jobs when the load ended (bound ${endBound}: 5 s of deliveries)`)
		check(r, lost === 0, `${lost} accepted deliveries never arrived`)
	} finally {
		await gw.stop()
		await Promise.all(rx.map((x) => x.stop()))
	}
	return r
}
