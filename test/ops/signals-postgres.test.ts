// Three instances on one PostgreSQL database: each operational event is sent
// once, not once per instance.
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { closedPort, type Receiver } from '../dispatch/loopback'
import { startTestGateway, type TestGateway } from '../support/gateway'
import { createTempDatabase, onPostgres, startInstances, type TempDatabase } from '../support/postgres'
import { waitFor } from '../support/wait'
import { ofType, opsConfig, opsReceiver, received } from './signals-support'

let db: TempDatabase
let ops: Receiver
let gws: TestGateway[] = []

beforeAll(async () => {
	db = await createTempDatabase()
	ops = opsReceiver()
	const yaml = onPostgres(opsConfig(ops.port, `  - id: shop
    envelope: standard
    ingestTokens: [test-ingest-token]
    endpoints:
      - { id: a, url: "http://127.0.0.1:${closedPort()}/a", signing: { scheme: none }, retrySchedule: [] }
`, '', '  failingAfter: 3\n  disableAfter: 1s\n'), db.url)
	gws = await startInstances(yaml, ['one', 'two', 'three'], { opsCoalesceMs: 400 })
}, 30_000)

afterAll(async () => {
	await Promise.all(gws.map((g) => g.stop()))
	ops?.stop()
	await db?.drop()
})

test('one endpoint failing on three instances until disabled: one failing, one disabled, every exhausted job reported once', async () => {
	let n = 0
	while (ofType(received(ops), 'endpoint.disabled').length === 0) {
		await Promise.all(gws.map((g) => g.post('/v1/flows/shop/events', { id: `e${n++}`, type: 'order.created', data: {} })))
		await Bun.sleep(60)
		if (n > 300) throw new Error('never disabled')
	}
	await Bun.sleep(1500)
	const all = received(ops)
	expect(ofType(all, 'endpoint.failing')).toHaveLength(1)
	expect(ofType(all, 'endpoint.disabled')).toHaveLength(1)
	const failed = (await gws[0].run.store.jobCounts('shop')).filter((c) => c.status === 'failed').reduce((s, c) => s + c.count, 0)
	await waitFor(() => ofType(received(ops), 'delivery.exhausted').reduce((s, e) => s + e.data.count, 0) >= failed, 5000, 'every failed job reported')
	const ids = ofType(received(ops), 'delivery.exhausted').flatMap((e) => e.data.jobs as string[])
	expect(new Set(ids).size).toBe(ids.length)
	expect(ofType(received(ops), 'delivery.exhausted').reduce((s, e) => s + e.data.count, 0)).toBe(failed)
}, 30_000)

test('the daily report run by three instances at once is sent once', async () => {
	const sent = await Promise.all(gws.map((g) => g.run.signals.runReport()))
	expect(sent.filter(Boolean)).toHaveLength(1)
	await waitFor(() => ofType(received(ops), 'report.undelivered').length > 0, 5000, 'the report')
	await Bun.sleep(300)
	expect(ofType(received(ops), 'report.undelivered')).toHaveLength(1)
})
