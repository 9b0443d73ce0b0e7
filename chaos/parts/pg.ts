// Three compiled binaries on one PostgreSQL database, one receiver ledger
// (issue 15): events spread over the three, one instance SIGKILLed twice and
// restarted under its id; the same id sent to two instances at once; every
// hookgate connection terminated under load, then the database refusing
// connections for a while. Must hold: every accepted event reaches every
// endpoint, duplicates no more than the leases taken back (at restart or when
// they ran out), no job left delivering, one event per id, only 503s with
// Retry-After while the database is away, /readyz saying why.
import { SQL } from 'bun'
import { sleep } from '../../bench/lib/clock'
import { startGateway, tempDir, TOKEN, type Gateway, type GatewaySpec } from '../../bench/lib/gateway'
import { check, type PartResult } from '../lib/part'

export interface PgOptions {
	events: number
	/** producers sending at once */
	producers: number
	/** same-id pairs sent to two instances at once */
	twins: number
	/** how long the database refuses connections */
	awayMs: number
	drainMs: number
	dataDir: string
	/** the server; each run makes and drops its own database */
	server: string
}

const ENDPOINTS = ['a', 'b', 'c']

/** A loopback receiver keeping how often each id reached each path. */
function ledger() {
	const seen = new Map<string, number>()
	let hits = 0
	const server = Bun.serve({
		hostname: '127.0.0.1', port: 0,
		fetch(req) {
			const k = `${new URL(req.url).pathname} ${req.headers.get('webhook-id')}`
			seen.set(k, (seen.get(k) ?? 0) + 1)
			hits++
			return new Response('ok')
		},
	})
	return {
		url: (path: string) => `http://127.0.0.1:${server.port}${path}`,
		has: (path: string, id: string) => seen.has(`${path} ${id}`),
		duplicates: () => hits - seen.size,
		hits: () => hits,
		stop: () => server.stop(true),
	}
}

/** Leases taken back, as each process logged them: its own at start (`recovered`), anyone's that ran out (`reclaimed`). */
function leasesTakenBack(output: string): number {
	let n = 0
	for (const line of output.split('\n')) {
		if (!line.startsWith('{')) continue
		try {
			const l = JSON.parse(line) as { recovered?: number; reclaimed?: number }
			n += (l.recovered ?? 0) + (l.reclaimed ?? 0)
		} catch {}
	}
	return n
}

export async function pgPart(o: PgOptions): Promise<PartResult> {
	const r: PartResult = { part: 'pg', figures: {}, failures: [] }
	const name = `hookgate_chaos_${crypto.randomUUID().replaceAll('-', '').slice(0, 12)}`
	const admin = new SQL({ url: o.server, max: 1 })
	await admin.unsafe(`CREATE DATABASE ${name}`)
	const url = new URL(o.server)
	url.pathname = `/${name}`
	const rx = ledger()
	const spec = (id: string): GatewaySpec => ({
		flows: [{ id: 'shop', endpoints: ENDPOINTS.map((e) => ({ id: e, url: rx.url(`/${e}`) })) }],
		postgres: url.toString(), instanceId: id, concurrency: 16, endpointConcurrency: 16, retrySchedule: ['200ms', '1s'],
		// three instances and a restarted one beside its dying self stay well inside the server's 100 connections
		poolSize: 8,
	})
	const gws: Array<Gateway | null> = [null, null, null]
	// every process started, for the leases each logged as taken back
	const every: Gateway[] = []
	const t0 = performance.now()
	try {
		const started = await Promise.all(['p1', 'p2', 'p3'].map((id) => startGateway(tempDir(o.dataDir), spec(id))))
		started.forEach((g, i) => { gws[i] = g })
		every.push(...started)

		// 1. events spread over the three; the second one SIGKILLed twice and restarted under its id
		const accepted = new Set<string>()
		let refusedOther = 0
		const post = async (i: number, id: string): Promise<Response | null> => {
			const g = gws[i]
			if (!g) return null
			try {
				return await fetch(`${g.url}/v1/flows/shop/events`, {
					method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
					body: JSON.stringify({ id, type: 'order.created', data: { id } }),
				})
			} catch { return null } // killed under the request
		}
		// as a producer behind a load balancer: a failed or refused send goes to the next instance, same id
		const sendOne = async (n: number) => {
			const id = `e${n}`
			for (let k = 0; k < 200; k++) {
				const res = await post((n + k) % 3, id)
				if (res) {
					await res.arrayBuffer()
					if (res.status === 202 || res.status === 200) { accepted.add(id); return }
					if (res.status !== 503) refusedOther++
				}
				await sleep(20)
			}
		}
		let next = 0
		const producers = Array.from({ length: o.producers }, async () => {
			while (next < o.events) await sendOne(next++)
		})
		for (const at of [1 / 3, 2 / 3]) {
			while (next < o.events * at) await sleep(20)
			const victim = gws[1]!
			gws[1] = null
			victim.kill('SIGKILL')
			await victim.exited
			gws[1] = await startGateway(tempDir(o.dataDir), spec('p2'))
			every.push(gws[1])
		}
		await Promise.all(producers)
		r.figures.accepted = accepted.size
		r.figures['ingest s'] = Math.round((performance.now() - t0) / 1000)
		check(r, accepted.size === o.events, `${o.events - accepted.size} events never accepted`)
		check(r, refusedOther === 0, `${refusedOther} answers other than 2xx/503 during the kills`)

		// 2. the same id to two instances at the same moment
		let pairsWrong = 0
		for (let i = 0; i < o.twins; i++) {
			const [x, y] = await Promise.all([post(0, `twin-${i}`), post(2, `twin-${i}`)])
			const st = [x?.status, y?.status].sort()
			await x?.arrayBuffer(); await y?.arrayBuffer()
			if (st[0] !== 200 || st[1] !== 202) pairsWrong++
		}
		const db = new SQL({ url: url.toString(), max: 1 })
		try {
			const [tw] = await db`SELECT COUNT(*)::int AS n, COUNT(DISTINCT id)::int AS ids FROM events WHERE id LIKE 'twin-%'`
			r.figures['twin events'] = `${tw.n}/${o.twins}`
			check(r, tw.n === o.twins && tw.ids === o.twins, `same id twice at once: ${tw.n} events for ${o.twins} ids`)
			check(r, pairsWrong === 0, `${pairsWrong} same-id pairs not answered one 202 and one 200`)
		} finally { await db.close() }
		for (let i = 0; i < o.twins; i++) accepted.add(`twin-${i}`)

		// 3. every hookgate connection terminated under load, then the database away for awayMs
		const statuses = new Map<number, number>()
		let noRetryAfter = 0
		let sending = true
		let n = 0
		const outageLoad = Array.from({ length: 8 }, async () => {
			while (sending) {
				const id = `o${n++}`
				const res = await post(n % 3, id)
				if (!res) continue
				statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1)
				if (res.status === 202 || res.status === 200) accepted.add(id)
				else if (res.status === 503 && !/^\d+$/.test(res.headers.get('retry-after') ?? '')) noRetryAfter++
				await res.arrayBuffer()
			}
		})
		const terminate = () => admin`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = ${name} AND pid <> pg_backend_pid()`
		await sleep(500)
		const killed = (await terminate()).length
		await sleep(1000)
		await admin.unsafe(`ALTER DATABASE ${name} ALLOW_CONNECTIONS false`)
		let readyReasons: string[] = []
		try {
			await terminate()
			await sleep(o.awayMs)
			readyReasons = await Promise.all(gws.map(async (g) => {
				const res = await fetch(`${g!.url}/readyz`)
				return res.status === 503 ? ((await res.json()) as { reason?: string }).reason ?? '(no reason)' : `ready (${res.status})`
			}))
		} finally {
			await admin.unsafe(`ALTER DATABASE ${name} ALLOW_CONNECTIONS true`)
		}
		await sleep(3000)
		sending = false
		await Promise.all(outageLoad)
		r.figures['connections terminated'] = killed
		r.figures['outage answers'] = [...statuses].map(([s, c]) => `${c}×${s}`).join(' ')
		r.figures['readyz while away'] = readyReasons.join(' | ')
		check(r, [...statuses.keys()].every((s) => s === 202 || s === 503), 'only 202 and 503 while the database goes away')
		check(r, (statuses.get(503) ?? 0) > 0, 'no 503 while the database was away')
		check(r, noRetryAfter === 0, `${noRetryAfter} 503s without Retry-After`)
		check(r, readyReasons.every((x) => x.includes('store')), `/readyz while away: ${readyReasons.join(' | ')}`)

		// every accepted event at every endpoint, nothing left in flight
		const deadline = performance.now() + o.drainMs
		const missing = () => [...accepted].reduce((m, id) => m + ENDPOINTS.filter((e) => !rx.has(`/${e}`, id)).length, 0)
		while (missing() > 0 && performance.now() < deadline) await sleep(200)
		const lost = missing()
		const check2 = new SQL({ url: url.toString(), max: 1 })
		let delivering = -1
		try {
			for (;;) {
				delivering = (await check2`SELECT COUNT(*)::int AS n FROM deliveries WHERE status = 'delivering'`)[0].n
				if (delivering === 0 || performance.now() > deadline + 10_000) break
				await sleep(200)
			}
		} finally { await check2.close() }
		r.figures['e2e s'] = Math.round((performance.now() - t0) / 1000)
		r.figures.lost = lost
		r.figures['left delivering'] = delivering
		check(r, lost === 0, `${lost} deliveries of accepted events never made`)
		check(r, delivering === 0, `${delivering} jobs left delivering`)
		if (process.env.HOOKGATE_PG_DEBUG) {
			const d = new SQL({ url: url.toString(), max: 1 })
			console.log(Date.now(), [...await d`SELECT status, owner, COUNT(*)::int AS n, MIN(next_attempt_at)::bigint AS due, MAX(updated_at)::bigint AS upd FROM deliveries GROUP BY 1, 2`])
			await d.close()
			for (const g of gws) console.log(g!.url, (await fetch(`${g!.url}/readyz`)).status, await (await fetch(`${g!.url}/metrics`)).text().then((t) => t.split('\n').filter((l) => l.includes('in_flight') || l.includes('backlog')).join(' ; ')))
			const msgs = new Map<string, number>()
			for (const g of every) for (const line of g.output().split('\n')) {
				try { const l = JSON.parse(line) as { level?: number | string; msg?: string }; if (l.msg) msgs.set(l.msg, (msgs.get(l.msg) ?? 0) + 1) } catch {}
			}
			console.log(msgs)
		}
		const takenBack = every.reduce((sum, g) => sum + leasesTakenBack(g.output()), 0)
		r.figures.duplicates = rx.duplicates()
		r.figures['leases taken back'] = takenBack
		check(r, rx.duplicates() <= takenBack, `${rx.duplicates()} duplicates for ${takenBack} leases taken back`)
	} finally {
		for (const g of gws) if (g) { await g.stop().catch(() => {}) }
		rx.stop()
		await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => {})
		await admin.close()
	}
	return r
}
