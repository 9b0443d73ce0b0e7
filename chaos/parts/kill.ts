// kill -9 at random moments under steady ingest to three endpoints, some of
// the kills while a retention purge runs and some right after a SIGHUP
// reload. Must hold: every event answered 202 reaches each endpoint that
// takes it; duplicates are no more than the tries in flight at the kills
// (jobs the database shows `delivering` once the process is dead: a try whose
// end was committed is never sent again); the database passes
// `PRAGMA integrity_check`.
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { startReceiver, type Receiver } from '../../bench/lib/children'
import { sleep } from '../../bench/lib/clock'
import { startGateway, tempDir, TOKEN, type Gateway, type GatewaySpec } from '../../bench/lib/gateway'
import { openDb, seedFinished } from '../../bench/lib/seed'
import { check, count, integrity, randomBetween, type PartResult } from '../lib/part'
import { awaitDelivered, compare, produce } from '../lib/producer'

export interface KillOptions {
	kills: number
	/** events a second, steady */
	rate: number
	/** the gateway runs this long (random in between) before a plain kill */
	upMs: [number, number]
	/** old finished jobs stored before a purge round, for the purge to remove */
	purgeRows: number
	/** how long the last gateway may take to deliver everything */
	drainMs: number
	dataDir: string
}

const DAY_MS = 86_400_000
const ORDERS = ['order.*']
const typeOf = (n: number) => (n % 2 === 0 ? 'order.created' : 'user.signed_up')

/** Old rows seeded for round `tag` still there: the purge removes jobs first, then events, in short batches. */
const oldLeft = (dbPath: string, tag: string) => count(dbPath, `SELECT (SELECT COUNT(*) FROM deliveries WHERE id LIKE 'job\\_old\\_${tag}\\_%' ESCAPE '\\')
	+ (SELECT COUNT(*) FROM events WHERE id LIKE 'old\\_${tag}\\_%' ESCAPE '\\')`)

type Kind = 'random' | 'purge' | 'reload'
const kindOf = (round: number): Kind => (round % 5 === 1 ? 'purge' : round % 5 === 3 ? 'reload' : 'random')

export async function killPart(o: KillOptions): Promise<PartResult> {
	const r: PartResult = { part: 'kill', figures: {}, failures: [] }
	const rx: Receiver[] = []
	for (let i = 0; i < 3; i++) rx.push(await startReceiver({ record: true }))
	const dir = tempDir(o.dataDir)
	const dbPath = join(dir, 'hookgate.db')
	const spec = (kind: Kind, jitter = 0.2): GatewaySpec => ({
		flows: [{ id: 'chaos', endpoints: [
			{ id: 'e0', url: rx[0].url('/e0') },
			{ id: 'e1', url: rx[1].url('/e1') },
			// takes only half of the events: "each endpoint that takes it"
			{ id: 'e2', url: rx[2].url('/e2'), events: ORDERS },
		] }],
		endpointConcurrency: 8, retrySchedule: ['200ms', '1s'], jitter,
		// every second: the purge runs soon after start and the kill lands in it
		retentionSchedule: kind === 'purge' ? '* * * * * *' : undefined,
	})
	let gw: Gateway | null = null
	const producer = produce({ target: () => gw?.url ?? null, flow: 'chaos', token: TOKEN, prefix: 'k-', rate: o.rate, type: typeOf })
	let inFlight = 0
	let purgeKills = 0
	let midPurge = 0
	let reloadKills = 0
	try {
		for (let round = 0; round < o.kills; round++) {
			const kind = kindOf(round)
			const tag = `k${round}`
			if (kind === 'purge') {
				const opened = openDb(dbPath)
				try { seedFinished(opened, { flow: 'chaos', endpoint: 'e0', jobs: o.purgeRows, at: Date.now() - 60 * DAY_MS, tag }) } finally { opened.close() }
			}
			const g = await startGateway(dir, spec(kind))
			gw = g
			if (kind === 'purge') {
				// kill a moment after the purge committed its first batch (which
				// takes the oldest job first): one indexed lookup per poll
				const until = Date.now() + 10_000
				while (Date.now() < until && count(dbPath, `SELECT COUNT(*) FROM deliveries WHERE id = 'job_old_${tag}_0'`) === 1) await sleep(10)
				await sleep(randomBetween(0, 200))
			} else {
				await sleep(randomBetween(o.upMs[0], o.upMs[1]))
				if (kind === 'reload') {
					g.reload(spec(kind, round % 2 ? 0.1 : 0.3))
					await sleep(randomBetween(0, 40))
				}
			}
			gw = null
			g.kill('SIGKILL')
			await g.exited
			inFlight += count(dbPath, "SELECT COUNT(*) FROM deliveries WHERE status = 'delivering'")
			if (kind === 'purge') {
				purgeKills++
				const left = oldLeft(dbPath, tag)
				if (process.env.CHAOS_DEBUG) console.error(`purge round ${round}: ${left} of ${2 * o.purgeRows} old rows left`)
				if (left > 0 && left < 2 * o.purgeRows) midPurge++
			}
			if (kind === 'reload') reloadKills++
		}
		await producer.stop()
		const last = await startGateway(dir, spec('random'))
		const expected = [producer.accepted, producer.accepted, producer.accepted.filter((id) => Number(id.slice(2)) % 2 === 0)]
		const got = await awaitDelivered(rx, expected, o.drainMs,
			() => count(dbPath, "SELECT COUNT(*) FROM deliveries WHERE status IN ('pending', 'delivering')") === 0)
		await last.stop({ keep: true })
		const per = expected.map((ids, i) => compare(ids, got[i]))
		const lost = per.reduce((s, p) => s + p.lost, 0)
		const duplicates = per.reduce((s, p) => s + p.duplicates, 0)
		const delivered = per.reduce((s, p) => s + p.delivered, 0)
		const wrong = [...got[2].keys()].filter((id) => Number(id.slice(2)) % 2 !== 0).length
		const ok = integrity(dbPath)
		r.figures = {
			kills: o.kills, 'during purge': `${purgeKills} (${midPurge} mid-purge)`, 'after reload': reloadKills,
			accepted: producer.accepted.length, 'deliveries expected': per.reduce((s, p) => s + p.expected, 0), delivered, lost,
			duplicates, 'in flight at kills': inFlight, 'filtered out yet delivered': wrong, integrity: ok,
		}
		check(r, producer.accepted.length > 0, 'no event was accepted')
		check(r, lost === 0, `${lost} accepted deliveries never arrived`)
		check(r, duplicates <= inFlight, `${duplicates} duplicates, more than the ${inFlight} tries in flight at the kills`)
		check(r, purgeKills === 0 || midPurge > 0, `none of the ${purgeKills} purge-time kills landed inside a purge`)
		check(r, wrong === 0, `${wrong} events reached an endpoint whose filter refuses them`)
		check(r, ok === 'ok', `integrity_check: ${ok}`)
	} finally {
		gw = null
		await producer.stop()
		await Promise.all(rx.map((x) => x.stop()))
		rmSync(dir, { recursive: true, force: true })
	}
	return r
}
