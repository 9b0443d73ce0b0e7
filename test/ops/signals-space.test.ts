// store.nearly_full through the real HTTP ingest into a real capped SQLite
// store: ingest stops short of 95% of storage.maxSize, so the 95% warning must
// come from the store reaching its ingest limit, not from a ratio ingest never
// lets it reach.
import { expect, test } from 'bun:test'
import type { SqliteStore } from '../../src/store/sqlite/store'
import { startTestGateway } from '../support/gateway'
import { waitFor } from '../support/wait'
import { ofType, opsConfig, opsReceiver, received, type OpsEvent } from './signals-support'

const DAY = 86_400_000
const MAX = 1024 * 1024

const shop = `  - id: shop
    envelope: standard
    ingestTokens: [test-ingest-token]
    endpoints: []
`

test('filling the store through ingest until it is refused sends one store.nearly_full at 80% and one at 95%, each once; a purge under 80% re-arms both', async () => {
	const rx = opsReceiver()
	let offset = 0
	const gw = await startTestGateway(opsConfig(rx.port, shop).replace('  sqlite: {{DIR}}/hookgate.db', '  sqlite: {{DIR}}/hookgate.db\n  maxSize: 1MB'), { now: () => Date.now() + offset })
	const store = gw.run.store as SqliteStore
	const nearlyFull = () => ofType(received(rx, '/ops', { movedClock: true }), 'store.nearly_full')
	const blob = 'x'.repeat(8000)
	let n = 0
	/** ingests until the store refuses, then a few more refused tries; returns how many were taken */
	const fill = async () => {
		let taken = 0
		for (let refusals = 0; refusals < 5;) {
			const r = await gw.post('/v1/flows/shop/events', { id: `big${n++}`, type: 'order.created', data: { blob } })
			if (r.status === 202) taken++
			else {
				expect(r.status).toBe(503)
				refusals++
			}
		}
		return taken
	}
	const levels = async (count: number) => {
		const got = await waitFor(() => nearlyFull().length >= count && nearlyFull(), 10_000, `${count} store.nearly_full events`) as OpsEvent[]
		// time for a duplicate to show
		await Bun.sleep(300)
		return got
	}
	const checkData = (e: OpsEvent) => {
		expect(e.data).toEqual({ usedBytes: expect.any(Number), maxBytes: MAX, ratio: expect.any(Number) })
		expect(Math.abs(e.data.ratio - e.data.usedBytes / MAX)).toBeLessThan(0.001)
	}
	try {
		expect(await fill()).toBeGreaterThan(50)
		const first = await levels(2)
		expect(nearlyFull()).toHaveLength(2)
		const [at80, at95] = first
		checkData(at80)
		checkData(at95)
		expect(at80.data.ratio).toBeGreaterThanOrEqual(0.8)
		expect(at80.data.ratio).toBeLessThan(0.95)
		// sent when ingest reached its limit, which refuses a request that would take the store past 95%
		expect(at95.data.ratio).toBeGreaterThan(0.9)
		expect(at95.data.usedBytes).toBeGreaterThan(at80.data.usedBytes)

		// still full, more refusals: nothing new
		expect(await fill()).toBeLessThan(3)
		await Bun.sleep(300)
		expect(nearlyFull()).toHaveLength(2)

		// the purge takes the store under 80%: the next fill is told again, once per level
		offset = 31 * DAY
		await gw.run.retention.runNow()
		expect(store.usage().ratio).toBeLessThan(0.8)
		expect(await fill()).toBeGreaterThan(50)
		const again = await levels(4)
		expect(again).toHaveLength(4)
		expect(again[2].data.ratio).toBeGreaterThanOrEqual(0.8)
		expect(again[2].data.ratio).toBeLessThan(0.95)
		expect(again[3].data.ratio).toBeGreaterThan(0.9)
		expect(gw.logs.filter((l) => l.includes('"level":"error"') || l.includes('could not emit'))).toEqual([])
	} finally {
		await gw.stop()
		rx.stop()
	}
}, 60_000)
