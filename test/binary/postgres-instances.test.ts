// Three compiled binaries on one PostgreSQL database, one receiver ledger.
// One instance is killed with SIGKILL twice mid-load and restarted under the
// same id: every accepted event reaches every endpoint, duplicates stay within
// what the killed instance had in flight, and no job is left delivering.
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { tempDir } from '../support/gateway'
import { createTempDatabase, type TempDatabase } from '../support/postgres'
import { BINARY, ensureBinary, freePort, spawnServe, writeConfig, type Child } from '../support/process'
import { waitFor } from '../support/wait'
import { receiver, type Receiver } from '../dispatch/loopback'

const EVENTS = 600
const CONCURRENCY = 16
let db: TempDatabase
let rx: Receiver
const children: Child[] = []

beforeAll(async () => {
	ensureBinary()
	db = await createTempDatabase()
	rx = receiver(() => new Response('ok'))
}, 120_000)
afterAll(async () => {
	for (const c of children) c.kill('SIGKILL')
	await Promise.all(children.map((c) => c.exited))
	rx?.stop()
	await db?.drop()
})

test('three instances, one killed twice: every accepted event delivered to every endpoint, nothing left in flight', async () => {
	const instances = ['i1', 'i2', 'i3'].map((id) => {
		const dir = tempDir(`hookgate-${id}-`)
		const port = freePort()
		const cfg = writeConfig(dir, `server:
  listen: 127.0.0.1:${port}
storage:
  postgres: { url: "${db.url}", poolSize: 4 }
admin:
  tokens: [bin-admin-token]
delivery:
  allowPrivateNetworks: true
  concurrency: ${CONCURRENCY}
  timeout: 2s
flows:
  - id: shop
    envelope: standard
    ingestTokens: [bin-token]
    endpoints:
${['a', 'b', 'c'].map((e) => `      - { id: ${e}, url: "http://127.0.0.1:${rx.port}/${e}", signing: { scheme: none } }`).join('\n')}
`)
		return { id, dir, port, cfg, child: null as Child | null }
	})
	const start = async (i: (typeof instances)[number]) => {
		i.child = await spawnServe([BINARY], i.cfg, i.port, i.dir, { HOOKGATE_INSTANCE_ID: i.id })
		children.push(i.child)
	}
	await Promise.all(instances.map(start))

	const accepted: string[] = []
	const send = async (n: number) => {
		const i = instances[n % 3]
		if (!i.child || i.child.proc.exitCode !== null || i.child.proc.signalCode) return
		try {
			const r = await fetch(`http://127.0.0.1:${i.port}/v1/flows/shop/events`, {
				method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer bin-token' },
				body: JSON.stringify({ id: `e${n}`, type: 'order.created', data: { n } }),
			})
			if (r.status === 202 || r.status === 200) accepted.push(`e${n}`)
			await r.arrayBuffer()
		} catch {} // the instance was killed under this request: not accepted
	}
	let kills = 0
	for (let n = 0; n < EVENTS; n += 20) {
		await Promise.all(Array.from({ length: 20 }, (_, k) => send(n + k)))
		if (n === 200 || n === 400) {
			const victim = instances[1]
			victim.child!.kill('SIGKILL')
			await victim.child!.exited
			kills++
			await start(victim)
		}
	}
	expect(kills).toBe(2)
	expect(accepted.length).toBeGreaterThan(EVENTS * 0.9)

	const ids = (path: string) => rx.on(path).map((h) => h.headers['webhook-id'])
	await waitFor(() => ['/a', '/b', '/c'].every((p) => {
		const got = new Set(ids(p))
		return accepted.every((id) => got.has(id))
	}), 60_000, 'every accepted event at every endpoint')
	const delivering = async () => {
		const r = await fetch(`http://127.0.0.1:${instances[0].port}/admin/v1/jobs?flow=shop&status=delivering&limit=10`, { headers: { authorization: 'Bearer bin-admin-token' } })
		return ((await r.json()) as { items: unknown[] }).items.length
	}
	await waitFor(async () => (await delivering()) === 0, 30_000, 'no job left delivering')
	// a killed instance can only repeat what it had claimed and not yet recorded,
	// which its restart takes back (under the same id) and logs as `recovered`
	const recovered = children.flatMap((c) => c.output().split('\n'))
		.map((line) => { try { return JSON.parse(line) as { recovered?: number } } catch { return {} } })
		.reduce((sum, l) => sum + (l.recovered ?? 0), 0)
	const duplicates = ['/a', '/b', '/c'].reduce((sum, p) => sum + ids(p).length - new Set(ids(p)).size, 0)
	if (process.env.HOOKGATE_TEST_FIGURES) console.log({ accepted: accepted.length, recovered, duplicates })
	expect(duplicates).toBeLessThanOrEqual(recovered)
}, 120_000)
