// A disk that really fills under load, then is freed. The data folder is a
// small tmpfs (we are root) with a ballast file taking most of it, so the
// database meets ENOSPC within seconds; where mounting is not allowed the
// `storage.maxSize` cap stands in. Must hold: ingest refuses with 503 while
// full and `/readyz` says so; delivery of what was accepted goes on; SIGTERM
// exits within shutdownGrace + 5 s; once space is back ingest answers 202
// again and nothing accepted is lost.
import { rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { startReceiver } from '../../bench/lib/children'
import { sleep } from '../../bench/lib/clock'
import { startGateway, tempDir, TOKEN, type Gateway, type GatewaySpec } from '../../bench/lib/gateway'
import { check, integrity, type PartResult } from '../lib/part'
import { awaitDelivered, compare, produce, type Producer } from '../lib/producer'

export interface DiskOptions {
	/** tmpfs size in MiB; free room left beside the ballast in MiB */
	sizeMb: number
	roomMb: number
	rate: number
	/** how long load goes on once ingest refuses */
	holdMs: number
	/** how long the full gateway may take to deliver what it accepted */
	deliverMs: number
	dataDir: string
}

const GRACE_MS = 2000

function mountTmpfs(dir: string, sizeMb: number): boolean {
	return Bun.spawnSync(['mount', '-t', 'tmpfs', '-o', `size=${sizeMb}m`, 'tmpfs', dir], { stderr: 'ignore' }).exitCode === 0
}

/** Waits for `p` at most `ms`; true when it settled in time. */
async function within(p: Promise<unknown>, ms: number): Promise<boolean> {
	let timer: Timer | undefined
	const t = new Promise<false>((r) => { timer = setTimeout(() => r(false), ms) })
	const ok = await Promise.race([p.then(() => true), t])
	clearTimeout(timer)
	return ok
}

const statuses = (p: Producer) => [...p.refused].map(([s, n]) => `${n}×${s}`).join(' ') || 'none'

export async function diskPart(o: DiskOptions): Promise<PartResult> {
	const r: PartResult = { part: 'disk', figures: {}, failures: [] }
	// a receiver that fails a third of the tries keeps retries (attempt records,
	// state changes: writes) going while the disk is full
	const rx = await startReceiver({ record: true, failRate: 0.3 })
	const dir = tempDir(o.dataDir)
	const mounted = mountTmpfs(dir, o.sizeMb)
	const ballast = join(dir, 'ballast')
	if (mounted) writeFileSync(ballast, Buffer.alloc((o.sizeMb - o.roomMb) * 1024 * 1024))
	const spec: GatewaySpec = {
		flows: [{ id: 'disk', endpoints: [{ id: 'e0', url: rx.url('/e0') }] }],
		retrySchedule: ['100ms', '200ms', '300ms', '500ms', '500ms', '1s', '1s', '2s'], jitter: 0, shutdownGrace: `${GRACE_MS}ms`,
		maxSize: mounted ? undefined : `${o.roomMb}MB`,
	}
	let gw: Gateway | null = await startGateway(dir, spec)
	const accepted: string[] = []
	let p: Producer | null = null
	try {
		// fill: steady ingest until the store refuses
		p = produce({ target: () => gw?.url ?? null, flow: 'disk', token: TOKEN, prefix: 'd1-', rate: o.rate, pad: 2000 })
		const until = Date.now() + 60_000
		while (Date.now() < until && (p.refused.get(503) ?? 0) < 20) await sleep(50)
		const full = (p.refused.get(503) ?? 0) >= 20
		const delivered0 = (await rx.stats()).count
		await sleep(o.holdMs)
		const ready = await fetch(`${gw.url}/readyz`)
		const readyz = `${ready.status} ${(await ready.text()).slice(0, 120)}`
		await p.stop()
		accepted.push(...p.accepted)
		const filled = { accepted: p.accepted.length, refused: statuses(p), other: [...p.refused].filter(([s]) => s !== 503).reduce((a, [, n]) => a + n, 0) }
		// delivery goes on while the disk stays full
		let [got] = await awaitDelivered([rx], [p.accepted], o.deliverMs)
		const whileFull = compare(p.accepted, got)
		const deliveredWhileFull = (await rx.stats()).count - delivered0
		// SIGTERM with a store that cannot write
		const g = gw
		gw = null
		const aliveAtTerm = (await fetch(`${g.url}/healthz`).then((x) => x.status, () => 0)) === 200
		const t0 = performance.now()
		g.kill('SIGTERM')
		const exited = await within(g.exited, GRACE_MS + 5000)
		const exitMs = performance.now() - t0
		if (!exited) { g.kill('SIGKILL'); await g.exited }
		// free the space and start again; the WAL grows by whole pages per
		// commit, so give back more than the ballast
		rmSync(ballast, { force: true })
		if (mounted) Bun.spawnSync(['mount', '-o', `remount,size=${o.sizeMb * 8}m`, dir])
		const spec2 = mounted ? spec : { ...spec, maxSize: `${o.roomMb * 4}MB` }
		gw = await startGateway(dir, spec2)
		p = produce({ target: () => gw?.url ?? null, flow: 'disk', token: TOKEN, prefix: 'd2-', rate: o.rate, pad: 2000 })
		await sleep(1500)
		await p.stop()
		accepted.push(...p.accepted)
		const after = { accepted: p.accepted.length, refused: statuses(p) }
				;[got] = await awaitDelivered([rx], [accepted], 30_000)
		const end = compare(accepted, got)
		const g2 = gw
		gw = null
		await g2.stop({ keep: true })
		const ok = integrity(join(dir, 'hookgate.db'))
		r.figures = {
			medium: mounted ? `tmpfs ${o.sizeMb} MiB, ${o.roomMb} MiB free` : `storage.maxSize ${o.roomMb} MiB (mount refused)`,
			'accepted until full': filled.accepted, 'refused while full': filled.refused, 'readyz while full': readyz,
			'delivered while full': `${whileFull.expected - whileFull.lost} of ${whileFull.expected} (${deliveredWhileFull} tries)`,
			'alive when SIGTERMed': aliveAtTerm,
			'SIGTERM exit': exited ? `${(exitMs / 1000).toFixed(1)} s` : `none in ${(GRACE_MS + 5000) / 1000} s (SIGKILLed)`,
			'accepted after freeing': after.accepted, 'refused after freeing': after.refused,
			accepted: accepted.length, delivered: end.expected - end.lost, lost: end.lost, duplicates: end.duplicates, integrity: ok,
		}
		check(r, full, 'the store never refused ingest: the disk did not fill')
		check(r, ready.status === 503, `/readyz answered ${readyz} while ingest was refused`)
		check(r, filled.other === 0, `ingest answered ${filled.refused} while full: only 503 may refuse for a full store`)
		// A disk with no room at all cannot record a try: trying anyway would send what
		// could not be written down and send it again after the restart. So delivery
		// waits for space (reported above, not a failure); a size cap keeps its last
		// 5% for tries instead. "Delivery goes on" is checked once space is back.
		check(r, aliveAtTerm, 'the gateway was not running any more when the disk had been full a while')
		check(r, exited, `SIGTERM did not end the process within shutdownGrace + 5 s while the disk was full`)
		check(r, after.accepted > 0 && after.refused === 'none', `after freeing space: ${after.accepted} accepted, refused ${after.refused}`)
		check(r, end.lost === 0, `${end.lost} accepted events never delivered`)
		check(r, ok === 'ok', `integrity_check: ${ok}`)
	} finally {
		await p?.stop()
		if (gw) { gw.kill('SIGKILL'); await gw.exited }
		await rx.stop()
		if (mounted) Bun.spawnSync(['umount', '-l', dir])
		rmSync(dir, { recursive: true, force: true })
	}
	return r
}
