// The gateway under test: the built binary as a child process, its own temp
// dir on disk, default `synchronous: full`, port chosen by the kernel.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { Subprocess } from 'bun'
import { sleep } from './clock'
import { stopChild, track } from './children'
import { cpuSeconds, memory } from './proc'

export const ROOT = resolve(import.meta.dir, '../..')
export const BINARY = join(ROOT, 'dist/hookgate')
export const TOKEN = 'bench-ingest-token'
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'

export interface FlowSpec {
	id: string
	/** endpoint id → URL; every endpoint signs (standard-webhooks) as most will in production */
	endpoints: Array<{ id: string; url: string; events?: string[] }>
	/** ingest token of this flow; default TOKEN */
	token?: string
}

export interface GatewaySpec {
	flows: FlowSpec[]
	retrySchedule?: string[]
	jitter?: number
	/** per-endpoint cap; the bench raises the default 8 so the gateway, not the cap, is measured */
	endpointConcurrency?: number
	/** retention.schedule (5 or 6 cron fields); default: yearly, so no purge runs unasked */
	retentionSchedule?: string
	/** storage.maxSize, e.g. '4mb'; default none */
	maxSize?: string
	/** server.shutdownGrace; default 2s */
	shutdownGrace?: string
	/** admin.tokens, for figures that read through /admin/v1 */
	adminToken?: string
	/** storage.postgres URL instead of the SQLite file */
	postgres?: string
	/** top-level YAML sections written before `flows:` (e.g. tracing) */
	extraYaml?: string
	/** delivery.concurrency; default 64 */
	concurrency?: number
	/** storage.postgres.poolSize; default 16 */
	poolSize?: number
	/** HOOKGATE_INSTANCE_ID (PostgreSQL: the same id across restarts takes back its own leases at start) */
	instanceId?: string
}

export function configYaml(spec: GatewaySpec, dir: string): string {
	const flows = spec.flows.map((f) => {
		const endpoints = f.endpoints.map((e) => `      - id: ${e.id}
        url: ${e.url}
        signing: { scheme: standard-webhooks, secret: ${SECRET} }
        concurrency: ${spec.endpointConcurrency ?? 64}${e.events ? `\n        events: ${JSON.stringify(e.events)}` : ''}`).join('\n')
		return `  - id: ${f.id}
    envelope: standard
    ingestTokens: [${f.token ?? TOKEN}]
    endpoints:${f.endpoints.length > 0 ? `\n${endpoints}` : ' []'}`
	}).join('\n')
	return `server:
  listen: 127.0.0.1:0
  shutdownGrace: ${spec.shutdownGrace ?? '2s'}
storage:
${spec.postgres ? `  postgres: { url: "${spec.postgres}", poolSize: ${spec.poolSize ?? 16} }` : `  sqlite: ${join(dir, 'hookgate.db')}\n  synchronous: full${spec.maxSize ? `\n  maxSize: ${spec.maxSize}` : ''}`}
log:
  level: info
${spec.adminToken ? `admin:\n  tokens: [${spec.adminToken}]\n` : ''}limits:
  endpointsPerFlow: 10
delivery:
  allowPrivateNetworks: [127.0.0.0/8]
  concurrency: ${spec.concurrency ?? 64}
  retrySchedule: [${(spec.retrySchedule ?? ['5s', '5m']).join(', ')}]
  jitter: ${spec.jitter ?? 0.2}
retention:
  days: 30
  schedule: "${spec.retentionSchedule ?? '0 0 1 1 *'}"
${spec.extraYaml ?? ''}flows:
${flows}
`
}

// every temp dir made, so even a figure that failed half-way leaves none behind
const made = new Set<string>()

export function tempDir(base: string): string {
	const dir = mkdtempSync(join(base, 'hookgate-bench-'))
	made.add(dir)
	return dir
}

/** Removes every temp dir still there (synchronous: also fine in an exit handler). */
export function removeTempDirs() {
	for (const d of made) rmSync(d, { recursive: true, force: true })
	made.clear()
}

export interface Gateway {
	url: string
	pid: number
	dir: string
	dbPath: string
	cpuSeconds(): number
	memory(): { rssMb: number; hwmMb: number }
	output(): string
	/** sends a signal (SIGKILL for a crash) without waiting */
	kill(signal: NodeJS.Signals): void
	/** the exit code, or the signal's number + 128 */
	exited: Promise<number>
	/** rewrites the config and sends SIGHUP */
	reload(spec: GatewaySpec): void
	/** SIGTERM, wait; `keep` leaves the temp dir for a later look at the database */
	stop(opts?: { keep?: boolean }): Promise<void>
}

/** Starts `hookgate serve` in `dir` (made by the caller, maybe pre-seeded) and waits until /healthz answers. */
export async function startGateway(dir: string, spec: GatewaySpec): Promise<Gateway> {
	const configPath = join(dir, 'config.yaml')
	writeFileSync(configPath, configYaml(spec, dir))
	const proc: Subprocess<'ignore', 'pipe', 'pipe'> = track(Bun.spawn([BINARY, 'serve', '--config', configPath], {
		cwd: dir, stdin: 'ignore', stdout: 'pipe', stderr: 'pipe',
		env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...(spec.instanceId ? { HOOKGATE_INSTANCE_ID: spec.instanceId } : {}) },
	}))
	// keep draining the pipes (a full pipe would stall the gateway); keep the tail for errors
	let out = ''
	const pump = async (s: ReadableStream<Uint8Array>) => {
		const d = new TextDecoder()
		for await (const c of s) out = (out + d.decode(c, { stream: true })).slice(-65536)
	}
	pump(proc.stdout)
	pump(proc.stderr)
	let url = ''
	for (let i = 0; i < 600 && !url; i++) {
		if (proc.exitCode !== null) throw new Error(`hookgate exited ${proc.exitCode}: ${out}`)
		url = out.match(/"url":"(http:\/\/[^"]+)"/)?.[1] ?? ''
		if (!url) await sleep(25)
	}
	for (let i = 0; url && i < 200; i++) {
		try { if ((await fetch(`${url}/healthz`)).ok) break } catch {}
		await sleep(25)
	}
	if (!url) {
		proc.kill('SIGKILL')
		throw new Error(`hookgate did not start: ${out}`)
	}
	return {
		url, pid: proc.pid, dir, dbPath: join(dir, 'hookgate.db'),
		cpuSeconds: () => cpuSeconds(proc.pid),
		memory: () => memory(proc.pid),
		output: () => out,
		kill: (signal) => proc.kill(signal),
		exited: proc.exited,
		reload(next) {
			writeFileSync(configPath, configYaml(next, dir))
			proc.kill('SIGHUP')
		},
		async stop(opts = {}) {
			await stopChild(proc, 8000)
			if (!opts.keep) rmSync(dir, { recursive: true, force: true })
		},
	}
}
