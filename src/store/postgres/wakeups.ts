// Wake-ups for the dispatcher of one instance among several. A NOTIFY from
// another instance's ingest is only a hint that makes it look sooner; the
// timer makes it look at least every second anyway, so a lost notification or
// a dropped listening connection (Bun re-listens by itself) delays work by a
// second at most and never strands it.
import { JOBS_CHANNEL, type PostgresStore } from './store'

export const LOOK_EVERY_MS = 1000

export interface Wakeups {
	stop(): Promise<void>
}

export interface Lookers {
	/** new jobs may be due: look for them */
	jobs(): void
	/** once a second: re-read what other instances may have changed (endpoints) */
	tick(): Promise<unknown>
}

export async function listenForWork(store: PostgresStore, on: Lookers, log: { warn(o: object, m: string): void }, everyMs = LOOK_EVERY_MS): Promise<Wakeups> {
	const look = () => on.jobs()
	let ticking = false
	const timer = setInterval(() => {
		look()
		if (ticking) return
		ticking = true
		on.tick().catch((err) => log.warn({ err: String(err) }, 'could not re-read endpoints from the database')).finally(() => { ticking = false })
	}, everyMs)
	let subscription: Awaited<ReturnType<PostgresStore['sql']['listen']>> | null = null
	try {
		subscription = await store.sql.listen(JOBS_CHANNEL, (from) => {
			// our own ingest already woke our dispatcher, in process
			if (from !== store.instanceId) look()
		}, () => look())
	} catch (err) {
		log.warn({ err: String(err) }, 'cannot LISTEN for new jobs; looking every second instead')
	}
	return {
		async stop() {
			clearInterval(timer)
			await subscription?.unlisten().catch(() => {})
		},
	}
}
