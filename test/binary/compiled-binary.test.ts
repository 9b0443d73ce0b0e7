import { beforeAll, expect, test } from 'bun:test'
import { join } from 'node:path'
import { tempDir } from '../support/gateway'
import { BINARY, ensureBinary, freePort, spawnServe, writeConfig } from '../support/process'
import { readStopped } from '../support/stored'

beforeAll(() => ensureBinary(), 120_000)

const config = (port: number) => `server:
  listen: 127.0.0.1:${port}
storage:
  sqlite: ./state/hookgate.db
admin:
  tokens: [bin-admin-token]
flows:
  - id: shop
    name: Shop
    envelope: standard
    ingestTokens: [bin-token]
    endpoints:
      - { id: a, url: "http://127.0.0.1:9/a", signing: { scheme: none } }
`

test('the compiled binary starts on an empty dir, keeps an event across a restart', async () => {
	const dir = tempDir('hookgate-bin-')
	// a stray .env must not be read by the binary
	await Bun.write(join(dir, '.env'), 'HOOKGATE_CONFIG=/nonexistent\n')
	const port = freePort()
	const cfg = writeConfig(dir, config(port))
	const first = await spawnServe([BINARY], cfg, port, dir)
	const send = () => fetch(`${first.url}/v1/flows/shop/events`, {
		method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer bin-token' },
		body: JSON.stringify({ id: 'bin-1', type: 'x', data: { n: 1 } }),
	})
	expect((await send()).status).toBe(202)
	first.kill('SIGTERM')
	expect(await first.exited).toBe(0)
	const second = await spawnServe([BINARY], cfg, port, dir)
	try {
		const again = await fetch(`${second.url}/v1/flows/shop/events`, {
			method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer bin-token' },
			body: JSON.stringify({ id: 'bin-1', type: 'x', data: { n: 1 } }),
		})
		expect(again.status).toBe(200)
		expect(((await again.json()) as { duplicate: boolean }).duplicate).toBe(true)
	} finally {
		second.kill('SIGTERM')
		expect(await second.exited).toBe(0)
	}
	const stored = await readStopped(join(dir, 'state'), (store) => store.findEvents('bin-1', null))
	expect(stored.map((e) => e.data)).toEqual([{ n: 1 }])
}, 60_000)

test('the binary prints its version and checks a config', () => {
	const v = Bun.spawnSync([BINARY, 'version'])
	expect(v.stdout.toString().trim()).toMatch(/^hookgate \d+\.\d+\.\d+$/)
	const dir = tempDir('hookgate-bin-')
	const bad = writeConfig(dir, 'flows:\n  - id: Bad\n')
	const r = Bun.spawnSync([BINARY, 'check-config', bad])
	expect(r.exitCode).toBe(1)
	expect(r.stdout.toString()).toContain(`${bad}:2:9 flows[0].id:`)
})

test('the compiled binary serves /openapi.json, Swagger UI and its assets with no outside host', async () => {
	const dir = tempDir('hookgate-bin-')
	const port = freePort()
	const cfg = writeConfig(dir, config(port))
	const child = await spawnServe([BINARY], cfg, port, dir)
	try {
		const doc = await fetch(`${child.url}/openapi.json`)
		expect(doc.status).toBe(200)
		const spec = (await doc.json()) as { openapi: string; paths: Record<string, unknown> }
		expect(spec.openapi).toStartWith('3.')
		expect(Object.keys(spec.paths)).toContain('/admin/v1/jobs')
		const page = await fetch(`${child.url}/docs`)
		expect(page.status).toBe(200)
		const html = await page.text()
		const refs = [...html.matchAll(/(?:src|href)=["']([^"']+)["']/g)].map((m) => m[1])
		expect(refs.length).toBeGreaterThan(0)
		for (const ref of refs) {
			expect(ref).not.toMatch(/^(https?:)?\/\//)
			const asset = await fetch(new URL(ref, `${child.url}/docs`))
			expect(asset.status).toBe(200)
			expect((await asset.arrayBuffer()).byteLength).toBeGreaterThan(1000)
		}
		expect(html).not.toMatch(/https?:\/\/(?!127\.0\.0\.1|localhost)[a-z]/i)
	} finally {
		child.kill('SIGTERM')
		await child.exited
	}
}, 60_000)
