// Sizes and durations of the full run and of the smoke run (which only proves
// that every figure still runs: its numbers mean little).
import type { Row } from './report'

export interface Profile {
	smoke: boolean
	/** runs of each figure; the table shows their median and min–max */
	runs: number
	httpMs: number
	sqliteMs: number
	warmupMs: number
	ingestMs: number
	batchMs: number
	e2eMs: number
	/** pending deliveries stored before the drain starts */
	drainDeliveries: number
	/** a drain that takes longer is cut off and reported as such */
	drainCapMs: number
	latencyWarmupMs: number
	latencyMs: number
	idleMs: number
	claimSmall: number
	claimLarge: number
	claimsPerRun: number
	stormDeliveries: number
	stormSchedule: string[]
	stormScheduleMs: number[]
	/** finished jobs the retention purge removes while ingest runs */
	purgeRows: number
	purgeLoadMs: number
	/** jobs stored before the viewer's first screen is timed */
	viewerJobs: number
	viewerLoads: number
	/** memory: deliveries drained to 10 endpoints, small and large backlog (peak RSS must not follow the backlog) */
	memDrainSmall: number
	memDrainLarge: number
	memDrainCapMs: number
	/** memory: large events to a flow with no endpoints, then idle */
	bigEvents: number
	bigEventKb: number
	bigIdleMs: number
	/** /metrics: pending jobs stored, scrapes timed, ingest window with and without scrapers */
	scrapeBacklog: number
	scrapes: number
	scrapeLoadMs: number
}

export const FULL: Profile = {
	smoke: false, runs: 3,
	httpMs: 4000, sqliteMs: 3000, warmupMs: 1000, ingestMs: 5000, batchMs: 3000, e2eMs: 30_000,
	drainDeliveries: 100_000, drainCapMs: 25_000, latencyWarmupMs: 1000, latencyMs: 10_000, idleMs: 30_000,
	claimSmall: 10_000, claimLarge: 1_000_000, claimsPerRun: 200,
	stormDeliveries: 10_000, stormSchedule: ['3s', '6s'], stormScheduleMs: [3000, 6000],
	purgeRows: 100_000, purgeLoadMs: 12000,
	viewerJobs: 1_000_000, viewerLoads: 10,
	memDrainSmall: 20_000, memDrainLarge: 200_000, memDrainCapMs: 180_000,
	bigEvents: 3000, bigEventKb: 250, bigIdleMs: 60_000,
	scrapeBacklog: 100_000, scrapes: 200, scrapeLoadMs: 5000,
}

export const SMOKE: Profile = {
	smoke: true, runs: 1,
	httpMs: 500, sqliteMs: 300, warmupMs: 200, ingestMs: 700, batchMs: 500, e2eMs: 3000,
	drainDeliveries: 5000, drainCapMs: 6000, latencyWarmupMs: 300, latencyMs: 1500, idleMs: 3000,
	claimSmall: 10_000, claimLarge: 100_000, claimsPerRun: 40,
	stormDeliveries: 1000, stormSchedule: ['1s', '2s'], stormScheduleMs: [1000, 2000],
	purgeRows: 5000, purgeLoadMs: 4000,
	viewerJobs: 20_000, viewerLoads: 3,
	memDrainSmall: 1000, memDrainLarge: 10_000, memDrainCapMs: 20_000,
	bigEvents: 40, bigEventKb: 250, bigIdleMs: 2000,
	scrapeBacklog: 5000, scrapes: 20, scrapeLoadMs: 1000,
}

export interface Context {
	profile: Profile
	/** parent of every temp dir: on disk, not tmpfs */
	dataDir: string
	rows: Row[]
	/** extra measurements for latest.json */
	details: Record<string, unknown>
	progress(msg: string): void
}

/** Runs `fn` once per run, numbering the progress lines. */
export async function repeat<T>(ctx: Context, what: string, fn: (run: number) => Promise<T>): Promise<T[]> {
	const out: T[] = []
	for (let i = 0; i < ctx.profile.runs; i++) {
		ctx.progress(`${what} (run ${i + 1}/${ctx.profile.runs})`)
		out.push(await fn(i))
	}
	return out
}
