import { afterAll, expect, test } from 'bun:test'
import { configYaml, startTestGateway } from '../support/gateway'
import { receiver } from '../dispatch/loopback'
import { sample, scrape } from './support'

// the backlog's counts themselves are the store's (test/store/sqlite/backlog.test.ts)
const ok = receiver(() => new Response('ok'))
afterAll(() => ok.stop())

test('scrapes in a burst share one read of the store, and show the stored backlog', async () => {
	const flows = `  - id: shop
    envelope: standard
    ingestTokens: [test-ingest-token]
    endpoints:
      - id: slow
        url: http://127.0.0.1:${ok.port}/slow
        enabled: false
        signing: { scheme: none }
`
	const gw = await startTestGateway(configYaml(flows))
	try {
		for (let i = 0; i < 30; i++) expect((await gw.post('/v1/flows/shop/events', { type: 'order.paid' })).status).toBe(202)
		const metrics = gw.run.metrics
		const before = metrics.storeReads
		const scrapes = await Promise.all([scrape(gw.url), scrape(gw.url), scrape(gw.url)])
		for (const m of scrapes) expect(sample(m, 'hookgate_backlog_deliveries', { flow: 'shop', endpoint: 'slow' })).toBe(30)
		expect(metrics.storeReads - before).toBeLessThanOrEqual(1)
	} finally {
		await gw.stop()
	}
})
