// The load generator, run as its own process so the bench can say what it
// cost. One job per run, given as JSON in argv[2]; prints one JSON result line.
// Closed-loop modes keep `concurrency` requests in flight; `paced` sends at a
// fixed rate whatever the answers do (open loop), so latency is not hidden by
// the producer slowing down.
import { clock, sleep } from './lib/clock'
import { percentile } from './lib/stats'

export interface IngestTarget {
	/** gateway base URL */
	url: string
	flow: string
	token: string
	/** prefix of the event ids this run sends, unique per run */
	idPrefix: string
}

export type LoadJob =
	| { mode: 'http'; url: string; concurrency: number; warmupMs: number; durationMs: number }
	| ({ mode: 'ingest'; concurrency: number; batch: number; warmupMs: number; durationMs: number } & IngestTarget)
	| ({ mode: 'e2e'; concurrency: number; durationMs: number; stats: string; deliveriesPerEvent: number; maxBacklog: number } & IngestTarget)
	| ({ mode: 'paced'; rate: number; durationMs: number } & IngestTarget)

export interface LoadResult {
	/** requests answered 2xx inside the measured window */
	requests: number
	/** events accepted inside the measured window */
	events: number
	errors: number
	firstError: string | null
	windowMs: number
	latencyP50: number
	latencyP99: number
	/** e2e: deliveries counted at the receiver inside the window */
	received: number
	/** paced: every accepted event, when its answer came and how long it took (ms) */
	answers: { ids: string[]; times: number[]; latencies: number[] }
	/** this process: CPU percent of one core over its whole run */
	cpuPercent: number
}

// ~1 KiB of JSON per event, like the bodies limits.md measured with.
const PAD = 'x'.repeat(900)
const eventBody = (id: string) => ({ id, type: 'bench.tick', data: { n: id, pad: PAD } })

const job = JSON.parse(process.argv[2] ?? '{}') as LoadJob
const cpuStart = process.cpuUsage()
const wallStart = performance.now()

const result: LoadResult = {
	requests: 0, events: 0, errors: 0, firstError: null, windowMs: 0, latencyP50: NaN, latencyP99: NaN,
	received: 0, answers: { ids: [], times: [], latencies: [] }, cpuPercent: 0,
}

function fail(what: string) {
	result.errors++
	result.firstError ??= what
}

function ingestRequest(t: IngestTarget, ids: string[]): Promise<Response> {
	const single = ids.length === 1
	const path = `/v1/flows/${t.flow}/events${single ? '' : '/batch'}`
	const body = single ? eventBody(ids[0]) : { events: ids.map(eventBody) }
	return fetch(t.url + path, {
		method: 'POST',
		headers: { 'content-type': 'application/json', authorization: `Bearer ${t.token}` },
		body: JSON.stringify(body),
	})
}

/** Runs `concurrency` loops of `send` until the window ends; counts and times what lands in the window. */
async function closedLoop(concurrency: number, warmupMs: number, durationMs: number,
	send: () => Promise<{ ok: boolean; events: number; what?: string }>, gate: () => boolean = () => true) {
	const t0 = performance.now()
	const from = t0 + warmupMs
	const to = from + durationMs
	const latencies: number[] = []
	const worker = async () => {
		while (performance.now() < to) {
			if (!gate()) { await sleep(2); continue }
			const started = performance.now()
			let r: { ok: boolean; events: number; what?: string }
			try { r = await send() } catch (e) { r = { ok: false, events: 0, what: String(e) } }
			const ended = performance.now()
			if (started < from || ended > to) continue
			if (!r.ok) { fail(r.what ?? 'error'); continue }
			result.requests++
			result.events += r.events
			latencies.push(ended - started)
		}
	}
	await Promise.all(Array.from({ length: concurrency }, worker))
	result.windowMs = durationMs
	result.latencyP50 = percentile(latencies, 50)
	result.latencyP99 = percentile(latencies, 99)
}

async function runHttp(j: Extract<LoadJob, { mode: 'http' }>) {
	const body = JSON.stringify(eventBody('baseline'))
	await closedLoop(j.concurrency, j.warmupMs, j.durationMs, async () => {
		const res = await fetch(j.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body })
		await res.arrayBuffer()
		return { ok: res.ok, events: 1, what: `HTTP ${res.status}` }
	})
}

async function runIngest(j: Extract<LoadJob, { mode: 'ingest' }>) {
	let n = 0
	await closedLoop(j.concurrency, j.warmupMs, j.durationMs, async () => {
		const ids = Array.from({ length: j.batch }, () => `${j.idPrefix}${n++}`)
		const res = await ingestRequest(j, ids)
		const text = await res.text()
		return { ok: res.status === 202, events: ids.length, what: `HTTP ${res.status} ${text.slice(0, 200)}` }
	})
}

// Producers pause while the backlog (accepted events not yet at every
// endpoint) is over the bound, so the figure is a rate the gateway sustains,
// not a queue filling up.
async function runE2e(j: Extract<LoadJob, { mode: 'e2e' }>) {
	let n = 0
	let accepted = 0
	let received = 0
	let done = false
	const poll = async () => {
		while (!done) {
			try { received = ((await (await fetch(j.stats)).json()) as { count: number }).count } catch {}
			await sleep(50)
		}
	}
	const poller = poll()
	const backlog = () => accepted - received / j.deliveriesPerEvent
	await closedLoop(j.concurrency, 0, j.durationMs, async () => {
		const res = await ingestRequest(j, [`${j.idPrefix}${n++}`])
		const text = await res.text()
		if (res.status === 202) accepted++
		return { ok: res.status === 202, events: 1, what: `HTTP ${res.status} ${text.slice(0, 200)}` }
	}, () => backlog() < j.maxBacklog)
	done = true
	await poller
	result.received = ((await (await fetch(j.stats)).json()) as { count: number }).count
}

async function runPaced(j: Extract<LoadJob, { mode: 'paced' }>) {
	const t0 = performance.now()
	let sent = 0
	const inflight = new Set<Promise<void>>()
	const latencies: number[] = []
	const one = async (id: string) => {
		const started = performance.now()
		try {
			const res = await ingestRequest(j, [id])
			const answered = clock()
			const text = await res.text()
			if (res.status !== 202) return fail(`HTTP ${res.status} ${text.slice(0, 200)}`)
			const took = performance.now() - started
			latencies.push(took)
			result.answers.latencies.push(took)
			result.requests++
			result.events++
			result.answers.ids.push(id)
			result.answers.times.push(answered)
		} catch (e) {
			fail(String(e))
		}
	}
	// a 1 ms tick sends whatever the schedule says is due by now
	while (performance.now() - t0 < j.durationMs) {
		const due = Math.min(Math.floor(((performance.now() - t0) * j.rate) / 1000), Math.floor((j.durationMs * j.rate) / 1000))
		while (sent < due) {
			const p = one(`${j.idPrefix}${sent++}`)
			inflight.add(p)
			p.finally(() => inflight.delete(p))
		}
		await sleep(1)
	}
	await Promise.all(inflight)
	result.windowMs = j.durationMs
	result.latencyP50 = percentile(latencies, 50)
	result.latencyP99 = percentile(latencies, 99)
}

if (job.mode === 'http') await runHttp(job)
else if (job.mode === 'ingest') await runIngest(job)
else if (job.mode === 'e2e') await runE2e(job)
else if (job.mode === 'paced') await runPaced(job)
else throw new Error(`unknown mode ${(job as { mode: string }).mode}`)

const cpu = process.cpuUsage(cpuStart)
result.cpuPercent = ((cpu.user + cpu.system) / 1000 / (performance.now() - wallStart)) * 100
console.log(JSON.stringify(result))
