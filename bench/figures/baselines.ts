// The machine's own limits, measured in the same run: what the gateway's
// figures are divided by.
import { Database } from 'bun:sqlite'
import { readdirSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { runLoad, startReceiver } from '../lib/children'
import { ROOT, tempDir } from '../lib/gateway'
import { repeat, type Context } from '../lib/profile'
import { writers } from '../lib/seed'

/** L_http: Bun fetch → a minimal Bun.serve receiver in its own process, 64 in flight. */
export async function httpBaseline(ctx: Context) {
	const p = ctx.profile
	const runs = await repeat(ctx, 'L_http', async () => {
		const rx = await startReceiver()
		try {
			const before = await rx.stats()
			const r = await runLoad({ mode: 'http', url: rx.url('/hook'), concurrency: 64, warmupMs: p.warmupMs / 2, durationMs: p.httpMs })
			const after = await rx.stats()
			if (r.errors > 0) throw new Error(`L_http: ${r.errors} errors, first: ${r.firstError}`)
			const wallMs = p.warmupMs / 2 + p.httpMs
			return { rate: (r.requests / r.windowMs) * 1000, load: r.cpuPercent, receiverCpu: ((after.cpuMs - before.cpuMs) / wallMs) * 100 }
		} finally {
			await rx.stop()
		}
	})
	ctx.rows.push({ name: 'L_http', unit: 'req/s', runs: runs.map((r) => r.rate), loadCpu: runs.map((r) => r.load),
		note: `receiver process CPU ${runs.map((r) => r.receiverCpu.toFixed(0)).join('/')}% of a core; 1 KiB JSON POST bodies` })
}

/** The real schema, applied from drizzle/*.sql (no gateway code: this is the bare floor). */
function applyMigrations(db: Database) {
	const dir = join(ROOT, 'drizzle')
	for (const file of readdirSync(dir).filter((f) => f.endsWith('.sql')).sort()) {
		for (const stmt of readFileSync(join(dir, file), 'utf8').split('--> statement-breakpoint')) {
			if (stmt.trim()) db.exec(stmt)
		}
	}
}

/** L_sqlite: one event row and one delivery row per transaction, the gateway's pragmas, on disk. */
export async function sqliteBaseline(ctx: Context) {
	const p = ctx.profile
	const runs = await repeat(ctx, 'L_sqlite', async (run) => {
		const dir = tempDir(ctx.dataDir)
		const db = new Database(join(dir, 'baseline.db'), { create: true, strict: true })
		try {
			db.exec('PRAGMA journal_mode = WAL')
			db.exec('PRAGMA synchronous = FULL')
			db.exec('PRAGMA busy_timeout = 5000')
			db.exec('PRAGMA foreign_keys = ON')
			applyMigrations(db)
			const w = writers(db)
			const one = db.transaction((i: number) => {
				const now = Date.now()
				const eventPk = w.event('bench', `evt_${run}_${i}`, now)
				w.delivery({ id: `job_${run}_${i}`, flow: 'bench', endpoint: 'e0', eventPk, status: 'pending', attempts: 0, due: now, at: now })
			})
			const t0 = performance.now()
			let n = 0
			while (performance.now() - t0 < p.sqliteMs) one(n++)
			return (n / (performance.now() - t0)) * 1000
		} finally {
			db.close()
			rmSync(dir, { recursive: true, force: true })
		}
	})
	ctx.rows.push({ name: 'L_sqlite', unit: 'tx/s', runs, note: 'bare bun:sqlite, WAL + synchronous FULL, 1 event + 1 delivery row per transaction' })
}
