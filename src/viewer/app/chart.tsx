// Deliveries and failures per hour as stacked bars, drawn by hand in SVG.
import type { StatsItem } from './types'

export function HourlyChart({ series, label }: { series: StatsItem['series']; label: string }) {
	const max = Math.max(1, ...series.map((s) => s.succeeded + s.failed))
	const w = 6
	const h = 40
	const total = series.reduce((n, s) => n + s.succeeded + s.failed, 0)
	const failed = series.reduce((n, s) => n + s.failed, 0)
	return (
		<svg class="chart" viewBox={`0 0 ${Math.max(1, series.length) * w} ${h}`} preserveAspectRatio="none" role="img"
			aria-label={`${label}: ${total} attempts in ${series.length} hours, ${failed} failed`}>
			{series.map((s, i) => {
				const ok = (s.succeeded / max) * h
				const bad = (s.failed / max) * h
				return (
					<g key={s.start}>
						<title>{`${new Date(s.start).toLocaleString()}: ${s.succeeded} succeeded, ${s.failed} failed`}</title>
						{ok > 0 && <rect class="bar-ok" x={i * w + 0.5} y={h - ok} width={w - 1} height={ok} />}
						{bad > 0 && <rect class="bar-bad" x={i * w + 0.5} y={h - ok - bad} width={w - 1} height={bad} />}
					</g>
				)
			})}
			<line class="axis" x1="0" x2={series.length * w} y1={h - 0.5} y2={h - 0.5} />
		</svg>
	)
}
