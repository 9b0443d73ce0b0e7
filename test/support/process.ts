// Runs hookgate as a child process (the compiled binary or the sources).
import { existsSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { Subprocess } from 'bun'

export const ROOT = resolve(import.meta.dir, '../..')
export const BINARY = join(ROOT, 'dist/hookgate')

/** make test builds the binary first; a lone `bun test` run builds it here. */
export function ensureBinary() {
	if (existsSync(BINARY)) return
	const r = Bun.spawnSync(['make', 'build'], { cwd: ROOT, stdout: 'inherit', stderr: 'inherit' })
	if (r.exitCode !== 0) throw new Error('make build failed')
}

export interface Child {
	proc: Subprocess<'ignore', 'pipe', 'pipe'>
	url: string
	output(): string
	kill(signal?: NodeJS.Signals | number): void
	exited: Promise<number>
}

/** Starts `serve` and waits until it answers /healthz on the port the config names. */
export async function spawnServe(cmd: string[], configPath: string, port: number, cwd: string, env: Record<string, string> = {}): Promise<Child> {
	const proc = Bun.spawn([...cmd, 'serve', '--config', configPath], {
		cwd, stdin: 'ignore', stdout: 'pipe', stderr: 'pipe',
		env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
	})
	let out = ''
	const pump = async (s: ReadableStream<Uint8Array>) => { for await (const c of s) out += new TextDecoder().decode(c) }
	pump(proc.stdout)
	pump(proc.stderr)
	const url = `http://127.0.0.1:${port}`
	const child: Child = { proc, url, output: () => out, kill: (s = 'SIGTERM') => proc.kill(s), exited: proc.exited }
	for (let i = 0; i < 300; i++) {
		if (proc.exitCode !== null) throw new Error(`hookgate exited ${proc.exitCode}: ${out}`)
		try {
			if ((await fetch(`${url}/healthz`)).ok) return child
		} catch {}
		await Bun.sleep(50)
	}
	proc.kill('SIGKILL')
	throw new Error(`hookgate did not start: ${out}`)
}

/** A free loopback port (bound then released). */
export function freePort(): number {
	const s = Bun.serve({ hostname: '127.0.0.1', port: 0, fetch: () => new Response('') })
	const p = s.port as number
	s.stop(true)
	return p
}

export function writeConfig(dir: string, yaml: string): string {
	const path = join(dir, 'config.yaml')
	writeFileSync(path, yaml)
	return path
}
