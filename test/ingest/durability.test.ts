import { afterEach, expect, test } from 'bun:test'
import { configYaml, startTestGateway, tempDir, type TestGateway } from '../support/gateway'
import { storedEvents, storedJobs } from '../support/stored'

const FLOWS = `  - id: shop
    name: Shop
    envelope: standard
    ingestTokens: [test-ingest-token]
    endpoints:
      - { id: a, url: "http://127.0.0.1:9/a", signing: { scheme: none } }
      - { id: b, url: "http://127.0.0.1:9/b", signing: { scheme: none } }
      - { id: c, url: "http://127.0.0.1:9/c", signing: { scheme: none } }
`
const open: TestGateway[] = []
afterEach(async () => { for (const g of open.splice(0)) await g.stop() })
const start = async (dir?: string) => {
	const g = await startTestGateway(configYaml(FLOWS), dir ? { dir } : {})
	open.push(g)
	return g
}
const eventIds = async (g: TestGateway) => (await storedEvents(g.run.store)).map((e) => e.id)

test('50 concurrent sends of one id store one event and one job per endpoint', async () => {
	const gw = await start()
	const sends = Array.from({ length: 50 }, () => gw.post('/v1/flows/shop/events', { id: 'same', type: 't', data: { n: 1 } }))
	const statuses = await Promise.all(sends.map(async (p) => (await p).status))
	expect(statuses.filter((s) => s === 202).length).toBe(1)
	expect(statuses.filter((s) => s === 200).length).toBe(49)
	expect(await eventIds(gw)).toEqual(['same'])
	expect((await storedJobs(gw.run.store)).map((j) => j.endpoint).sort()).toEqual(['a', 'b', 'c'])
})

test('a batch with one invalid event stores nothing and names its index', async () => {
	const gw = await start()
	const res = await gw.post('/v1/flows/shop/events/batch', { events: [{ id: 'b1', type: 't' }, { id: 'b2', type: 't', data: 'nope' }, { id: 'b3', type: 't' }] })
	expect(res.status).toBe(400)
	const err = ((await res.json()) as { error: { code: string; index: number } }).error
	expect(err).toMatchObject({ code: 'invalid_event', index: 1 })
	expect(await eventIds(gw)).toEqual([])
	expect(await storedJobs(gw.run.store)).toEqual([])
})

test('a batch conflicting with a stored event stores nothing; repeats within it are duplicates', async () => {
	const gw = await start()
	await gw.post('/v1/flows/shop/events', { id: 'x1', type: 't', data: { v: 1 } })
	const bad = await gw.post('/v1/flows/shop/events/batch', { events: [{ id: 'n1', type: 't' }, { id: 'x1', type: 't', data: { v: 2 } }] })
	expect(bad.status).toBe(409)
	expect(((await bad.json()) as { error: { index: number } }).error.index).toBe(1)
	expect(await eventIds(gw)).toEqual(['x1'])
	const ok = await gw.post('/v1/flows/shop/events/batch', { events: [{ id: 'n1', type: 't' }, { id: 'n1', type: 't' }, { id: 'x1', type: 't', data: { v: 1 } }] })
	expect(ok.status).toBe(202)
	const body = (await ok.json()) as { events: Array<{ id: string; duplicate: boolean; deliveries: unknown[] }> }
	expect(body.events.map((e) => e.duplicate)).toEqual([false, true, true])
	expect(body.events.every((e) => e.deliveries.length === 3)).toBe(true)
})

test('a batch over limits.batchEvents is refused', async () => {
	const gw = await start()
	const events = Array.from({ length: 501 }, (_, i) => ({ id: `e${i}`, type: 't' }))
	const res = await gw.post('/v1/flows/shop/events/batch', { events })
	expect(res.status).toBe(400)
	expect(((await res.json()) as { error: { code: string } }).error.code).toBe('invalid_event')
})

test('a body streamed without content-length is refused while reading', async () => {
	const gw = await start()
	let sent = 0
	const chunk = new TextEncoder().encode('x'.repeat(64 * 1024))
	const body = new ReadableStream({
		pull(c) {
			if (sent > 8 * 1024 * 1024) { c.close(); return }
			sent += chunk.byteLength
			c.enqueue(chunk)
		},
	})
	const res = await fetch(`${gw.url}/v1/flows/shop/events`, {
		method: 'POST', body, headers: { 'content-type': 'application/json', authorization: 'Bearer test-ingest-token' },
	}).catch((e) => e as Error)
	// either our 413 arrived, or the server closed the upload early: never a 2xx, and far from 8 MB read
	if (res instanceof Response) expect(res.status).toBe(413)
	expect(await eventIds(gw)).toEqual([])
})

test('an accepted event survives a restart on the same file', async () => {
	const dir = tempDir()
	const first = await start(dir)
	expect((await first.post('/v1/flows/shop/events', { id: 'keep-me', type: 't', data: { k: 'v' } })).status).toBe(202)
	await first.stop({ keep: true })
	open.splice(open.indexOf(first), 1)
	const second = await start(dir)
	expect((await storedEvents(second.run.store)).map((e) => [e.id, e.data])).toEqual([['keep-me', { k: 'v' }]])
	const again = await second.post('/v1/flows/shop/events', { id: 'keep-me', type: 't', data: { k: 'v' } })
	expect(again.status).toBe(200)
})

test('a second hookgate on the same file refuses to start', async () => {
	const dir = tempDir()
	await start(dir)
	await expect(startTestGateway(configYaml(FLOWS), { dir })).rejects.toThrow(/already using/)
})
