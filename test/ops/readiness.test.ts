import { expect, test } from 'bun:test'
import { configYaml, startTestGateway, INGEST_TOKEN } from '../support/gateway'
import { readStopped, storedEvents, storedJobs } from '../support/stored'
import { receiver } from '../dispatch/loopback'
import { waitFor } from './support'

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
		await readStopped(gw.dir, async (store) => {
			expect((await storedJobs(store)).map((j) => j.status)).toEqual(['succeeded'])
			expect((await storedEvents(store)).map((e) => e.id)).toEqual(['e1'])
		})
	} finally {
		release()
		rx.stop()
		await gw.stop()
	}
})
