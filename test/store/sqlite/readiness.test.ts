// /readyz meeting the SQLite store's faults: writes that fail, a connection made read-only.
import { expect, test } from 'bun:test'
import type { SqliteStore } from '../../../src/store/sqlite/store'
import { configYaml, startTestGateway, INGEST_TOKEN } from '../../support/gateway'

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
