import { expect, test } from 'bun:test'
import { rmSync, unlinkSync } from 'node:fs'
import { join } from 'node:path'
import { receiver } from '../../dispatch/loopback'
import { ADMIN_TOKEN, configYaml, startTestGateway, INGEST_TOKEN, tempDir } from '../../support/gateway'
import { mountSmallDisk, sayMode } from '../../support/small-disk'
import { waitFor } from '../../ops/support'
import { readDb, rows } from './support'

const readyz = async (url: string) => {
	const res = await fetch(`${url}/readyz`)
	return { status: res.status, body: await res.json() as { status: string; reason?: string } }
}

test('/readyz fails with the reason whenever ingest is refused for a full store, and both come back when space returns', async () => {
	const disk = mountSmallDisk(4 << 20)
	sayMode('full store readiness', disk)
	const dir = disk?.dir ?? tempDir()
	const rx = receiver(() => new Response('ok'))
	const yaml = configYaml(`  - id: shop
    ingestTokens: [${INGEST_TOKEN}]
    endpoints:
      - id: sink
        url: http://127.0.0.1:${rx.port}/sink
        signing: { scheme: none }
        events: [order.paid]
`)
	const gw = await startTestGateway(disk ? yaml : yaml.replace('  sqlite: {{DIR}}/hookgate.db', '  sqlite: {{DIR}}/hookgate.db\n  maxSize: 2MB'), { dir })
	const ingest = (id: string, type = 'bulk', bytes = 2000) => gw.post('/v1/flows/shop/events', { id, type, data: { pad: 'x'.repeat(bytes) } })
	const admin = (action: string, body: unknown = {}) => fetch(`${gw.url}/admin/v1/flows/shop/endpoints/sink/${action}`, {
		method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(body),
	})
	try {
		expect((await ingest('before')).status).toBe(202)
		expect(await readyz(gw.url)).toEqual({ status: 200, body: { status: 'ok' } })
		let reason: RegExp
		if (disk) {
			disk.fill()
			// the refused ingest marked the disk full, or the probe itself met it
			reason = /^(the disk holding .*hookgate\.db is full: free space there|store write failed: database or disk is full$)/
		} else {
			// up to 95% with ingest, then over it with attempt records of jobs that waited
			expect((await admin('disable')).status).toBe(200)
			for (let i = 0; i < 10; i++) expect((await ingest(`paid-${i}`, 'order.paid', 10_000)).status).toBe(202)
			for (let i = 0, bytes = 50_000; bytes >= 100; i++) if ((await ingest(`fill-${i}`, 'bulk', bytes)).status !== 202) bytes = Math.floor(bytes / 2)
			expect((await admin('enable')).status).toBe(200)
			const reader = readDb(join(dir, 'hookgate.db'))
			await waitFor(() => rows<{ n: number }>(reader, 'SELECT COUNT(*) AS n FROM attempts')[0].n === 10, 10_000, 'the waiting jobs to be delivered')
			reader.close()
			reason = /^the store is past 95% of storage\.maxSize$/
		}
		const res = await ingest('while-full', 'bulk', 100_000)
		expect(res.status).toBe(503)
		expect(res.headers.get('retry-after')).not.toBeNull()
		const down = await readyz(gw.url)
		expect(down.status).toBe(503)
		expect(down.body.status).toBe('unavailable')
		expect(down.body.reason).toMatch(reason)
		expect((await fetch(`${gw.url}/healthz`)).status).toBe(200)
		if (disk) {
			// an admin write that meets the full disk says so, with a retry, not a bare 500
			const change = await admin('disable', { reason: 'disk full' })
			expect(change.status).toBe(503)
			expect(change.headers.get('retry-after')).not.toBeNull()
			expect(((await change.json()) as { error: { message: string } }).error.message).toBe('the store cannot take writes: database or disk is full')
		}

		if (disk) disk.free()
		else await gw.run.store.purgeOrphanEvents(Date.now() + 1, null, 10_000)
		await waitFor(async () => (await readyz(gw.url)).status === 200, 5000, '/readyz to recover')
		expect((await ingest('after', 'bulk', 100_000)).status).toBe(202)
	} finally {
		await gw.stop({ keep: true })
		rx.stop()
		if (disk) disk.unmount()
		else rmSync(dir, { recursive: true, force: true })
	}
}, 30_000)

test('a write-ahead log deleted under a running hookgate: /readyz and ingest refuse, naming it, and what it held is saved into the database file', async () => {
	const gw = await startTestGateway(configYaml(`  - id: shop
    ingestTokens: [${INGEST_TOKEN}]
    endpoints: []
`))
	const db = join(gw.dir, 'hookgate.db')
	try {
		expect((await gw.post('/v1/flows/shop/events', { id: 'kept', type: 'x' })).status).toBe(202)
		unlinkSync(`${db}-wal`)
		const ingest = await gw.post('/v1/flows/shop/events', { id: 'refused', type: 'x' })
		expect(ingest.status).toBe(503)
		expect(ingest.headers.get('retry-after')).not.toBeNull()
		const down = await readyz(gw.url)
		expect(down.status).toBe(503)
		expect(down.body.reason).toBe(`the write-ahead log ${db}-wal was deleted or replaced while hookgate ran; what it held was copied into the database file, restart hookgate to take writes again`)
		// another reader of the database file alone sees the event acknowledged before
		const reader = readDb(db)
		expect(rows(reader, 'SELECT id FROM events')).toEqual([{ id: 'kept' }])
		reader.close()
	} finally {
		await gw.stop()
	}
}, 20_000)
