import { afterAll, expect, test } from 'bun:test'
import { rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { receiver } from '../dispatch/loopback'
import { ADMIN_TOKEN, configYaml, tempDir, INGEST_TOKEN } from '../support/gateway'
import { listedJobs, readStopped, storedAttempts } from '../support/stored'
import { spawnGateway } from './child'
import { waitFor } from './support'

let releaseSlow = () => {}
const slowGate = new Promise<void>((r) => { releaseSlow = r })
const rx = receiver(async (req) => {
	if (new URL(req.url).pathname === '/slow') await slowGate
	return new Response('ok')
})
afterAll(() => { releaseSlow(); rx.stop() })

const endpoint = (id: string, events?: string) => `      - id: ${id}
        url: http://127.0.0.1:${rx.port}/${id}
        signing: { scheme: none }
${events ? `        events: ["${events}"]\n` : ''}`
const flow = (endpoints: string) => `  - id: shop
    ingestTokens: [${INGEST_TOKEN}]
    endpoints:
${endpoints}`

const post = (url: string, id: string, type = 'order.paid') => fetch(`${url}/v1/flows/shop/events`, {
	method: 'POST',
	headers: { 'content-type': 'application/json', authorization: `Bearer ${INGEST_TOKEN}` },
	body: JSON.stringify({ id, type }),
})
const hitsFor = (path: string) => rx.on(path).map((h) => JSON.parse(h.body).data?.id ?? h.headers['webhook-id'])

test('SIGHUP applies a good file to new events, refuses a bad one with its error lines, and in-flight tries finish', async () => {
	const dir = tempDir()
	const configPath = join(dir, 'config.yaml')
	const write = (yaml: string) => writeFileSync(configPath, yaml.replaceAll('{{DIR}}', dir))
	write(configYaml(flow(endpoint('a', 'order.*') + endpoint('slow', 'slow.*'))))
	const gw = await spawnGateway(configPath)
	try {
		expect((await post(gw.url, 'e1')).status).toBe(202)
		await waitFor(() => rx.on('/a').length === 1, 5000, 'e1 at /a')
		// a try that is still running when the reloads happen
		expect((await post(gw.url, 'slow1', 'slow.start')).status).toBe(202)
		await waitFor(() => rx.on('/slow').length === 1, 5000, 'the slow try to start')

		// a good file: a new endpoint gets the next event
		write(configYaml(flow(endpoint('a', 'order.*') + endpoint('slow', 'slow.*') + endpoint('b', 'order.*'))))
		gw.signal('SIGHUP')
		await gw.waitForLog((r) => r.msg === 'configuration reloaded', 5000, 'the reload')
		expect((await post(gw.url, 'e2')).status).toBe(202)
		await waitFor(() => rx.on('/b').length === 1 && rx.on('/a').length === 2, 5000, 'e2 at /a and /b')
		expect(rx.on('/b')[0].headers['webhook-id']).toBe('e2')

		// a bad file: refused with the check-config lines, the old config keeps running
		write(configYaml(flow(`${endpoint('a', 'order.*')}        bogus: 1\n      - id: c\n        url: not-a-url\n`)))
		gw.signal('SIGHUP')
		const refused = await gw.waitForLog((r) => r.level === 'error', 5000, 'the refusal')
		expect(refused.msg).toContain('reload refused')
		const errors = refused.errors as string[]
		expect(errors.length).toBeGreaterThanOrEqual(2)
		for (const line of errors) expect(line).toMatch(new RegExp(`^${configPath.replaceAll('.', '\\.')}:\\d+:\\d+ flows\\[0\\]\\.endpoints\\[\\d\\]`))
		expect(errors.some((l) => l.includes('bogus'))).toBe(true)
		// one error record for one refused reload
		expect(gw.records().filter((r) => r.level === 'error')).toHaveLength(1)
		expect((await post(gw.url, 'e3')).status).toBe(202)
		await waitFor(() => rx.on('/b').length === 2 && rx.on('/a').length === 3, 5000, 'e3 routed by the old config')

		// the try that was in flight through both reloads finishes and is recorded once
		releaseSlow()
		await waitFor(async () => (await listedJobs(gw.url, ADMIN_TOKEN, { endpoint: 'slow' }))[0]?.status === 'succeeded', 5000, 'the slow job to succeed')
		expect(hitsFor('/slow')).toHaveLength(1)
		gw.signal('SIGTERM')
		expect(await gw.exited).toBe(0)
		const tries = await readStopped(dir, (store) => storedAttempts(store, { endpoint: 'slow' }))
		expect(tries.map((a) => a.status)).toEqual([200])
	} finally {
		gw.proc.kill('SIGKILL')
		rmSync(dir, { recursive: true, force: true })
	}
}, 30_000)
