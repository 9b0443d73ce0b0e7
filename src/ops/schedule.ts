import { cron } from '@elysiajs/cron'
import { Elysia } from 'elysia'

export interface ScheduledTask {
	/** the cron expression in force, or null once stopped */
	readonly pattern: string | null
	/** (re)creates the job when the expression changed: croner cannot change a live job's pattern */
	reschedule(pattern: string): void
	/** stops the timer and waits for a run in progress (which should watch `stopping`) */
	stop(): Promise<void>
	readonly stopping: boolean
}

// A @elysiajs/cron job held by its own small Elysia instance, never by the
// served app: the plugin starts its timer when used, and a reload must be able
// to drop the job and make a new one without rebuilding the HTTP surface.
// croner runs in local time unless told otherwise, and `protect` skips a tick
// while the previous run is still going.
export function scheduleTask(name: string, pattern: string, run: () => Promise<void>): ScheduledTask {
	let holder: { store: { cron: Record<string, { stop(): void }> } } | null = null
	let current: string | null = null
	let running: Promise<void> | null = null
	let stopping = false

	const tick = async () => {
		// `protect` covers one job; this covers the old and new job across a reschedule
		if (running || stopping) return
		const p = run()
		running = p
		try { await p } finally { if (running === p) running = null }
	}
	const create = (p: string) => {
		holder = new Elysia().use(cron({ name, pattern: p, timezone: 'UTC', protect: true, run: tick })) as unknown as typeof holder
		current = p
	}
	create(pattern)

	return {
		get pattern() { return current },
		get stopping() { return stopping },
		reschedule(p) {
			if (stopping || p === current) return
			holder?.store.cron[name].stop()
			create(p)
		},
		async stop() {
			stopping = true
			holder?.store.cron[name].stop()
			holder = null
			current = null
			if (running) await running.catch(() => {})
		},
	}
}
