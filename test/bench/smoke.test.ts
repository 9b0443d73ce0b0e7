// `make bench` is too long for `make test`; its smoke run is not, so the bench
// cannot rot: every figure must still run and show up in the table.
import { expect, test } from 'bun:test'
import { join } from 'node:path'
import { FIGURES } from '../../bench/lib/report'
import { ensureBinary, ROOT } from '../support/process'

test('bench --smoke runs every figure and prints the table', async () => {
	ensureBinary()
	const proc = Bun.spawn([process.execPath, join(ROOT, 'bench/run.ts'), '--smoke'], { cwd: ROOT, stdout: 'pipe', stderr: 'pipe' })
	const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited])
	if (code !== 0) console.error(out, err)
	expect(code).toBe(0)
	expect(out).toContain('| figure ')
	expect(out).toMatch(/machine: \d+ CPUs/)
	const names = out.split('\n').filter((l) => l.startsWith('| ')).map((l) => l.split('|')[1].trim())
	for (const f of FIGURES) expect(names).toContain(f)
}, 180_000)
