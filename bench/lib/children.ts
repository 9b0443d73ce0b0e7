// The bench's helper processes: receivers and the load generator, each a
// `bun` child so their CPU never counts as the gateway's.
import { join } from 'node:path'
import type { Subprocess } from 'bun'
import type { LoadJob, LoadResult } from '../loadgen'

const BENCH = join(import.meta.dir, '..')

// Every child still running, so a failing figure or an interrupted run never
// leaves a receiver or a gateway behind (they would hold the output pipe open).
const live = new Set<Subprocess>()

export function track<T extends Subprocess>(proc: T): T {
	live.add(proc)
	proc.exited.finally(() => live.delete(proc))
	return proc
}

/** SIGKILLs whatever is left; synchronous, so it also works in an exit handler. */
export function killAll() {
	for (const p of live) p.kill('SIGKILL')
	live.clear()
}

/** Reads a child's stdout line by line; resolves the first line that parses as JSON. */
async function firstJsonLine(stream: ReadableStream<Uint8Array>, keep: (text: string) => void): Promise<unknown> {
	const decoder = new TextDecoder()
	let buf = ''
	let found: unknown = undefined
	for await (const chunk of stream) {
		const text = decoder.decode(chunk, { stream: true })
		keep(text)
		buf += text
		let nl: number
		while (found === undefined && (nl = buf.indexOf('\n')) >= 0) {
			const line = buf.slice(0, nl).trim()
			buf = buf.slice(nl + 1)
			if (line.startsWith('{')) try { found = JSON.parse(line) } catch {}
		}
		if (found !== undefined) break
	}
	return found
}

export interface Receiver {
	port: number
	pid: number
	url(path?: string): string
	stats(): Promise<{ count: number; failed: number; first: number; last: number; cpuMs: number }>
	arrivals(): Promise<{ ids: string[]; times: number[] }>
	stop(): Promise<void>
}

export async function startReceiver(opts: { status?: number; record?: boolean; failRate?: number; delayMs?: number } = {}): Promise<Receiver> {
	const proc = track(Bun.spawn([process.execPath, join(BENCH, 'receiver.ts'), JSON.stringify(opts)], {
		stdin: 'ignore', stdout: 'pipe', stderr: 'inherit',
	}))
	const ready = await firstJsonLine(proc.stdout, () => {}) as { port: number } | undefined
	if (!ready) throw new Error(`receiver did not start (exit ${await proc.exited})`)
	const base = `http://127.0.0.1:${ready.port}`
	return {
		port: ready.port,
		pid: proc.pid,
		url: (path = '/') => base + path,
		stats: async () => (await fetch(`${base}/_stats`)).json() as never,
		arrivals: async () => (await fetch(`${base}/_arrivals`)).json() as never,
		async stop() { await stopChild(proc) },
	}
}

/** Runs one load job to its end and returns what it measured. */
export async function runLoad(job: LoadJob): Promise<LoadResult> {
	const proc = track(Bun.spawn([process.execPath, join(BENCH, 'loadgen.ts'), JSON.stringify(job)], {
		stdin: 'ignore', stdout: 'pipe', stderr: 'pipe',
	}))
	let out = ''
	const result = await firstJsonLine(proc.stdout, (t) => { out += t }) as LoadResult | undefined
	const code = await proc.exited
	if (!result || code !== 0) throw new Error(`load generator failed (exit ${code}): ${out}${await new Response(proc.stderr).text()}`)
	return result
}

export async function stopChild(proc: Subprocess, graceMs = 5000) {
	if (proc.exitCode !== null || proc.signalCode !== null) return
	proc.kill('SIGTERM')
	const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs)
	await proc.exited
	clearTimeout(timer)
}
