import { afterAll, expect, test } from 'bun:test'
import { join } from 'node:path'
import type { SqliteStore } from '../../../src/store/sqlite/store'
import { STORE_FULL } from '../../../src/store/types'
import { receiver } from '../../dispatch/loopback'
import { waitFor } from '../../ops/support'
import { readDb, rows } from './support'
import { ADMIN_TOKEN, configYaml, INGEST_TOKEN, startTestGateway } from '../../support/gateway'

const DAY = 86_400_000
const rx = receiver(async () => new Response('ok'))
afterAll(() => rx.stop())

const capped = (maxSize: string, endpoints: string) => configYaml(`  - id: shop
    ingestTokens: [${INGEST_TOKEN}]
    endpoints:${endpoints ? `\n${endpoints}` : ' []\n'}`).replace('  sqlite: {{DIR}}/hookgate.db', `  sqlite: {{DIR}}/hookgate.db\n  maxSize: ${maxSize}`)

const padded = (id: string, type: string, bytes: number) => ({ id, type, data: { pad: 'x'.repeat(bytes) } })
const errorLines = (logs: string[]) => logs.filter((l) => l.includes('"level":"error"'))

test('4MB cap, ~100 KB events: ingest is refused only from 95% by pages held; past it every ingest gets 503 with Retry-After while attempts, endpoint state and admin changes go on; the purge brings ingest back', async () => {
	let offset = 0
	const gw = await startTestGateway(capped('4MB', `      - id: sink
        url: http://127.0.0.1:${rx.port}/sink
        signing: { scheme: none }
        events: [order.paid]
`), { now: () => Date.now() + offset })
	const store = gw.run.store as SqliteStore
	const admin = (path: string, body: unknown = {}) => fetch(`${gw.url}/admin/v1/flows/shop/endpoints/sink/${path}`, {
		method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(body),
	})
	const refused = async (res: Response) => {
		expect(res.status).toBe(503)
		expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0)
		expect(((await res.json()) as { error: { code: string; message: string } }).error).toMatchObject({ code: 'unavailable', message: STORE_FULL })
	}
	try {
		// jobs wait while the endpoint is off, to be delivered from the last 5%
		expect((await admin('disable', { reason: 'later' })).status).toBe(200)
		for (let i = 0; i < 10; i++) expect((await gw.post('/v1/flows/shop/events', padded(`paid-${i}`, 'order.paid', 20_000))).status).toBe(202)

		let accepted = 0
		let res: Response
		while ((res = await gw.post('/v1/flows/shop/events', padded(`big-${accepted}`, 'bulk', 100_000))).status === 202) accepted++
		await refused(res)
		// refused because the next one would cross 95%, not earlier (the report: 503 at 3.0 MB of 4)
		const atRefusal = store.usage()
		expect(atRefusal.ratio).toBeGreaterThan(0.95 - 0.04)
		expect(atRefusal.ratio).toBeLessThan(0.95)
		// a small event still fits below 95%: it is taken, up to the line and no further
		let small = 0
		while ((res = await gw.post('/v1/flows/shop/events', padded(`small-${small}`, 'bulk', 100))).status === 202) small++
		await refused(res)
		expect(small).toBeGreaterThan(0)
		expect(store.usage().ratio).toBeLessThan(0.95)
		expect(store.usage().ratio).toBeGreaterThan(0.945)

		// the last 5%: an admin change, the state it writes, and ten attempt records
		expect((await admin('enable')).status).toBe(200)
		await waitFor(() => rows<{ n: number }>(store.client, "SELECT COUNT(*) AS n FROM deliveries WHERE status = 'succeeded'")[0].n === 10, 10_000, 'the ten jobs to be delivered')
		expect(rows<{ n: number }>(store.client, 'SELECT COUNT(*) AS n FROM attempts')[0].n).toBe(10)
		expect(store.usage().ratio).toBeGreaterThanOrEqual(0.95)
		expect(store.usage().ratio).toBeLessThan(1)

		// from 95% on: every ingest, however small, is refused, and /readyz says why
		await refused(await gw.post('/v1/flows/shop/events', { id: 'tiny', type: 'bulk' }))
		await refused(await gw.post('/v1/flows/shop/events/batch', { events: [{ type: 'bulk' }] }))
		const ready = await fetch(`${gw.url}/readyz`)
		expect(ready.status).toBe(503)
		expect(await ready.json()).toEqual({ status: 'unavailable', reason: STORE_FULL })
		expect((await admin('disable', { reason: 'still works' })).status).toBe(200)
		expect((await admin('enable')).status).toBe(200)

		// the purge frees pages: ingest and readiness come back without a restart
		offset = 31 * DAY
		const purged = await gw.run.retention.runNow()
		expect(purged?.events).toBeGreaterThan(accepted)
		expect(store.usage().ratio).toBeLessThan(0.95)
		expect((await fetch(`${gw.url}/readyz`)).status).toBe(200)
		expect((await gw.post('/v1/flows/shop/events', { id: 'after-purge', type: 'bulk' })).status).toBe(202)
		expect(errorLines(gw.logs)).toEqual([])
	} finally {
		await gw.stop()
	}
}, 30_000)

test('2MB cap, 20 KB events delivered while they come: every accepted event is delivered exactly once, no job is left in flight, and nothing is logged as an error', async () => {
	const counting = receiver(() => new Response('ok'))
	const gw = await startTestGateway(capped('2MB', `      - id: sink
        url: http://127.0.0.1:${counting.port}/sink
        signing: { scheme: none }
`))
	try {
		const accepted: string[] = []
		const statuses = new Set<number>()
		for (let i = 0, refusals = 0; refusals < 20; i++) {
			const res = await gw.post('/v1/flows/shop/events', { id: `e${i}`, type: 'order.paid', data: { id: `e${i}`, pad: 'x'.repeat(20_000) } })
			statuses.add(res.status)
			if (res.status === 202) accepted.push(`e${i}`)
			else {
				expect(res.headers.get('retry-after')).not.toBeNull()
				refusals++
			}
		}
		expect([...statuses].sort()).toEqual([202, 503])
		expect(accepted.length).toBeGreaterThan(30)
		const db = readDb(join(gw.dir, 'hookgate.db'))
		try {
			await waitFor(() => rows<{ n: number }>(db, "SELECT COUNT(*) AS n FROM deliveries WHERE status = 'succeeded'")[0].n === accepted.length, 15_000, 'every accepted event to be delivered')
			expect(rows(db, "SELECT status, attempt_count AS n, COUNT(*) AS jobs FROM deliveries GROUP BY status, attempt_count"))
				.toEqual([{ status: 'succeeded', n: 1, jobs: accepted.length }])
		} finally {
			db.close()
		}
		const hits = new Map<string, number>()
		for (const h of counting.hits) {
			const id = String((JSON.parse(h.body) as { data: { id: string } }).data.id)
			hits.set(id, (hits.get(id) ?? 0) + 1)
		}
		for (const id of accepted) expect(hits.get(id)).toBe(1)
		expect(hits.size).toBe(accepted.length)
		expect(errorLines(gw.logs)).toEqual([])
	} finally {
		await gw.stop()
		counting.stop()
	}
}, 30_000)

test('a reload that raises storage.maxSize lets ingest go on at once; one that lowers it below the store refuses ingest', async () => {
	const gw = await startTestGateway(capped('1MB', ''))
	const store = gw.run.store as SqliteStore
	const reloadWith = async (maxSize: string) => {
		const yaml = await Bun.file(gw.configPath).text()
		await Bun.write(gw.configPath, yaml.replace(/maxSize: \S+/, `maxSize: ${maxSize}`))
		expect(await gw.run.reload()).toEqual([])
	}
	try {
		let i = 0
		while ((await gw.post('/v1/flows/shop/events', padded(`e${i}`, 'bulk', 50_000))).status === 202) i++
		expect(i).toBeGreaterThan(5)
		await reloadWith('2MB')
		expect((await gw.post('/v1/flows/shop/events', padded('more', 'bulk', 50_000))).status).toBe(202)
		expect(store.usage().maxBytes).toBe(2 << 20)
		await reloadWith('512KB')
		const res = await gw.post('/v1/flows/shop/events', { id: 'tiny', type: 'bulk' })
		expect(res.status).toBe(503)
		expect((await fetch(`${gw.url}/readyz`)).status).toBe(503)
		await reloadWith('0')
		expect((await gw.post('/v1/flows/shop/events', padded('uncapped', 'bulk', 50_000))).status).toBe(202)
		expect((await fetch(`${gw.url}/readyz`)).status).toBe(200)
	} finally {
		await gw.stop()
	}
})

test('past the ingest limit a producer is refused while hookgate\'s own signals still go into the reserve', async () => {
	const { SqliteStore } = await import('../../../src/store/sqlite/store')
	const { tempDir } = await import('../../support/gateway')
	const store = new SqliteStore({ path: join(tempDir(), 'reserve.db'), synchronous: 'normal', maxSizeBytes: 1024 * 1024 })
	try {
		const item = (id: string) => ({ event: { id, type: 't', sessionId: null, occurredAt: null, success: true, data: { pad: 'x'.repeat(20_000) } }, endpoints: [] })
		let n = 0
		let outcome = await store.ingest('f', [item(`p${n++}`)], 1000)
		while (outcome.ok && n < 200) outcome = await store.ingest('f', [item(`p${n++}`)], 1000)
		expect(outcome).toEqual({ ok: false, code: 'store_full' })
		const own = await store.ingest('ops', [{ event: { id: 'op_1', type: 'store.nearly_full', sessionId: null, occurredAt: null, success: true, data: {} }, endpoints: [] }], 1000, { reserve: true })
		expect(own.ok).toBe(true)
		// and a producer is still refused after it
		expect(await store.ingest('f', [item('late')], 1000)).toEqual({ ok: false, code: 'store_full' })
	} finally {
		await store.close()
	}
})
