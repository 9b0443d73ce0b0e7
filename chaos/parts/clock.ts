// The dispatcher's own randomized and clock-jump tests, run from here at
// chaos size: they drive the real dispatcher with an injected clock on a real
// SQLite file (issue 13 §1), which the compiled binary cannot take. The
// scenario count goes in through HOOKGATE_SCENARIOS (200 in `make test`).
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { ROOT } from '../../bench/lib/gateway'
import { check, type PartResult } from '../lib/part'

export const RANDOMIZED = 'test/dispatch/randomized.test.ts'

/** The randomized dispatcher test and every dispatcher test about clock jumps. */
export function clockFiles(): { files: string[]; missing: string[] } {
	const dispatch = join(ROOT, 'test/dispatch')
	const clock = readdirSync(dispatch).filter((f) => /clock/i.test(f) && f.endsWith('.test.ts')).map((f) => `test/dispatch/${f}`)
	const files = [...(existsSync(join(ROOT, RANDOMIZED)) ? [RANDOMIZED] : []), ...clock]
	const missing = [...(files.includes(RANDOMIZED) ? [] : [RANDOMIZED]), ...(clock.length ? [] : ['test/dispatch/*clock*.test.ts'])]
	return { files, missing }
}

export async function clockPart(o: { scenarios: number }): Promise<PartResult> {
	const r: PartResult = { part: 'clock', figures: {}, failures: [] }
	const { files, missing } = clockFiles()
	let pass = 0
	let fail = 0
	let seconds = 0
	if (files.length > 0) {
		const t0 = performance.now()
		const proc = Bun.spawn([process.execPath, 'test', '--timeout', '0', ...files.map((f) => `./${f}`)], {
			cwd: ROOT, stdout: 'pipe', stderr: 'pipe', env: { HOOKGATE_PARALLEL: '16', ...process.env, HOOKGATE_SCENARIOS: String(o.scenarios) },
		})
		const [out, err] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text()])
		const code = await proc.exited
		seconds = (performance.now() - t0) / 1000
		const text = out + err
		pass = Number(text.match(/^\s*(\d+) pass$/m)?.[1] ?? 0)
		fail = Number(text.match(/^\s*(\d+) fail$/m)?.[1] ?? 0)
		if (code !== 0) console.error(text.slice(-4000))
		check(r, code === 0, `bun test ${files.join(' ')} exited ${code}`)
	}
	r.figures = { files: files.join(' ') || 'none', scenarios: o.scenarios, pass, fail, seconds: Math.round(seconds) }
	check(r, missing.length === 0, `not on this branch yet: ${missing.join(', ')} (issue 13 §1)`)
	return r
}
