import { expect, test } from 'bun:test'
import { rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { receiver } from '../dispatch/loopback'
import { ADMIN_TOKEN, configYaml, INGEST_TOKEN, tempDir } from '../support/gateway'
import { mountSmallDisk, sayMode } from '../support/small-disk'
import { spawnGateway } from './child'
import { listedJobs } from '../support/stored'
import { waitFor } from './support'

const GRACE_MS = 1000
const JOBS = 20

test('SIGTERM while the store cannot record finished tries exits within the grace and a few seconds; after a restart with space, every one is delivered again', async () => {
	const disk = mountSmallDisk(4 << 20)
	sayMode('shutdown on a store that cannot write', disk)
	const dir = disk?.dir ?? tempDir()
	let open = false
	let release = () => {}
	const gate = new Promise<void>((r) => { release = r })
	const rx = receiver(async (req) => { if (!open && new URL(req.url).pathname === '/sink') await gate; return new Response('ok') })
	const configPath = join(dir, 'config.yaml')
	let yaml = configYaml(`  - id: shop
    ingestTokens: [${INGEST_TOKEN}]
    endpoints:
      - id: sink
        url: http://127.0.0.1:${rx.port}/sink
        signing: { scheme: none }
        concurrency: ${JOBS}
        events: [order.paid]
      - id: filler
        url: http://127.0.0.1:${rx.port}/fill
        signing: { scheme: none }
        events: [fill]
`).replace('shutdownGrace: 2s', `shutdownGrace: ${GRACE_MS}ms`).replaceAll('{{DIR}}', dir)
	// without a small disk: a store at its hard cap, which no finished try fits in
	if (!disk) yaml = yaml.replace(`  sqlite: ${dir}/hookgate.db`, `  sqlite: ${dir}/hookgate.db\n  maxSize: 1MB`)
	writeFileSync(configPath, yaml)
	let gw = await spawnGateway(configPath)
	try {
		const ingest = (id: string, bytes: number) => fetch(`${gw.url}/v1/flows/shop/events`, {
			method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${INGEST_TOKEN}` },
			body: JSON.stringify({ id, type: 'order.paid', data: { pad: 'x'.repeat(bytes) } }),
		})
		const ids = Array.from({ length: JOBS }, (_, i) => `e${i}`)
		for (const id of ids) expect((await ingest(id, 2000)).status).toBe(202)
		await waitFor(() => rx.on('/sink').length === JOBS, 10_000, 'every try to be in flight')
		if (disk) disk.fill()
		else {
			// ingest stops at 95%; a test send (an admin write) fills the rest
			for (let i = 0, bytes = 60_000; bytes >= 64; i++) if ((await ingest(`fill-${i}`, bytes)).status !== 202) bytes = Math.floor(bytes / 2)
			const full = async () => (await fetch(`${gw.url}/admin/v1/flows/shop/endpoints/filler/test`, {
				method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify({ type: 'fill', data: { pad: 'y'.repeat(20_000) } }),
			})).status >= 500
			await waitFor(full, 10_000, 'the store to reach its hard cap')
		}
		release()
		await gw.waitForLog((r) => r.msg === 'could not record finished attempts; will retry', 5000, 'the finished tries to fail to be recorded')

		const t0 = performance.now()
		gw.signal('SIGTERM')
		const code = await gw.exited
		const took = performance.now() - t0
		expect(took).toBeLessThan(GRACE_MS + 3000 + 2000)
		expect(code).toBe(0)
		expect(gw.records().some((r) => r.msg === 'the store could not record every finished try; those jobs are delivered again after the restart')).toBe(true)

		if (disk) disk.free()
		else writeFileSync(configPath, yaml.replace('maxSize: 1MB', 'maxSize: 0'))
		open = true
		const before = rx.on('/sink').length
		gw = await spawnGateway(configPath)
		const delivered = async () => (await listedJobs(gw.url, ADMIN_TOKEN, { endpoint: 'sink', status: 'succeeded', limit: '500' }))
			.filter((j) => !j.test && j.eventId.startsWith('e')).length
		await waitFor(async () => await delivered() === JOBS, 10_000, 'every job to be delivered after the restart')
		// at least once: each of them reached the receiver again
		const again = rx.on('/sink').slice(before).map((h) => h.headers['webhook-id'])
		for (const id of ids) expect(again).toContain(id)
		gw.signal('SIGTERM')
		expect(await gw.exited).toBe(0)
	} finally {
		release()
		gw.proc.kill('SIGKILL')
		rx.stop()
		if (disk) disk.unmount()
		else rmSync(dir, { recursive: true, force: true })
	}
}, 40_000)
