// The compiled binary on PostgreSQL: migrations embedded (drizzle/postgres),
// Bun's built-in SQL client, no other driver. One event in, delivered out.
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { tempDir } from '../support/gateway'
import { createTempDatabase, type TempDatabase } from '../support/postgres'
import { BINARY, ensureBinary, freePort, spawnServe, writeConfig } from '../support/process'
import { waitFor } from '../support/wait'

let db: TempDatabase
beforeAll(async () => {
	ensureBinary()
	db = await createTempDatabase()
}, 120_000)
afterAll(async () => { await db?.drop() })

test('the compiled binary delivers an event through PostgreSQL and leaves it recorded there', async () => {
	const received: unknown[] = []
	const receiver = Bun.serve({
		hostname: '127.0.0.1', port: 0,
		async fetch(req) { received.push(await req.json()); return new Response('ok') },
	})
	const dir = tempDir('hookgate-bin-pg-')
	const port = freePort()
	const cfg = writeConfig(dir, `server:
  listen: 127.0.0.1:${port}
storage:
  postgres: { url: "${db.url}", poolSize: 4 }
delivery:
  allowPrivateNetworks: true
admin:
  tokens: [bin-admin-token]
flows:
  - id: shop
    envelope: standard
    ingestTokens: [bin-token]
    endpoints:
      - { id: a, url: "http://127.0.0.1:${receiver.port}/a", signing: { scheme: none } }
`)
	const child = await spawnServe([BINARY], cfg, port, dir, { HOOKGATE_INSTANCE_ID: 'bin-1' })
	try {
		const res = await fetch(`${child.url}/v1/flows/shop/events`, {
			method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer bin-token' },
			body: JSON.stringify({ id: 'pg-1', type: 'x', data: { n: 1 } }),
		})
		expect(res.status).toBe(202)
		const { deliveries: [ref] } = (await res.json()) as { deliveries: Array<{ id: string }> }
		await waitFor(() => received.length === 1, 10_000, 'the delivery')
		expect(JSON.stringify(received[0])).toContain('"n":1')
		const job = await waitFor(async () => {
			const r = await fetch(`${child.url}/admin/v1/jobs/${ref.id}`, { headers: { authorization: 'Bearer bin-admin-token' } })
			const body = (await r.json()) as { status: string; attemptCount: number }
			return body.status === 'succeeded' ? body : null
		}, 10_000, 'the job to be recorded as succeeded')
		expect(job?.attemptCount).toBe(1)
		expect((await fetch(`${child.url}/readyz`)).status).toBe(200)
	} finally {
		child.kill('SIGTERM')
		expect(await child.exited).toBe(0)
		receiver.stop(true)
	}
}, 60_000)
