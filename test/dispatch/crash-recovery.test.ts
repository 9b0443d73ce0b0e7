import { expect, test } from 'bun:test'
import { tempDir } from '../support/gateway'
import { ROOT, freePort, spawnServe, writeConfig } from '../support/process'
import { listedJobs } from '../support/stored'
import { waitFor } from '../support/wait'
import { receiver } from './loopback'

const CONCURRENCY = 8
const KILLS = 3

// kill -9 mid-load, several times: every accepted event must still be
// delivered, with duplicates no more than what was in flight at the kills.
test('after repeated SIGKILLs every accepted event is delivered', async () => {
	const ledger = new Map<string, number>()
	const rx = receiver(async (req) => {
		const id = req.headers.get('webhook-id') ?? ''
		ledger.set(id, (ledger.get(id) ?? 0) + 1)
		await Bun.sleep(5)
		return new Response('ok')
	})
	const dir = tempDir('hookgate-crash-')
	const port = freePort()
	const cfg = writeConfig(dir, `server:
  listen: 127.0.0.1:${port}
storage:
  sqlite: ${dir}/hookgate.db
log:
  level: warn
admin:
  tokens: [crash-admin]
delivery:
  allowPrivateNetworks: [127.0.0.0/8]
  concurrency: ${CONCURRENCY}
  retrySchedule: [100ms]
flows:
  - id: load
    name: Load
    envelope: standard
    ingestTokens: [crash-token]
    endpoints:
      - { id: rx, url: "http://127.0.0.1:${rx.port}/in", concurrency: ${CONCURRENCY}, signing: { scheme: none } }
`)
	const accepted = new Set<string>()
	let seq = 0
	try {
		for (let round = 0; round < KILLS; round++) {
			const child = await spawnServe(['bun', 'src/main.ts'], cfg, port, ROOT, { PATH: `${ROOT}/node_modules/.bin:${process.env.PATH}` })
			let producing = true
			const producers = Array.from({ length: 4 }, async () => {
				while (producing) {
					const id = `e-${seq++}`
					try {
						const res = await fetch(`${child.url}/v1/flows/load/events`, {
							method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer crash-token' },
							body: JSON.stringify({ id, type: 't', data: { round } }),
						})
						if (res.status === 202) accepted.add(id)
					} catch {
						return
					}
				}
			})
			await Bun.sleep(400 + round * 150)
			child.kill('SIGKILL')
			await child.exited
			producing = false
			await Promise.all(producers)
		}
		const last = await spawnServe(['bun', 'src/main.ts'], cfg, port, ROOT, { PATH: `${ROOT}/node_modules/.bin:${process.env.PATH}` })
		try {
			await waitFor(() => [...accepted].every((id) => ledger.has(id)), 20_000, 'every accepted event delivered')
			await waitFor(async () => (await listedJobs(last.url, 'crash-admin', { status: 'pending,delivering,failed,cancelled', limit: '1' })).length === 0, 10_000, 'all jobs succeeded')
		} finally {
			last.kill('SIGTERM')
			await last.exited
		}
		const duplicates = [...ledger.values()].reduce((s, n) => s + n - 1, 0)
		expect(accepted.size).toBeGreaterThan(100)
		// in flight at a kill: at most CONCURRENCY tries plus finished ones whose write was pending
		expect(duplicates).toBeLessThanOrEqual(KILLS * CONCURRENCY * 2)
		console.log(`crash test: ${accepted.size} accepted, ${ledger.size} delivered, ${duplicates} duplicates over ${KILLS} kills`)
	} finally {
		rx.stop()
	}
}, 90_000)
