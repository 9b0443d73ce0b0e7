// Several gateways on one PostgreSQL database, in this process: what one
// instance takes in or changes, the others deliver and use.
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { receiver, type Receiver } from './dispatch/loopback'
import { ADMIN_TOKEN, configYaml, INGEST_TOKEN, startTestGateway, type TestGateway } from './support/gateway'
import { createTempDatabase, onPostgres, startInstances, type TempDatabase } from './support/postgres'
import { waitFor } from './support/wait'

let db: TempDatabase
let rx: Receiver
let gws: TestGateway[] = []

beforeAll(async () => {
	db = await createTempDatabase()
	rx = receiver(() => new Response('ok'))
	const yaml = onPostgres(configYaml(`  - id: shop
    envelope: standard
    ingestTokens: [${INGEST_TOKEN}]
    endpoints:
      - { id: a, url: "http://127.0.0.1:${rx.port}/a", signing: { scheme: none } }
      - { id: b, url: "http://127.0.0.1:${rx.port}/b", signing: { scheme: none } }
`), db.url)
	// one after the other is not needed: migrations take an advisory lock
	gws = await startInstances(yaml, ['one', 'two', 'three'])
}, 30_000)

afterAll(async () => {
	await Promise.all(gws.map((g) => g.stop()))
	rx?.stop()
	await db?.drop()
})

const send = (gw: TestGateway, id: string) => gw.post('/v1/flows/shop/events', { id, type: 'order.created', data: { id } })

test('events ingested on any instance are delivered once to every endpoint', async () => {
	const ids = Array.from({ length: 60 }, (_, i) => `spread-${i}`)
	const answers = await Promise.all(ids.map((id, i) => send(gws[i % 3], id)))
	expect(answers.map((r) => r.status)).toEqual(ids.map(() => 202))
	const delivered = (path: string) => rx.on(path).map((h) => h.headers['webhook-id']).filter((id) => id.startsWith('spread-'))
	await waitFor(() => delivered('/a').length >= 60 && delivered('/b').length >= 60, 15_000, 'every delivery')
	await Bun.sleep(300)
	for (const path of ['/a', '/b']) expect(delivered(path).sort()).toEqual([...ids].sort())
})

test('the same id sent to two instances at the same moment is one event', async () => {
	for (let i = 0; i < 30; i++) {
		const [x, y] = await Promise.all([send(gws[0], `twice-${i}`), send(gws[2], `twice-${i}`)])
		expect([x.status, y.status].sort()).toEqual([200, 202])
	}
	const listed = await fetch(`${gws[1].url}/admin/v1/events?flow=shop&limit=100`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })
	const items = ((await listed.json()) as { items: Array<{ id: string }> }).items.filter((e) => e.id.startsWith('twice-'))
	expect(items).toHaveLength(30)
})

test('an endpoint added through one instance receives events ingested by another within 2 s', async () => {
	const created = await fetch(`${gws[0].url}/admin/v1/flows/shop/endpoints`, {
		method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
		body: JSON.stringify({ id: 'late', url: `http://127.0.0.1:${rx.port}/late` }),
	})
	expect(created.status).toBe(201)
	const start = Date.now()
	await waitFor(async () => {
		const r = await send(gws[2], `late-${Date.now()}`)
		const body = (await r.json()) as { deliveries: Array<{ endpoint: string }> }
		return body.deliveries.some((d) => d.endpoint === 'late')
	}, 3000, 'instance three to route to the new endpoint')
	expect(Date.now() - start).toBeLessThan(2000)
	await waitFor(() => rx.on('/late').length > 0, 3000, 'the delivery to the new endpoint')
})
