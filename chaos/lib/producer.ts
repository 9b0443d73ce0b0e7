// Steady ingest from inside the harness: `rate` events a second whatever the
// answers do, to whichever gateway is up now (none while it is down between
// a kill and its restart). Remembers every id answered 202: the events the
// gateway promised to deliver.
import type { Receiver } from '../../bench/lib/children'
import { sleep } from '../../bench/lib/clock'

export interface ProducerSpec {
	/** base URL of the gateway now, or null while it is down */
	target: () => string | null
	flow: string
	token: string
	/** ids are prefix + a counter */
	prefix: string
	rate: number
	/** event type of the n-th event */
	type?: (n: number) => string
	/** bytes of padding in each event's data, to fill a store faster */
	pad?: number
	/** requests in flight at most; the rest wait (an open loop with a bound) */
	maxInFlight?: number
}

export interface Producer {
	accepted: string[]
	/** HTTP status → answers that were not 202 */
	refused: Map<number, number>
	/** requests that got no answer (gateway down or killed mid-request) */
	unanswered: number
	sent(): number
	stop(): Promise<void>
}

export function produce(spec: ProducerSpec): Producer {
	const accepted: string[] = []
	const refused = new Map<number, number>()
	const inflight = new Set<Promise<void>>()
	const max = spec.maxInFlight ?? 64
	let unanswered = 0
	let n = 0
	let running = true
	const pad = 'x'.repeat(spec.pad ?? 0)
	const one = async (base: string, i: number) => {
		const id = `${spec.prefix}${i}`
		try {
			const res = await fetch(`${base}/v1/flows/${spec.flow}/events`, {
				method: 'POST',
				headers: { 'content-type': 'application/json', authorization: `Bearer ${spec.token}` },
				body: JSON.stringify({ id, type: spec.type?.(i) ?? 'chaos.tick', data: { n: i, pad } }),
			})
			await res.arrayBuffer()
			if (res.status === 202) accepted.push(id)
			else refused.set(res.status, (refused.get(res.status) ?? 0) + 1)
		} catch {
			unanswered++
		}
	}
	const loop = async () => {
		const t0 = performance.now()
		let due = 0
		while (running) {
			const base = spec.target()
			const shouldHave = Math.floor(((performance.now() - t0) * spec.rate) / 1000)
			// time spent down is not made up later: the rate stays steady
			if (!base) due = shouldHave
			while (base && due < shouldHave && inflight.size < max) {
				due++
				const p = one(base, n++)
				inflight.add(p)
				p.finally(() => inflight.delete(p))
			}
			if (due < shouldHave && inflight.size >= max) due = shouldHave
			await sleep(5)
		}
	}
	const loopDone = loop()
	return {
		accepted, refused,
		get unanswered() { return unanswered },
		sent: () => n,
		async stop() {
			running = false
			await loopDone
			await Promise.all(inflight)
		},
	}
}

/** Per id, how many times a receiver got it (its `_arrivals` ledger). */
export function tally(ids: string[]): Map<string, number> {
	const m = new Map<string, number>()
	for (const id of ids) m.set(id, (m.get(id) ?? 0) + 1)
	return m
}

/** What a ledger says about the ids an endpoint should have got. */
export function compare(expected: Iterable<string>, got: Map<string, number>) {
	let lost = 0
	let expectedCount = 0
	for (const id of expected) {
		expectedCount++
		if (!got.has(id)) lost++
	}
	let duplicates = 0
	for (const c of got.values()) duplicates += c - 1
	return { expected: expectedCount, lost, duplicates, delivered: got.size }
}

/**
 * Polls the receivers' ledgers until each has every id expected of it (and
 * `settled` says so too) or `ms` pass; returns the last ledgers.
 */
export async function awaitDelivered(rx: Receiver[], expected: string[][], ms: number, settled: () => boolean = () => true): Promise<Map<string, number>[]> {
	const until = Date.now() + ms
	for (;;) {
		const got = await Promise.all(rx.map(async (x) => tally((await x.arrivals()).ids)))
		const missing = expected.some((ids, i) => ids.some((id) => !got[i].has(id)))
		if ((!missing && settled()) || Date.now() >= until) return got
		await sleep(250)
	}
}
