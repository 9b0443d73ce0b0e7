import type { Housekeeping } from './housekeeping'
import type { Logger } from './log'
import { purge, type PurgeResult } from './retention'
import { scheduleTask, type ScheduledTask } from './schedule'

export interface RetentionTaskDeps {
	store: Housekeeping
	now: () => number
	log: Logger
	/** read at each run, so a reload's retention.days applies to the next purge */
	days: () => number
	onResult?: (r: PurgeResult) => void
}

/** The scheduled purge of retention.days; one run at a time, logged as one line. */
export function retentionTask(deps: RetentionTaskDeps, pattern: string): ScheduledTask & { runNow(): Promise<PurgeResult | null> } {
	let task: ScheduledTask
	const runOnce = async (): Promise<PurgeResult | null> => {
		try {
			const run = () => purge({ store: deps.store, now: deps.now, days: deps.days(), aborted: () => task.stopping })
			// several instances on one database: one purges, the others skip this run
			const r = deps.store.exclusive ? await deps.store.exclusive('retention', run) : await run()
			if (r === null) {
				deps.log.debug({}, 'retention purge skipped: another instance is running it')
				return null
			}
			deps.onResult?.(r)
			const fields = { jobs: r.jobs, attempts: r.attempts, events: r.events, reclaimed: r.reclaimed, ms: r.ms, days: deps.days() }
			if (r.aborted) deps.log.info(fields, 'retention purge interrupted by shutdown')
			else deps.log[r.jobs + r.events > 0 ? 'info' : 'debug'](fields, 'retention purge done')
			return r
		} catch (err) {
			deps.log.error({ err: String(err) }, 'retention purge failed; the next run tries again')
			return null
		}
	}
	task = scheduleTask('retention', pattern, async () => { await runOnce() })
	return Object.assign(task, { runNow: runOnce })
}
