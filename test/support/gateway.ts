// Starts a real gateway in this process on a temp SQLite file and port 0.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { createLogger } from '../../src/ops/log'
import { startGateway, type Running, type RuntimeOptions } from '../../src/runtime'

export const INGEST_TOKEN = 'test-ingest-token'
export const ADMIN_TOKEN = 'test-admin-token'

export interface TestGateway {
	run: Running
	dir: string
	configPath: string
	logs: string[]
	url: string
	post(path: string, body: unknown, init?: { token?: string | null; headers?: Record<string, string>; raw?: string; method?: string }): Promise<Response>
	stop(opts?: { keep?: boolean }): Promise<void>
}

export function tempDir(prefix = 'hookgate-test-'): string {
	return mkdtempSync(join(tmpdir(), prefix))
}

/** `yaml` is the config body; `{{DIR}}` is replaced by the temp dir. */
export async function startTestGateway(yaml: string, opts: RuntimeOptions & { dir?: string } = {}): Promise<TestGateway> {
	const dir = opts.dir ?? tempDir()
	const configPath = join(dir, 'config.yaml')
	writeFileSync(configPath, yaml.replaceAll('{{DIR}}', dir))
	const logs: string[] = []
	const sink = new Writable({ write(chunk, _enc, cb) { logs.push(String(chunk)); cb() } })
	const run = await startGateway(configPath, { logger: createLogger('debug', sink), ...opts })
	return {
		run, dir, configPath, logs, url: run.url,
		post(path, body, init = {}) {
			const headers: Record<string, string> = { 'content-type': 'application/json', ...init.headers }
			const token = init.token === undefined ? INGEST_TOKEN : init.token
			if (token !== null) headers.authorization = `Bearer ${token}`
			return fetch(`${run.url}${path}`, { method: init.method ?? 'POST', headers, body: init.raw ?? JSON.stringify(body) })
		},
		async stop(o = {}) {
			await run.stop()
			if (!o.keep && !opts.dir) rmSync(dir, { recursive: true, force: true })
		},
	}
}

/** A minimal config; `flows` is YAML for the flows list (indented by 2). */
export function configYaml(flows: string, extra = ''): string {
	return `server:
  listen: 127.0.0.1:0
  shutdownGrace: 2s
storage:
  sqlite: {{DIR}}/hookgate.db
admin:
  tokens: [${ADMIN_TOKEN}]
delivery:
  allowPrivateNetworks: [127.0.0.0/8]
  retrySchedule: [50ms, 100ms]
  jitter: 0
${extra}
flows:
${flows}`
}
