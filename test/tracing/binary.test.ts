import { afterAll, beforeAll, expect, test } from 'bun:test'
import { receiver } from '../dispatch/loopback'
import { tempDir } from '../support/gateway'
import { BINARY, ensureBinary, freePort, spawnServe, writeConfig } from '../support/process'
import { collector } from './collector'

beforeAll(() => ensureBinary(), 120_000)

const otlp = collector()
const hooks = receiver(() => new Response('ok'))
afterAll(() => { otlp.stop(); hooks.stop() })

const TRACE = '0af7651916cd43dd8448eb211c80319c'

// The SDK is loaded through a dynamic import only when tracing is on: the
// compiled binary must carry it, and SIGTERM must flush what is queued.
test('the compiled binary exports the ingest and attempt spans on SIGTERM', async () => {
	const dir = tempDir('hookgate-bin-trace-')
	const port = freePort()
	const cfg = writeConfig(dir, `server:
  listen: 127.0.0.1:${port}
storage:
  sqlite: ./hookgate.db
delivery:
  allowPrivateNetworks: [127.0.0.0/8]
tracing:
  otlp:
    endpoint: http://127.0.0.1:${otlp.port}/v1/traces
    headers: { authorization: "Bearer \${OTLP_TOKEN}" }
flows:
  - id: shop
    ingestTokens: [bin-token]
    endpoints:
      - { id: a, url: "http://127.0.0.1:${hooks.port}/a", signing: { scheme: none } }
`)
	const child = await spawnServe([BINARY], cfg, port, dir, { OTLP_TOKEN: 'bin-otlp-token' })
	try {
		const res = await fetch(`${child.url}/v1/flows/shop/events`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', authorization: 'Bearer bin-token', traceparent: `00-${TRACE}-b7ad6b7169203331-01` },
			body: JSON.stringify({ id: 'bin-t1', type: 'x' }),
		})
		expect(res.status).toBe(202)
		for (let i = 0; i < 200 && hooks.hits.length === 0; i++) await Bun.sleep(25)
		expect(hooks.hits[0].headers.traceparent).toMatch(new RegExp(`^00-${TRACE}-[0-9a-f]{16}-01$`))
	} finally {
		child.kill('SIGTERM')
		expect(await child.exited).toBe(0)
	}
	const spans = otlp.spans()
	expect(spans.map((s) => s.name).sort()).toEqual(['hookgate.attempt', 'hookgate.ingest'])
	expect(spans.every((s) => s.traceId === TRACE)).toBe(true)
	expect(otlp.hits[0].headers.authorization).toBe('Bearer bin-otlp-token')
	expect(child.output()).not.toContain('bin-otlp-token')
}, 60_000)
