import { afterAll, expect, test } from 'bun:test'
import { existsSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { receiver } from '../dispatch/loopback'
import { ADMIN_TOKEN, configYaml, tempDir, INGEST_TOKEN } from '../support/gateway'
import { listedJobs, readStopped, storedAttempts, storedJobs } from '../support/stored'
import { spawnGateway } from './child'
import { waitFor } from './support'

const EVENTS = 200
const GRACE_MS = 2000

// The receiver's ledger: every request it got, by event id; slow while `slow`.
let slow = true
let inFlight = 0
const ledger = new Map<string, number>()
const rx = receiver(async (req) => {
	const id = req.headers.get('webhook-id') ?? '?'
	ledger.set(id, (ledger.get(id) ?? 0) + 1)
	if (slow) {
		inFlight++
		await Bun.sleep(1000 + Math.random() * 2000)
		inFlight--
	}
	return new Response('ok')
})
afterAll(() => rx.stop())

test('SIGTERM during 200 slow in-flight deliveries exits 0 within the grace; after a restart every one is delivered and none is recorded twice as succeeded', async () => {
	const dir = tempDir()
	const configPath = join(dir, 'config.yaml')
	writeFileSync(configPath, configYaml(`  - id: shop
    ingestTokens: [${INGEST_TOKEN}]
    endpoints:
      - id: slow
        url: http://127.0.0.1:${rx.port}/slow
        signing: { scheme: none }
        concurrency: ${EVENTS}
`, `  concurrency: ${EVENTS}\n  timeout: 10s`).replace('shutdownGrace: 2s', `shutdownGrace: ${GRACE_MS}ms`).replaceAll('{{DIR}}', dir))
	const ids = Array.from({ length: EVENTS }, (_, i) => `evt-${i}`)
	let gw = await spawnGateway(configPath)
	try {
		const res = await fetch(`${gw.url}/v1/flows/shop/events/batch`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', authorization: `Bearer ${INGEST_TOKEN}` },
			body: JSON.stringify({ events: ids.map((id) => ({ id, type: 'order.paid' })) }),
		})
		expect(res.status).toBe(202)
		await waitFor(() => inFlight === EVENTS, 10_000, `${EVENTS} tries in flight`)

		const t0 = performance.now()
		gw.signal('SIGTERM')
		await gw.waitForLog((r) => r.msg.startsWith('stopping'), 2000, 'the stop to begin')
		// while it drains, ingest is refused
		const during = await fetch(`${gw.url}/v1/flows/shop/events`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', authorization: `Bearer ${INGEST_TOKEN}` },
			body: JSON.stringify({ id: 'late', type: 'order.paid' }),
		}).then((r) => r.status, () => 'closed')
		expect(during).toBe(503)
		expect(await gw.exited).toBe(0)
		const took = performance.now() - t0
		expect(took).toBeLessThan(GRACE_MS + 1500)
		expect(gw.records().some((r) => r.msg === 'tries still running at shutdown were put back to pending')).toBe(true)
		expect(gw.records().at(-1)?.msg).toBe('stopped')

		// the WAL was checkpointed into the database at close
		const wal = join(dir, 'hookgate.db-wal')
		expect(existsSync(wal) ? statSync(wal).size : 0).toBe(0)
		const after = (await readStopped(dir, (store) => storedJobs(store))).map((j) => j.status)
		// nothing is left claimed: what did not finish is pending again
		expect(after.filter((s) => s !== 'pending' && s !== 'succeeded')).toEqual([])
		expect(after).toHaveLength(EVENTS)
		expect(after.filter((s) => s === 'pending').length).toBeGreaterThan(0)

		slow = false
		gw = await spawnGateway(configPath)
		const succeeded = async () => (await listedJobs(gw.url, ADMIN_TOKEN, { status: 'succeeded', limit: '500' })).length
		await waitFor(async () => await succeeded() === EVENTS, 15_000, 'every delivery after the restart')
		for (const id of ids) expect(ledger.get(id) ?? 0).toBeGreaterThanOrEqual(1)
		gw.signal('SIGINT')
		expect(await gw.exited).toBe(0)
		await readStopped(dir, async (store) => {
			const ok = (await storedAttempts(store)).filter((a) => a.status !== null && a.status >= 200 && a.status <= 299)
			// one successful try per job: none recorded twice
			expect(ok).toHaveLength(EVENTS)
			expect(new Set(ok.map((a) => a.job.pk)).size).toBe(EVENTS)
			expect(await store.findEvents('late', null)).toEqual([])
		})
	} finally {
		gw.proc.kill('SIGKILL')
		rmSync(dir, { recursive: true, force: true })
	}
}, 60_000)
