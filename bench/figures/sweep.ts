// What the dispatcher's sweep costs: twice a second it reads the next due time
// of every enabled endpoint (issue 13: a due retry is never forgotten), one
// statement with an indexed MIN per endpoint. Measured at 1,000 endpoints on a
// file made by the gateway's own open, with a pending backlog spread over them.
// Each MIN stops at its first index entry, so the cost follows the number of
// endpoints, not the backlog. Target: at two sweeps a second, at most 2% of a core.
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { SWEEP_MS } from '../../src/dispatch/dispatcher'
import { DispatchQueries } from '../../src/store/sqlite/dispatch'
import { tempDir } from '../lib/gateway'
import { repeat, type Context } from '../lib/profile'
import { openDb, seedPending } from '../lib/seed'
import { percentile } from '../lib/stats'

const ENDPOINTS = 1000

export async function sweep(ctx: Context) {
	const p = ctx.profile
	const rows = p.smoke ? 20_000 : 200_000
	const dir = tempDir(ctx.dataDir)
	const opened = openDb(join(dir, 'sweep.db'), 'full')
	try {
		opened.client.exec('PRAGMA synchronous = OFF')
		const endpoints = Array.from({ length: ENDPOINTS }, (_, i) => `e${i}`)
		seedPending(opened, { flow: 'bench', endpoints, deliveries: rows, perEvent: ENDPOINTS, dueFrom: Date.now() - rows, tag: 'sweep' })
		opened.client.exec('PRAGMA wal_checkpoint(TRUNCATE)')
		ctx.progress(`sweep: ${rows.toLocaleString('en-US')} pending rows over ${ENDPOINTS} endpoints written`)
		const q = new DispatchQueries(opened.client)
		const targets = endpoints.map((e): [string, string] => ['bench', e])
		const runs = await repeat(ctx, 'sweep cost', async () => {
			const times: number[] = []
			for (let i = 0; i < (p.smoke ? 20 : 200); i++) {
				const t = performance.now()
				const found = q.nextDueAll(targets)
				times.push((performance.now() - t) * 1000)
				if (found.length !== ENDPOINTS || found.some((d) => d === null)) throw new Error('sweep missed an endpoint')
			}
			return percentile(times, 50)
		})
		ctx.rows.push({
			name: 'sweep, 1,000 endpoints', unit: 'µs', runs, target: { op: '<=', value: 10_000 },
			note: `median of one DispatchQueries.nextDueAll over ${ENDPOINTS} endpoints, ${rows.toLocaleString('en-US')} pending rows; the dispatcher runs it every ${SWEEP_MS} ms`,
		})
	} finally {
		opened.close()
		rmSync(dir, { recursive: true, force: true })
	}
}
