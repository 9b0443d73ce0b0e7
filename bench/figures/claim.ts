// Does a claim get dearer as the backlog grows? The gateway's own claim
// statement (DispatchQueries) on a file made by its own open, with the
// pending rows already there. The gateway runs claims inside its shared write
// transaction (one fsync for a whole tick of writes), so the statement is
// timed inside a transaction and the COMMIT is left out of the figure.
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { DispatchQueries } from '../../src/store/sqlite/dispatch'
import { tempDir } from '../lib/gateway'
import { repeat, type Context } from '../lib/profile'
import { openDb, seedPending } from '../lib/seed'
import { percentile } from '../lib/stats'

const LIMIT = 100
// claimed rows are put back after every round, so the backlog stays near its size
const ROUND = 10

function build(ctx: Context, rows: number, name: string) {
	const dir = tempDir(ctx.dataDir)
	const opened = openDb(join(dir, `${name}.db`), 'full')
	const t0 = performance.now()
	opened.client.exec('PRAGMA synchronous = OFF')
	// FIFO due times in the past: every row is due
	const dueFrom = Date.now() - rows - 60_000
	seedPending(opened, { flow: 'bench', endpoints: ['e0'], deliveries: rows, perEvent: 100, dueFrom, tag: name })
	opened.client.exec('PRAGMA synchronous = FULL')
	opened.client.exec('PRAGMA wal_checkpoint(TRUNCATE)')
	ctx.progress(`claim: ${rows.toLocaleString('en-US')} pending rows written in ${((performance.now() - t0) / 1000).toFixed(1)} s`)
	const q = new DispatchQueries(opened.client)
	// puts claimed rows back where the seed put them (pk i+1 was due at dueFrom + i)
	const reset = opened.client.prepare(`UPDATE deliveries SET status = 'pending', next_attempt_at = ? + pk - 1 WHERE status = 'delivering'`)
	return {
		/** median µs of `count` claims of LIMIT rows */
		measure(count: number): number {
			const times: number[] = []
			for (let i = 0; i < count; i += ROUND) {
				opened.client.exec('BEGIN IMMEDIATE')
				for (let j = 0; j < ROUND; j++) {
					const now = Date.now()
					const t = performance.now()
					const got = q.claim('bench', 'e0', LIMIT, now, now + 70_000)
					times.push((performance.now() - t) * 1000)
					if (got.length !== LIMIT) throw new Error(`claim returned ${got.length} rows`)
				}
				opened.client.exec('COMMIT')
				reset.run(dueFrom)
			}
			return percentile(times, 50)
		},
		close() {
			opened.close()
			rmSync(dir, { recursive: true, force: true })
		},
	}
}

export async function claim(ctx: Context) {
	const p = ctx.profile
	const small = build(ctx, p.claimSmall, 'small')
	const large = build(ctx, p.claimLarge, 'large')
	try {
		const runs = await repeat(ctx, 'claim cost', async () => {
			const s = small.measure(p.claimsPerRun)
			const l = large.measure(p.claimsPerRun)
			return { s, l, ratio: l / s }
		})
		const sizes = `${p.claimSmall.toLocaleString('en-US')} vs ${p.claimLarge.toLocaleString('en-US')} pending rows`
		ctx.rows.push(
			{ name: 'claim, small backlog', unit: 'µs', runs: runs.map((r) => r.s),
				note: `${p.claimSmall.toLocaleString('en-US')} pending rows; median of ${p.claimsPerRun} claims of ${LIMIT} rows each (DispatchQueries.claim inside a transaction, COMMIT not timed; rows put back every ${ROUND} claims)` },
			{ name: 'claim, large backlog', unit: 'µs', runs: runs.map((r) => r.l), note: `${p.claimLarge.toLocaleString('en-US')} pending rows` },
			{ name: 'claim ratio', unit: '×', runs: runs.map((r) => r.ratio), target: { op: '<=', value: 1.5 }, note: `per-run ratio, ${sizes}` },
		)
	} finally {
		small.close()
		large.close()
	}
}
