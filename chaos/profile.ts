// Sizes of each chaos part: FULL for `make chaos` (≤ 15 min on 2 cores),
// SMOKE for the seconds-long versions inside `make test`. Environment
// variables change the full run: CHAOS_KILLS, CHAOS_SCENARIOS,
// CHAOS_SOAK_SECONDS, CHAOS_SOAK_RATE.
import { tmpdir } from 'node:os'
import type { DiskOptions } from './parts/disk'
import type { HostileOptions } from './parts/hostile'
import type { KillOptions } from './parts/kill'
import type { PgOptions } from './parts/pg'
import type { SoakOptions } from './parts/soak'

export interface Profile {
	kill: KillOptions
	clock: { scenarios: number }
	disk: DiskOptions
	soak: SoakOptions
	hostile: HostileOptions
	pg: PgOptions
}

const dataDir = process.env.HOOKGATE_CHAOS_DIR ?? tmpdir()
const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback) || fallback
const pgServer = process.env.HOOKGATE_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/postgres'
const soakMs = env('CHAOS_SOAK_SECONDS', 600) * 1000

export const FULL: Profile = {
	kill: { kills: env('CHAOS_KILLS', 25), rate: 300, upMs: [300, 2500], purgeRows: 30_000, drainMs: 120_000, dataDir },
	clock: { scenarios: env('CHAOS_SCENARIOS', 5000) },
	disk: { sizeMb: 8, roomMb: 3, rate: 300, holdMs: 5000, deliverMs: 10_000, dataDir },
	soak: { rate: env('CHAOS_SOAK_RATE', 500), durationMs: soakMs, warmupMs: Math.min(60_000, soakMs / 5), sampleMs: 5000, failRate: 0.05, dataDir, rssSlackMb: 25 },
	hostile: { windowMs: 10_000, depth: 12_000, typeLength: 256, dataDir },
	pg: { events: env('CHAOS_PG_EVENTS', 10_000), producers: 32, twins: 100, awayMs: 2000, drainMs: 120_000, dataDir, server: pgServer },
}

export const SMOKE: Profile = {
	kill: { kills: 5, rate: 150, upMs: [200, 700], purgeRows: 20_000, drainMs: 30_000, dataDir },
	clock: { scenarios: 50 },
	disk: { sizeMb: 8, roomMb: 3, rate: 300, holdMs: 500, deliverMs: 1000, dataDir },
	soak: { rate: 200, durationMs: 4000, warmupMs: 1000, sampleMs: 500, failRate: 0.05, dataDir, rssSlackMb: 25 },
	// short types: on code that backtracks, 256 would hold each request 10 s
	hostile: { windowMs: 2000, depth: 12_000, typeLength: 40, dataDir },
	pg: { events: 1500, producers: 16, twins: 100, awayMs: 1500, drainMs: 30_000, dataDir, server: pgServer },
}
