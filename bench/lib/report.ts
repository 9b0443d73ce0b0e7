// The bench's one table and its JSON twin.
import { spread, type Spread } from './stats'

// Every row the table prints, in order; the smoke test checks each one is there.
export const FIGURES = [
	'L_http',
	'L_sqlite',
	'ingest single',
	'ingest single p50',
	'ingest single p99',
	'ingest batch x100',
	'e2e 1 endpoint',
	'e2e 3 endpoints events',
	'e2e 3 endpoints deliveries',
	'drain 1 endpoint',
	'drain 10 endpoints',
	'latency p50',
	'latency p99',
	'idle CPU',
	'idle RSS',
	'idle anonymous memory',
	'peak RSS (drain)',
	'claim, small backlog',
	'claim, large backlog',
	'claim ratio',
	'sweep, 1,000 endpoints',
	'retry storm CPU waiting',
	'retry storm schedule',
	'ingest p99 during purge',
	'viewer jobs API',
	'viewer jobs API status=failed',
	'viewer flows API (chip counts)',
	'viewer first screen',
	'pg ingest single',
	'pg ingest batch x100',
	'pg e2e 1 endpoint',
	'pg scale 1 instance, 50 ms receiver',
	'pg scale 2 instances, 50 ms receiver',
	'pg scale 3 instances, 50 ms receiver',
	'pg scale 2/1, 50 ms receiver',
	'pg scale 3/1, 50 ms receiver',
	'pg scale 1 instance, CPU-bound',
	'pg scale 2 instances, CPU-bound',
	'pg scale 3 instances, CPU-bound',
	'peak RSS drain, small backlog',
	'peak RSS drain, large backlog',
	'peak RSS large/small',
	'RSS growth after big events',
	'/metrics scrape, large backlog',
	'ingest p50, no scraper',
	'ingest p50, 3 scrapers',
	'e2e tracing off',
	'e2e tracing on, collector down',
	'tracing cost, collector down',
] as const

export type FigureName = (typeof FIGURES)[number]

export interface Target {
	op: '>=' | '<=' | '<' | '='
	value: number
}

export interface Row {
	name: FigureName
	unit: string
	runs: number[]
	/** a baseline row's name; the ratio is this row's median over the baseline's */
	baseline?: FigureName
	target?: Target
	/** gateway CPU, percent of one core, per run */
	gatewayCpu?: number[]
	/** load generator CPU, percent of one core, per run */
	loadCpu?: number[]
	/** what the value is not, or what was odd */
	note?: string
	/** set instead of runs when the figure could not be measured */
	todo?: string
}

export interface Computed extends Row {
	value: Spread
	baselineValue: number | null
	ratio: number | null
	met: boolean | null
}

export function compute(rows: Row[]): Computed[] {
	const medians = new Map<string, number>()
	for (const r of rows) medians.set(r.name, spread(r.runs).median)
	return rows.map((r) => {
		const value = spread(r.runs)
		const baselineValue = r.baseline ? medians.get(r.baseline) ?? null : null
		const ratio = baselineValue ? value.median / baselineValue : null
		let met: boolean | null = null
		if (r.target && !r.todo && Number.isFinite(value.median)) {
			const v = value.median
			const t = r.target.value
			met = r.target.op === '>=' ? v >= t : r.target.op === '<=' ? v <= t : r.target.op === '<' ? v < t : v === t
		}
		return { ...r, value, baselineValue, ratio, met }
	})
}

function num(v: number): string {
	if (!Number.isFinite(v)) return 'n/a'
	const a = Math.abs(v)
	const digits = a >= 100 ? 0 : a >= 10 ? 1 : a >= 1 ? 2 : 3
	return v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 })
}

function cell(r: Computed): string {
	if (r.todo) return `TODO: ${r.todo}`
	const v = r.value
	const range = v.runs.length > 1 ? ` (${num(v.min)}–${num(v.max)})` : ''
	return `${num(v.median)} ${r.unit}${range}`
}

const cpuCell = (xs?: number[]) => (xs && xs.length > 0 ? `${num(spread(xs).median)}%` : '')

export function table(rows: Computed[]): string {
	const head = ['figure', 'value (median, min–max)', 'baseline', 'ratio', 'target', 'met?', 'gw CPU', 'load CPU']
	const body = rows.map((r) => [
		r.name,
		cell(r),
		r.baseline && r.baselineValue !== null ? `${r.baseline} ${num(r.baselineValue)}` : '',
		r.ratio !== null ? `${num(r.ratio)}×` : '',
		r.target ? `${r.target.op} ${num(r.target.value)} ${r.unit}` : '',
		r.met === null ? (r.todo ? 'not measured' : '') : r.met ? 'yes' : 'NO',
		cpuCell(r.gatewayCpu),
		cpuCell(r.loadCpu),
	])
	const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)))
	const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`
	const out = [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...body.map(line)]
	const notes = rows.filter((r) => r.note).map((r) => `- ${r.name}: ${r.note}`)
	return [...out, '', ...notes].join('\n')
}
