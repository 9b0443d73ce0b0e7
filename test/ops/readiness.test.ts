import { expect, test } from 'bun:test'
import { configYaml, startTestGateway, INGEST_TOKEN } from '../support/gateway'
import { join } from 'node:path'
import type { SqliteStore } from '../../src/store/sqlite/store'
import { receiver } from '../dispatch/loopback'
import { readDb, rows, waitFor } from './support'

const flows = `  - id: shop
    ingestTokens: [${INGEST_TOKEN}]
    endpoints: []
`

const readyz = async (url: string) => {
	const res = await fetch(`${url}/readyz`)
	return { status: res.status, body: await res.json() as { status: string; reason?: string } }
}

test('/readyz answers 503 with a reason while the store fails writes, and 200 again after', async () => {
	const gw = await startTestGateway(configYaml(flows))
	const store = gw.run.store as SqliteStore
	try {
		expect(await readyz(gw.url)).toEqual({ status: 200, body: { status: 'ok' } })
		store.faultWrites = new Error('disk I/O error')
		const bad = await readyz(gw.url)
		expect(bad.status).toBe(503)
		expect(bad.body.status).toBe('unavailable')
		expect(bad.body.reason).toContain('disk I/O error')
		// the process itself is still up
		expect((await fetch(`${gw.url}/healthz`)).status).toBe(200)
		// and ingest, told by the same probe, answers 503 rather than failing late
		expect((await gw.post('/v1/flows/shop/events', { type: 'x' })).status).toBe(503)
		store.faultWrites = null
		expect(await readyz(gw.url)).toEqual({ status: 200, body: { status: 'ok' } })
		expect((await gw.post('/v1/flows/shop/events', { type: 'x' })).status).toBe(202)
	} finally {
		await gw.stop()
	}
})

test('/readyz answers 503 when the connection is made read-only with PRAGMA query_only', async () => {
	const gw = await startTestGateway(configYaml(flows))
	const store = gw.run.store as SqliteStore
	try {
		store.client.exec('PRAGMA query_only = 1')
		const bad = await readyz(gw.url)
		expect(bad.status).toBe(503)
		expect(bad.body.reason).toMatch(/^store write failed: /)
		store.client.exec('PRAGMA query_only = 0')
		expect((await readyz(gw.url)).status).toBe(200)
	} finally {
		await gw.stop()
	}
})

test('while stopping, /readyz and ingest answer 503 and the in-flight try still finishes', async () => {
	let release = () => {}
	const gate = new Promise<void>((r) => { release = r })
	const rx = receiver(async () => { await gate; return new Response('ok') })
	const gw = await startTestGateway(configYaml(`  - id: shop
    ingestTokens: [${INGEST_TOKEN}]
    endpoints:
      - id: slow
        url: http://127.0.0.1:${rx.port}/slow
        signing: { scheme: none }
`))
	try {
		expect((await gw.post('/v1/flows/shop/events', { id: 'e1', type: 'x' })).status).toBe(202)
		await waitFor(() => rx.hits.length === 1, 5000, 'the try to start')
		const stopping = gw.run.stop()
		const ready = await fetch(`${gw.url}/readyz`)
		expect(ready.status).toBe(503)
		expect(((await ready.json()) as { reason: string }).reason).toBe('hookgate is shutting down')
		const ingest = await gw.post('/v1/flows/shop/events', { id: 'e2', type: 'x' })
		expect(ingest.status).toBe(503)
		expect(ingest.headers.get('retry-after')).not.toBeNull()
		expect(((await ingest.json()) as { error: { code: string } }).error.code).toBe('unavailable')
		release()
		await stopping
		const db = readDb(join(gw.dir, 'hookgate.db'))
		expect(rows<{ status: string }>(db, 'SELECT status FROM deliveries')).toEqual([{ status: 'succeeded' }])
		expect(rows(db, "SELECT id FROM events")).toEqual([{ id: 'e1' }])
		db.close()
	} finally {
		release()
		rx.stop()
		await gw.stop()
	}
})
