import type { UndeliveredRow } from '../../store/records'
import { scheduleTask, type ScheduledTask } from '../schedule'
import type { OpsEventType } from './emit'
import type { SignalStore } from './store'

const HOUR = 3_600_000
const DAY = 24 * HOUR
const TOP_ERRORS = 5
/** instances fire the same cron tick within this of each other; a second run inside it is that tick again */
const SAME_TICK_MS = 30_000
export const REPORT_MARK = 'report.undelivered'

export interface ReportDeps {
	store: SignalStore
	now: () => number
	emit: (type: OpsEventType, data: Record<string, unknown>) => Promise<unknown>
	/** endpoints left out (the operations flow's own) */
	skip: (flow: string) => boolean
	log: { info(o: object, m: string): void; debug(o: object, m: string): void; error(o: object, m: string): void }
}

/** The report's body, or null on a quiet day. Pure. */
export function reportData(rows: UndeliveredRow[], since: number, until: number) {
	if (rows.length === 0) return null
	const endpoints = rows.map((r) => ({
		flow: r.flow, endpoint: r.endpoint, failed: r.failed, pendingOverAnHour: r.pendingOverAnHour,
		errors: Object.fromEntries(Object.entries(r.errors).sort((a, b) => b[1] - a[1]).slice(0, TOP_ERRORS)),
	}))
	return { since: new Date(since).toISOString(), until: new Date(until).toISOString(), endpoints }
}

/**
 * One report run: the last 24 h's failed jobs and the jobs pending for over an
 * hour, per endpoint. The run is claimed by moving a mark in the store
 * (compare-and-set), so with several instances one of them reports each tick.
 * Returns whether a report was sent.
 */
export async function runReport(deps: ReportDeps): Promise<boolean> {
	const until = deps.now()
	const last = await deps.store.mark(REPORT_MARK)
	if (last !== null && Math.abs(until - last) < SAME_TICK_MS) return false
	if (!(await deps.store.moveMark(REPORT_MARK, last, until))) return false
	const rows = (await deps.store.undelivered(until - DAY, until, until - HOUR)).filter((r) => !deps.skip(r.flow))
	const data = reportData(rows, until - DAY, until)
	if (data === null) {
		deps.log.debug({}, 'undelivered report: nothing to report')
		return false
	}
	await deps.emit('report.undelivered', data)
	deps.log.info({ endpoints: data.endpoints.length }, 'undelivered report sent')
	return true
}

export function reportTask(deps: ReportDeps, pattern: string): ScheduledTask & { runNow(): Promise<boolean> } {
	const runNow = () => runReport(deps).catch((err) => {
		deps.log.error({ err: String(err) }, 'undelivered report failed')
		return false
	})
	return Object.assign(scheduleTask('report.undelivered', pattern, async () => { await runNow() }), { runNow })
}
