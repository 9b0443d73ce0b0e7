import { afterAll, expect, test } from 'bun:test'
import { writeFileSync } from 'node:fs'
import { closedPort, receiver } from '../dispatch/loopback'
import { startTestGateway } from '../support/gateway'
import { scrape, waitFor } from './support'

const ok = receiver(() => new Response('ok'))
const broken = receiver(() => new Response('no', { status: 500 }))
afterAll(() => { ok.stop(); broken.stop() })

// Every value below is configured as a token or a secret; none may reach a log line.
const SECRETS = {
	ADMIN: 'admin-tok-5b1e9d0c7a',
	INGEST: 'ingest-tok-8c2f4a6e1d',
	INGEST_OLD: 'ingest-tok-old-3e9b7f',
	METRICS: 'metrics-tok-2d8a6c4f9e',
	HMAC: 'hmac-secret-9f1c3e5a7b',
	HMAC_OLD: 'hmac-secret-old-4a6c8e0b2d',
	WHSEC: 'whsec_c2VjcmV0LWZvci1sb2ctc2Nhbi10ZXN0LTMyYnl0ZXM=',
	API_KEY: 'api-key-value-7e5c3a1f9d',
	SENSITIVE: 'sensitive-value-1a3c5e7f9b',
}

const config = (withErrors: boolean) => `server:
  listen: 127.0.0.1:0
  shutdownGrace: 2s
storage:
  sqlite: {{DIR}}/hookgate.db
admin:
  tokens: ["\${ADMIN}"]
metrics:
  token: "\${METRICS}"
log:
  level: debug
delivery:
  allowPrivateNetworks: [127.0.0.0/8]
  retrySchedule: [20ms]
  jitter: 0
flows:
  - id: shop
    ingestTokens: ["\${INGEST}", "${SECRETS.INGEST_OLD}"]
    endpoints:
      - id: signed
        url: http://127.0.0.1:${ok.port}/signed
        signing:
          scheme: hmac-sha256
          secret: \${HMAC}
          previous: { secret: "${SECRETS.HMAC_OLD}", until: 2099-01-01T00:00:00Z }
        headers:
          X-Api-Key: \${API_KEY}
          X-Custom: { value: "${SECRETS.SENSITIVE}", sensitive: true }
      - id: failing
        url: http://127.0.0.1:${broken.port}/failing
        signing: { scheme: standard-webhooks, secret: "${SECRETS.WHSEC}" }
        headers: { Authorization: "Bearer ${SECRETS.API_KEY}" }
      - id: unreachable
        url: http://127.0.0.1:${closedPort()}/gone
        signing: { scheme: standard-webhooks, secret: "\${WHSEC}" }
${withErrors ? `      - id: bad
        url: "\${HMAC}"
        signing: { scheme: hmac-sha256, secret: 12 }
        headers: { X-Key: "${SECRETS.API_KEY}\\n" }
` : ''}`

test('no log line holds a configured secret or token, through ingest, deliveries, failures, metrics and reloads', async () => {
	const gw = await startTestGateway(config(false), { env: SECRETS })
	const ingest = (token: string, body: unknown, flow = 'shop') => fetch(`${gw.url}/v1/flows/${flow}/events`, {
		method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body),
	})
	try {
		expect((await ingest(SECRETS.INGEST, { id: 'e1', type: 'order.paid', data: { n: 1 } })).status).toBe(202)
		expect((await ingest(SECRETS.INGEST_OLD, { id: 'e2', type: 'order.paid' })).status).toBe(202)
		expect((await ingest(`${SECRETS.INGEST}x`, { id: 'e3', type: 'order.paid' })).status).toBe(401)
		expect((await ingest(SECRETS.INGEST, { id: 'e1', type: 'order.paid', data: { n: 2 } })).status).toBe(409)
		expect((await ingest(SECRETS.INGEST, { type: 'x' }, 'nope')).status).toBe(404)
		await waitFor(() => gw.logs.filter((l) => l.includes('no tries left')).length >= 4, 10_000, 'the failing deliveries to give up')
		expect(ok.hits.length).toBe(2)

		expect((await fetch(`${gw.url}/metrics`)).status).toBe(401)
		await scrape(gw.url, SECRETS.METRICS)
		expect((await fetch(`${gw.url}/readyz`)).status).toBe(200)

		expect(await gw.run.reload()).toEqual([])
		writeFileSync(gw.configPath, config(true).replaceAll('{{DIR}}', gw.dir))
		expect((await gw.run.reload()).length).toBeGreaterThan(0)
		expect(gw.logs.some((l) => l.includes('reload refused'))).toBe(true)
		await gw.run.retention.runNow()
	} finally {
		await gw.stop()
	}
	const all = gw.logs.join('')
	// the run did log: attempts with their ids, the refused reload, the stop
	expect(all).toContain('"msg":"delivered"')
	expect(all).toContain('"delivery":"job_')
	expect(all).toContain('"event":"e1"')
	expect(all).toContain('"msg":"stopped"')
	for (const line of gw.logs) expect(() => JSON.parse(line)).not.toThrow()
	for (const [name, value] of Object.entries(SECRETS)) {
		if (all.includes(value)) throw new Error(`log output holds ${name}`)
	}
	expect(all).not.toContain(SECRETS.WHSEC.slice('whsec_'.length))
}, 30_000)
