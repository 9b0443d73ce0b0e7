// Metrics, stats and the viewer's flow counts from any instance on one
// PostgreSQL database show the jobs of all: backlog and counts come from the
// database. (Counters such as hookgate_deliveries_total are each process's own.)
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { receiver, type Receiver } from './dispatch/loopback'
import { ADMIN_TOKEN, configYaml, INGEST_TOKEN, startTestGateway, type TestGateway } from './support/gateway'
import { createTempDatabase, onPostgres, startInstances, type TempDatabase } from './support/postgres'
import { waitFor } from './support/wait'

let db: TempDatabase
let rx: Receiver
let gws: TestGateway[] = []
const auth = { authorization: `Bearer ${ADMIN_TOKEN}` }

beforeAll(async () => {
	db = await createTempDatabase()
	rx = receiver(() => new Response('ok'))
	const yaml = onPostgres(configYaml(`  - id: shop
    envelope: standard
    ingestTokens: [${INGEST_TOKEN}]
    endpoints:
      - { id: a, url: "http://127.0.0.1:${rx.port}/a", signing: { scheme: none } }
`), db.url)
	gws = await startInstances(yaml, ['one', 'two', 'three'])
}, 30_000)

afterAll(async () => {
	await Promise.all(gws.map((g) => g.stop()))
	rx?.stop()
	await db?.drop()
})

test('backlog, stats and job counts read on one instance include what the others took in', async () => {
	// switched off through the first instance: every instance leaves its jobs pending
	const off = await fetch(`${gws[0].url}/admin/v1/flows/shop/endpoints/a/disable`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: '{}' })
	expect(off.status).toBe(200)
	await Bun.sleep(2100) // the others' catalogs follow within 2 s
	for (let i = 0; i < 6; i++) expect((await gws[i % 2].post('/v1/flows/shop/events', { id: `v${i}`, type: 'order.created', data: {} })).status).toBe(202)
	// the third instance took in none of them
	await waitFor(async () => (await (await fetch(`${gws[2].url}/metrics`)).text()).includes('hookgate_backlog_deliveries{flow="shop",endpoint="a"} 6'), 5000, 'the backlog on the third instance')
	const stats = (await (await fetch(`${gws[2].url}/admin/v1/stats?flow=shop`, { headers: auth })).json()) as { items: Array<{ endpoint: string; counts: { pending: number } }> }
	expect(stats.items.find((s) => s.endpoint === 'a')?.counts.pending).toBe(6)
	const flow = (await (await fetch(`${gws[2].url}/admin/v1/flows/shop`, { headers: auth })).json()) as Record<string, unknown>
	expect(JSON.stringify(flow)).toContain('"pending":6')
	expect(rx.hits).toHaveLength(0)
}, 30_000)
