// Hostile producers beside well-behaved ones. The well-behaved send small
// events to their own flow with their own token (closed loop, 4 clients),
// first alone, then while hostile clients on other flows send: JSON nested
// 12,000 levels resent with the same id, event types that make wildcard
// filters backtrack, events near and over the body limit, and values that
// cannot be sent (a lone surrogate, `..`, in a URL placeholder). Must hold:
// the well-behaved get only 2xx, with p99 within 2× of their figure alone.
import { rmSync } from 'node:fs'
import { runLoad, startReceiver } from '../../bench/lib/children'
import { sleep } from '../../bench/lib/clock'
import { startGateway, tempDir, TOKEN, type GatewaySpec } from '../../bench/lib/gateway'
import { percentile } from '../../bench/lib/stats'
import { check, type PartResult } from '../lib/part'

export interface HostileOptions {
	/** each measured window of the well-behaved clients */
	windowMs: number
	depth: number
	/** length of the event types sent against wildcard filters (256 took 10 s a request) */
	typeLength: number
	dataDir: string
}

const HOSTILE_TOKEN = 'chaos-hostile-token'

type Kind = 'deep' | 'backtrack' | 'huge' | 'unsendable'

/** A body per call for each hostile kind: flow and raw JSON. */
function hostileBodies(depth: number, typeLength: number): Record<Kind, (n: number) => { flow: string; body: string }> {
	const nested = '{"a":'.repeat(depth) + '1' + '}'.repeat(depth)
	const near = 'x'.repeat(250 * 1024)
	const over = 'x'.repeat(300 * 1024)
	return {
		// the same id every time: the resend is what poisoned the shared commit
		deep: () => ({ flow: 'hostile', body: `{"id":"deep-1","type":"deep.nest","data":${nested}}` }),
		backtrack: (n) => ({ flow: 'hostile', body: JSON.stringify({ id: `bt-${n}`, type: n % 2 ? '.'.repeat(typeLength) : 'a'.repeat(typeLength), data: {} }) }),
		huge: (n) => ({ flow: 'bulk', body: JSON.stringify({ id: `huge-${n}`, type: 'bulk.blob', data: { blob: n % 5 === 4 ? over : near } }) }),
		unsendable: (n) => ({ flow: 'placeholder', body: JSON.stringify({ id: `u-${n}`, type: 'odd.value', data: { slug: ['\ud800', '..', 'a\u0000b'][n % 3] } }) }),
	}
}

export async function hostilePart(o: HostileOptions): Promise<PartResult> {
	const r: PartResult = { part: 'hostile', figures: {}, failures: [] }
	const good = await startReceiver()
	const bad = await startReceiver()
	const dir = tempDir(o.dataDir)
	const spec: GatewaySpec = {
		flows: [
			{ id: 'good', endpoints: [{ id: 'g0', url: good.url('/g0') }] },
			{ id: 'hostile', token: HOSTILE_TOKEN, endpoints: [
				{ id: 'all', url: bad.url('/all') },
				{ id: 'dots', url: bad.url('/dots'), events: ['*.*.*.*.*.created'] },
				{ id: 'stars', url: bad.url('/stars'), events: ['*a*a*a*a*b'] },
			] },
			// its own flow: a placeholder makes `data.slug` required for every event of the flow
			{ id: 'placeholder', token: HOSTILE_TOKEN, endpoints: [{ id: 'slug', url: `${bad.url('/p/')}{{ event.data.slug }}/tail` }] },
			{ id: 'bulk', token: HOSTILE_TOKEN, endpoints: [] },
		],
		retrySchedule: ['1s'],
	}
	const gw = await startGateway(dir, spec)
	const counts: Record<Kind, Map<number, number>> = { deep: new Map(), backtrack: new Map(), huge: new Map(), unsendable: new Map() }
	let hostile = false
	try {
		const measure = () => runLoad({ mode: 'ingest', url: gw.url, flow: 'good', token: TOKEN, idPrefix: `g${Date.now()}-`,
			concurrency: 4, batch: 1, warmupMs: 500, durationMs: o.windowMs })
		const alone = await measure()
		const rssBefore = gw.memory().rssMb
		hostile = true
		const bodies = hostileBodies(o.depth, o.typeLength)
		const client = async (kind: Kind) => {
			for (let n = 0; hostile; n++) {
				const { flow, body } = bodies[kind](n)
				let status = 0
				try {
					const res = await fetch(`${gw.url}/v1/flows/${flow}/events`, {
						method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${HOSTILE_TOKEN}` }, body,
					})
					await res.arrayBuffer()
					status = res.status
				} catch {}
				counts[kind].set(status, (counts[kind].get(status) ?? 0) + 1)
			}
		}
		const clients = [client('deep'), client('deep'), client('backtrack'), client('huge'), client('unsendable')]
		// /healthz beside it all: how long the event loop is held
		const health: number[] = []
		const prober = (async () => {
			while (hostile) {
				const t = performance.now()
				try { await (await fetch(`${gw.url}/healthz`)).arrayBuffer() } catch {}
				health.push(performance.now() - t)
				await sleep(100)
			}
		})()
		const beside = await measure()
		hostile = false
		await Promise.all([...clients, prober])
		// no 2xx at all gives no percentile (NaN, sent as null by the load generator)
		const aloneP99 = alone.latencyP99 ?? NaN
		const besideP99 = beside.latencyP99 ?? NaN
		const alive = await fetch(`${gw.url}/healthz`).then((x) => x.ok, () => false)
		const show = (m: Map<number, number>) => [...m].sort((a, b) => a[0] - b[0]).map(([s, n]) => `${n}×${s || 'no answer'}`).join(' ')
		r.figures = {
			'alone: 202s': alone.requests, 'alone p99 ms': aloneP99, 'alone errors': alone.errors,
			'beside hostile: 202s': beside.requests, 'beside p99 ms': besideP99, 'beside errors': beside.errors,
			'p99 ratio': besideP99 / aloneP99,
			...Object.fromEntries(Object.entries(counts).map(([k, m]) => [k, show(m)])),
			'healthz p99 ms': percentile(health, 99), 'RSS MiB before/after': `${rssBefore.toFixed(0)}/${gw.memory().rssMb.toFixed(0)}`,
		}
		check(r, alive, 'the gateway no longer answers /healthz')
		check(r, alone.errors === 0, `alone the well-behaved got ${alone.errors} non-2xx (first: ${alone.firstError})`)
		// a request held past the window counts neither as 2xx nor as error
		check(r, beside.requests > 0, 'beside hostile producers no well-behaved request was answered inside the window')
		check(r, beside.errors === 0, `beside hostile producers the well-behaved got ${beside.errors} non-2xx (first: ${beside.firstError})`)
		check(r, besideP99 <= 2 * aloneP99, `well-behaved p99 ${besideP99.toFixed(1)} ms beside hostile producers, over 2× the ${aloneP99.toFixed(1)} ms alone`)
		for (const k of Object.keys(counts) as Kind[]) check(r, !counts[k].has(0) && ![...counts[k].keys()].some((s) => s >= 500), `${k}: answered ${show(counts[k])}`)
	} finally {
		hostile = false
		await gw.stop()
		await Promise.all([good.stop(), bad.stop()])
		rmSync(dir, { recursive: true, force: true })
	}
	return r
}
