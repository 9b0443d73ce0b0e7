import { afterAll, expect, test } from 'bun:test'
import { Database } from 'bun:sqlite'
import { join } from 'node:path'
import fc from 'fast-check'
import { SqliteStore } from '../../src/store/sqlite/store'
import { BACKLOG_SQL, OLDEST_PENDING_SQL } from '../../src/store/sqlite/ops'
import type { Completion } from '../../src/store/types'
import { configYaml, startTestGateway, tempDir } from '../support/gateway'
import { receiver } from '../dispatch/loopback'
import { sample, scrape } from './support'

const ok = receiver(() => new Response('ok'))
afterAll(() => ok.stop())

const ENDPOINTS = ['a', 'b', 'c']

function truth(db: Database) {
	const rows = db.prepare(`SELECT flow, endpoint, COUNT(*) AS pending, MIN(created_at) AS oldestCreatedAt
		FROM deliveries WHERE status = 'pending' GROUP BY flow, endpoint ORDER BY flow, endpoint`).all()
	return rows
}

const sorted = <T extends { flow: string; endpoint: string }>(rows: T[]) =>
	[...rows].sort((x, y) => (x.flow + x.endpoint).localeCompare(y.flow + y.endpoint))

function completion(pk: number, status: Completion['status'], now: number): Completion {
	return {
		pk, status, nextAttemptAt: now + 10, now,
		attempt: { n: 1, startedAt: now, url: 'http://127.0.0.1/x', requestHeaders: {}, requestBody: '{}', status: 200, responseHeaders: {},
			responseBody: '', responseTruncated: false, durationMs: 1, error: null },
	}
}

type Op =
	| { kind: 'ingest'; flow: string; endpoints: string[] }
	| { kind: 'claim'; flow: string; endpoint: string; limit: number }
	| { kind: 'complete'; status: Completion['status'] }
	| { kind: 'release' }
	| { kind: 'reclaim' }
	| { kind: 'recover' }
	| { kind: 'replay'; which: number }
	| { kind: 'cancel'; which: number }
	| { kind: 'purge' }

const flowArb = fc.constantFrom('f1', 'f2')
const opArb: fc.Arbitrary<Op> = fc.oneof(
	fc.record({ kind: fc.constant('ingest' as const), flow: flowArb, endpoints: fc.subarray(ENDPOINTS) }),
	fc.record({ kind: fc.constant('claim' as const), flow: flowArb, endpoint: fc.constantFrom(...ENDPOINTS), limit: fc.integer({ min: 1, max: 4 }) }),
	fc.record({ kind: fc.constant('complete' as const), status: fc.constantFrom<Completion['status']>('pending', 'succeeded', 'failed') }),
	fc.constant({ kind: 'release' as const }),
	fc.constant({ kind: 'reclaim' as const }),
	fc.constant({ kind: 'recover' as const }),
	fc.record({ kind: fc.constant('replay' as const), which: fc.nat() }),
	fc.record({ kind: fc.constant('cancel' as const), which: fc.nat() }),
	fc.constant({ kind: 'purge' as const }),
)

test('the backlog the store reports without counting equals a GROUP BY over the jobs, whatever moved them', async () => {
	const seed = Number(process.env.FC_SEED ?? Date.now() % 1_000_000)
	// one file for every run: the counts must hold across runs as well
	const store = new SqliteStore({ path: join(tempDir(), 'backlog.db'), synchronous: 'normal', maxSizeBytes: 0 })
	let now = 1_000_000
	let n = 0
	try {
		await fc.assert(fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 40 }), async (ops) => {
			const claimed: number[] = []
			for (const op of ops) {
				now += 7
				if (op.kind === 'ingest') {
					await store.ingest(op.flow, [{ event: { id: `e${n++}`, type: 't', sessionId: null, occurredAt: null, success: true, data: {} }, endpoints: op.endpoints }], now)
				} else if (op.kind === 'claim') {
					for (const j of await store.claim(op.flow, op.endpoint, op.limit, now + 100, now + 1000)) claimed.push(j.pk)
				} else if (op.kind === 'complete' && claimed.length > 0) {
					await store.complete([completion(claimed.shift()!, op.status, now)])
				} else if (op.kind === 'release' && claimed.length > 0) {
					await store.release([claimed.shift()!], now)
				} else if (op.kind === 'reclaim') {
					await store.reclaimExpired(now + 5000)
					claimed.length = 0
				} else if (op.kind === 'recover') {
					await store.recoverInFlight(now)
					claimed.length = 0
				} else if (op.kind === 'replay' || op.kind === 'cancel') {
					const ids = store.client.prepare('SELECT id FROM deliveries ORDER BY pk').all() as Array<{ id: string }>
					if (ids.length === 0) continue
					const id = ids[op.which % ids.length].id
					await (op.kind === 'replay' ? store.replayJob(id, now) : store.cancelJob(id, now))
				} else if (op.kind === 'purge') {
					await store.purgeFinishedJobs(now + 1, 1000)
				}
			}
			expect(sorted(await store.backlog())).toEqual(truth(store.client) as never)
		}), { seed, numRuns: 100, reporter: (d) => { if (d.failed) throw new Error(`seed ${seed}: ${fc.defaultReportMessage(d)}`) } })
	} finally {
		await store.close()
	}
}, 30_000)

test('the backlog read seeks small tables and indexes: it scans no jobs and groups nothing', () => {
	const store = new SqliteStore({ path: join(tempDir(), 'plan.db'), synchronous: 'normal', maxSizeBytes: 0 })
	try {
		const plan = (sql: string) => (store.client.prepare(`EXPLAIN QUERY PLAN ${sql}`).all('f', 'e') as Array<{ detail: string }>).map((r) => r.detail).join('\n')
		const counts = plan(BACKLOG_SQL)
		expect(counts).toContain('backlog')
		expect(counts).not.toContain('deliveries')
		expect(counts).not.toContain('B-TREE')
		const oldest = plan(OLDEST_PENDING_SQL)
		expect(oldest).toContain('SEARCH deliveries USING COVERING INDEX deliveries_pending_age')
		expect(oldest).not.toContain('B-TREE')
	} finally {
		store.close()
	}
})

test('an existing database gets its backlog counted once, when the migration runs', async () => {
	const path = join(tempDir(), 'upgrade.db')
	let store = new SqliteStore({ path, synchronous: 'normal', maxSizeBytes: 0 })
	for (let i = 0; i < 5; i++) await store.ingest('f1', [{ event: { id: `old${i}`, type: 't', sessionId: null, occurredAt: null, success: true, data: {} }, endpoints: ['a', 'b'] }], 1000 + i)
	await store.claim('f1', 'a', 2, 5000, 9000)
	// back to the schema before the backlog migrations (table, then triggers), as a database made by an older hookgate:
	// the later migrations (trace context, operational signals) undone too, since every migration after the last recorded one runs
	for (const s of ['DROP TRIGGER backlog_insert', 'DROP TRIGGER backlog_leave', 'DROP TRIGGER backlog_enter', 'DROP TRIGGER backlog_delete',
		'DROP TABLE backlog', 'DROP INDEX deliveries_pending_age',
		'ALTER TABLE events DROP COLUMN trace_context', 'DROP TABLE op_marks', 'ALTER TABLE endpoint_state DROP COLUMN episode_since',
		// 0000_init … 0004_lease_owner stay recorded
		'DELETE FROM __drizzle_migrations WHERE created_at > (SELECT created_at FROM __drizzle_migrations ORDER BY created_at LIMIT 1 OFFSET 4)']) store.client.exec(s)
	await store.close()
	store = new SqliteStore({ path, synchronous: 'normal', maxSizeBytes: 0 })
	try {
		expect(sorted(await store.backlog())).toEqual([
			{ flow: 'f1', endpoint: 'a', pending: 3, oldestCreatedAt: 1002 },
			{ flow: 'f1', endpoint: 'b', pending: 5, oldestCreatedAt: 1000 },
		])
	} finally {
		await store.close()
	}
})

test('scrapes in a burst share one read of the store, and show the stored backlog', async () => {
	const flows = `  - id: shop
    envelope: standard
    ingestTokens: [test-ingest-token]
    endpoints:
      - id: slow
        url: http://127.0.0.1:${ok.port}/slow
        enabled: false
        signing: { scheme: none }
`
	const gw = await startTestGateway(configYaml(flows))
	try {
		for (let i = 0; i < 30; i++) expect((await gw.post('/v1/flows/shop/events', { type: 'order.paid' })).status).toBe(202)
		const metrics = gw.run.metrics
		const before = metrics.storeReads
		const scrapes = await Promise.all([scrape(gw.url), scrape(gw.url), scrape(gw.url)])
		for (const m of scrapes) expect(sample(m, 'hookgate_backlog_deliveries', { flow: 'shop', endpoint: 'slow' })).toBe(30)
		expect(metrics.storeReads - before).toBeLessThanOrEqual(1)
	} finally {
		await gw.stop()
	}
})
