// Runs `hookgate serve` as a real child process, for the signal tests: the
// handlers that exit the process are only installed by the CLI.
import { join, resolve } from 'node:path'
import type { Subprocess } from 'bun'
import { waitFor } from './support'

const ROOT = resolve(import.meta.dir, '../..')

export interface LogRecord { level: string; msg: string; [k: string]: unknown }

export interface Child {
	proc: Subprocess<'ignore', 'pipe', 'pipe'>
	url: string
	/** every stdout line as written */
	lines: string[]
	stderr: () => string
	records(): LogRecord[]
	waitForLog(pred: (r: LogRecord) => boolean, timeoutMs?: number, what?: string): Promise<LogRecord>
	signal(name: 'SIGHUP' | 'SIGTERM' | 'SIGINT'): void
	exited: Promise<number>
}

async function collect(stream: ReadableStream<Uint8Array>, onLine: (l: string) => void) {
	const decoder = new TextDecoder()
	let rest = ''
	for await (const chunk of stream) {
		rest += decoder.decode(chunk, { stream: true })
		let i: number
		while ((i = rest.indexOf('\n')) >= 0) {
			onLine(rest.slice(0, i))
			rest = rest.slice(i + 1)
		}
	}
	if (rest) onLine(rest)
}

export async function spawnGateway(configPath: string, env: Record<string, string> = {}): Promise<Child> {
	const proc = Bun.spawn([process.execPath, join(ROOT, 'src/main.ts'), 'serve', '--config', configPath], {
		cwd: ROOT, stdin: 'ignore', stdout: 'pipe', stderr: 'pipe',
		env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', ...env },
	})
	const lines: string[] = []
	let err = ''
	const outDone = collect(proc.stdout, (l) => lines.push(l))
	const errDone = collect(proc.stderr, (l) => { err += `${l}\n` })
	const records = () => lines.flatMap((l) => { try { return [JSON.parse(l) as LogRecord] } catch { return [] } })
	const waitForLog = async (pred: (r: LogRecord) => boolean, timeoutMs = 10_000, what = 'a log line') => {
		let found: LogRecord | undefined
		await waitFor(() => (found = records().find(pred)) !== undefined || proc.exitCode !== null, timeoutMs, what)
		if (!found) throw new Error(`hookgate exited (${proc.exitCode}) before ${what}:\n${lines.join('\n')}\n${err}`)
		return found
	}
	const started = await waitForLog((r) => r.msg === 'hookgate started', 15_000, 'hookgate to start')
	return {
		proc, lines, records, waitForLog,
		url: String(started.url),
		stderr: () => err,
		signal: (name) => proc.kill(name),
		exited: proc.exited.then(async (code) => { await Promise.all([outDone, errDone]); return code }),
	}
}
