// No storms and no loops: a large outage sends a handful of operational
// events, and the operations flow's own endpoint failing sends none.
import { expect, test } from 'bun:test'
import { closedPort } from '../dispatch/loopback'
import { startTestGateway } from '../support/gateway'
import { waitFor } from '../support/wait'
import { admin, ofType, opsConfig, opsReceiver, received } from './signals-support'

test('an outage of 10,000 jobs sends fewer than 20 operational events', async () => {
	const ops = opsReceiver()
	const gw = await startTestGateway(opsConfig(ops.port, `  - id: shop
    envelope: standard
    ingestTokens: [test-ingest-token]
    endpoints:
      - { id: down, url: "http://127.0.0.1:${closedPort()}/x", signing: { scheme: none }, retrySchedule: [] }
`, 'limits:\n  batchEvents: 1000\n', '  failingAfter: 3\n  disableAfter: 1500ms\n'), { opsCoalesceMs: 500 })
	try {
		for (let b = 0; b < 10; b++) {
			const events = Array.from({ length: 1000 }, (_, i) => ({ id: `b${b}-${i}`, type: 'order.created', data: {} }))
			expect((await gw.post('/v1/flows/shop/events/batch', { events })).status).toBe(202)
		}
		await waitFor(() => ofType(received(ops), 'endpoint.disabled').length > 0, 20_000, 'disabled')
		// every job still running its last try finishes, and the coalesced reports that follow go out
		await Bun.sleep(1500)
		const all = received(ops)
		expect(all.length).toBeLessThan(20)
		expect(ofType(all, 'endpoint.failing')).toHaveLength(1)
		expect(ofType(all, 'endpoint.disabled')).toHaveLength(1)
		const exhausted = ofType(all, 'delivery.exhausted')
		expect(exhausted.length).toBeGreaterThanOrEqual(1)
		for (const e of exhausted) expect((e.data.jobs as string[]).length).toBe(Math.min(100, e.data.count))
		// every job that ran out of tries is counted, once
		const failed = (await gw.run.store.jobCounts('shop')).filter((c) => c.status === 'failed').reduce((s, c) => s + c.count, 0)
		expect(failed).toBeGreaterThan(100)
		await waitFor(() => ofType(received(ops), 'delivery.exhausted').reduce((s, e) => s + e.data.count, 0) === failed, 5000, 'every failed job reported')
		expect(received(ops).length).toBeLessThan(20)
		expect(new Set(all.map((e) => e.type))).toEqual(new Set(['endpoint.failing', 'endpoint.disabled', 'delivery.exhausted']))
	} finally {
		await gw.stop()
		ops.stop()
	}
}, 60_000)

test('the operations flow\'s own endpoint failing produces no operational event', async () => {
	const ops = opsReceiver(() => 500)
	const gw = await startTestGateway(opsConfig(ops.port, `  - id: shop
    envelope: standard
    ingestTokens: [test-ingest-token]
    endpoints:
      - { id: down, url: "http://127.0.0.1:${closedPort()}/x", signing: { scheme: none }, retrySchedule: [10ms] }
`, '', '  failingAfter: 2\n  disableAfter: 800ms\n'), { opsCoalesceMs: 200 })
	try {
		// shop's endpoint fails: its events go to ops, whose endpoint fails them too, past failing and disabled
		let n = 0
		const pagerHealth = async () => ((await (await admin(gw, 'GET', '/flows/ops/endpoints/pager')).json()) as { health: string }).health
		while ((await pagerHealth()) !== 'disabled') {
			await gw.post('/v1/flows/shop/events', { id: `e${n++}`, type: 'order.created', data: {} })
			await Bun.sleep(100)
			if (n > 100) throw new Error('the operations endpoint was never disabled')
		}
		await Bun.sleep(500)
		const listed = ((await (await admin(gw, 'GET', '/events?flow=ops&limit=100')).json()) as { items: Array<{ id: string; type: string; data: Record<string, unknown> }> }).items
		expect(listed.length).toBeGreaterThan(0)
		expect(listed.filter((e) => e.data.flow !== 'shop')).toEqual([])
		expect(ops.hits.length).toBeGreaterThan(0)
	} finally {
		await gw.stop()
		ops.stop()
	}
}, 30_000)
