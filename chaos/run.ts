// `make chaos`: every chaos part of issue 13 §5 at full size, one line of
// figures each, exit 1 when a check did not hold. `make` builds dist/hookgate
// first; this never does.
//
//   bun chaos/run.ts [--only NAME,NAME]   (NAME: kill clock disk soak hostile pg)
import { existsSync } from 'node:fs'
import { killAll } from '../bench/lib/children'
import { BINARY, removeTempDirs } from '../bench/lib/gateway'
import { machine } from '../bench/lib/machine'
import { line, type PartResult } from './lib/part'
import { clockPart } from './parts/clock'
import { diskPart } from './parts/disk'
import { hostilePart } from './parts/hostile'
import { killPart } from './parts/kill'
import { pgPart } from './parts/pg'
import { soakPart } from './parts/soak'
import { FULL } from './profile'

const PARTS: Record<string, () => Promise<PartResult>> = {
	kill: () => killPart(FULL.kill),
	clock: () => clockPart(FULL.clock),
	disk: () => diskPart(FULL.disk),
	hostile: () => hostilePart(FULL.hostile),
	soak: () => soakPart(FULL.soak),
	pg: () => pgPart(FULL.pg),
}

const args = process.argv.slice(2)
const onlyAt = args.indexOf('--only')
const only = onlyAt >= 0 ? (args[onlyAt + 1] ?? '').split(',') : Object.keys(PARTS)

if (!existsSync(BINARY)) {
	console.error(`${BINARY} is missing: run \`make chaos\` (it builds first)`)
	process.exit(2)
}
process.on('exit', () => { killAll(); removeTempDirs() })
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => process.exit(130))

const started = performance.now()
const m = machine(FULL.kill.dataDir)
console.log(`hookgate chaos — ${new Date().toISOString()}`)
console.log(`machine: ${m.nproc} CPUs, ${m.cpu}, Bun ${m.bun}, Linux ${m.kernel}, load average ${m.loadAvg}; gateway: ${BINARY}`)
let failed = 0
async function run(name: string): Promise<PartResult> {
	const part = PARTS[name]
	if (!part) throw new Error(`unknown part ${name}; known: ${Object.keys(PARTS).join(' ')}`)
	const t0 = performance.now()
	let r: PartResult
	try {
		r = await part()
	} catch (err) {
		r = { part: name, figures: {}, failures: [`crashed: ${err instanceof Error ? err.stack ?? err.message : String(err)}`] }
	}
	return { ...r, seconds: (performance.now() - t0) / 1000 }
}
function report(r: PartResult) {
	if (r.failures.length) failed++
	console.log(`${line(r)}\n  (${(r.seconds ?? 0).toFixed(0)} s)`)
}
// The 5,000 randomized scenarios and the 10-minute soak each take most of the
// 15 minutes: they run side by side. Both are built to judge themselves under
// load (the soak by flatness over time, the scenarios by discounting time the
// process itself was held up), so sharing the cores costs neither its verdict.
// Only those two: the kill and hostile parts compare latencies and must have the machine alone.
const paired = only.includes('clock') && only.includes('soak')
for (const name of only) {
	if (paired && name === 'clock') continue
	if (paired && name === 'soak') for (const r of await Promise.all([run('soak'), run('clock')])) report(r)
	else report(await run(name))
}
console.log(`${only.length - failed} of ${only.length} parts held; ${((performance.now() - started) / 1000).toFixed(0)} s in all`)
process.exit(failed ? 1 : 0)
