// `make bench` / `make bench-smoke`: every figure of issue 8 in one go, against
// baselines measured in the same run. Prints one table, writes
// bench/results/latest.json. `make` builds dist/hookgate first; this never does.
//
//   bun bench/run.ts [--smoke] [--only NAME,NAME]   (NAME: baselines ingest e2e drain latency idle claim storm purge viewer postgres scale memory scrape sweep tracing)
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { httpBaseline, sqliteBaseline } from './figures/baselines'
import { claim } from './figures/claim'
import { drain } from './figures/drain'
import { e2e } from './figures/e2e'
import { idle } from './figures/idle'
import { ingest } from './figures/ingest'
import { latency } from './figures/latency'
import { postgres } from './figures/postgres'
import { scale } from './figures/scale'
import { memory } from './figures/memory'
import { purge } from './figures/purge'
import { scrape } from './figures/scrape'
import { storm } from './figures/storm'
import { sweep } from './figures/sweep'
import { tracing } from './figures/tracing'
import { viewer } from './figures/viewer'
import { killAll } from './lib/children'
import { BINARY, removeTempDirs } from './lib/gateway'
import { filesystemOf, machine } from './lib/machine'
import { FULL, SMOKE, type Context } from './lib/profile'
import { compute, FIGURES, table } from './lib/report'

const STEPS: Record<string, (ctx: Context) => Promise<void>> = {
	baselines: async (ctx) => { await httpBaseline(ctx); await sqliteBaseline(ctx) },
	ingest, e2e, drain, latency, idle, claim, storm, purge, viewer, postgres, scale, memory, scrape, sweep, tracing,
}

const args = process.argv.slice(2)
const smoke = args.includes('--smoke')
const onlyAt = args.indexOf('--only')
const only = onlyAt >= 0 ? (args[onlyAt + 1] ?? '').split(',') : Object.keys(STEPS)

/** Data goes on disk: a tmpfs would hide the fsync cost that `synchronous: full` pays. */
function dataDir(): string {
	for (const d of [process.env.HOOKGATE_BENCH_DIR, tmpdir(), '/var/tmp']) {
		if (d && existsSync(d) && !['tmpfs', 'ramfs'].includes(filesystemOf(d))) return d
	}
	throw new Error('no temp dir on disk: set HOOKGATE_BENCH_DIR')
}

if (!existsSync(BINARY)) {
	console.error(`${BINARY} is missing: run \`make bench\` (it builds first)`)
	process.exit(2)
}

process.on('exit', () => { killAll(); removeTempDirs() })
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => process.exit(130))

const started = performance.now()
const ctx: Context = {
	profile: smoke ? SMOKE : FULL,
	dataDir: dataDir(),
	rows: [],
	details: {},
	progress: (msg) => console.error(`[${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s] ${msg}`),
}
const m = machine(ctx.dataDir)
console.log(`hookgate bench${smoke ? ' (SMOKE: tiny sizes, the numbers mean little)' : ''}`)
console.log(`machine: ${m.nproc} CPUs, ${m.cpu}, Bun ${m.bun}, Linux ${m.kernel}, load average ${m.loadAvg}`)
console.log(`data: ${m.tmpdir} (${m.tmpFs}); gateway: ${BINARY}, synchronous full, delivery.concurrency 64, endpoint concurrency 64, standard-webhooks signing`)

const failures: string[] = []
for (const name of only) {
	const step = STEPS[name]
	if (!step) throw new Error(`unknown step ${name}; known: ${Object.keys(STEPS).join(' ')}`)
	const before = ctx.rows.length
	try {
		await step(ctx)
	} catch (err) {
		// one broken figure must not hide the others: it shows as failed in the table
		failures.push(`${name}: ${err instanceof Error ? err.stack ?? err.message : String(err)}`)
		ctx.progress(`${name} FAILED: ${err instanceof Error ? err.message : String(err)}`)
	}
	if (ctx.rows.length === before) ctx.details[`${name}Failed`] = true
}

// figures a failed or skipped step left out still get a row, so nothing goes missing silently
const have = new Set(ctx.rows.map((r) => r.name))
for (const f of FIGURES) if (!have.has(f)) ctx.rows.push({ name: f, unit: '', runs: [], todo: 'not measured (its step failed or was skipped)' })
ctx.rows.sort((a, b) => FIGURES.indexOf(a.name) - FIGURES.indexOf(b.name))

const rows = compute(ctx.rows)
const seconds = (performance.now() - started) / 1000
console.log(`runs per figure: ${ctx.profile.runs}; took ${seconds.toFixed(0)} s`)
console.log('gw CPU: the gateway process (all its threads), % of one core, median of runs; load CPU: the load generator process, same unit\n')
console.log(table(rows))
if (failures.length > 0) console.log(`\nFAILED STEPS:\n${failures.join('\n')}`)

const out = join(import.meta.dir, 'results')
mkdirSync(out, { recursive: true })
writeFileSync(join(out, 'latest.json'), `${JSON.stringify({
	machine: m, smoke, profile: ctx.profile, startedAt: new Date(Date.now() - seconds * 1000).toISOString(), seconds,
	figures: rows.map(({ value, ...r }) => ({ ...r, median: value.median, min: value.min, max: value.max })),
	details: ctx.details, failures,
}, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), '\t')}\n`)
process.exit(failures.length > 0 ? 1 : 0)
