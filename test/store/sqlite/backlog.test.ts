// The backlog /metrics reads: counts the SQLite store keeps with triggers,
// checked against the jobs table, its query plan, and its migration.
import { expect, test } from 'bun:test'
import { Database } from 'bun:sqlite'
import { cpSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { drizzle } from 'drizzle-orm/bun-sqlite'
import { migrate } from 'drizzle-orm/bun-sqlite/migrator'
import fc from 'fast-check'
import { migrationsFolder } from '../../../src/store/open'
import { SqliteStore } from '../../../src/store/sqlite/store'
import { BACKLOG_SQL, OLDEST_PENDING_SQL } from '../../../src/store/sqlite/ops'
import type { Completion } from '../../../src/store/types'
import { tempDir } from '../../support/gateway'

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
	// a database made by an older hookgate: only the migrations before the backlog ones, rows written by SQL
	const dir = tempDir()
	const older = join(dir, 'older-migrations')
	cpSync(migrationsFolder(), older, { recursive: true })
	const journalPath = join(older, 'meta', '_journal.json')
	const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: Array<{ tag: string }> }
	journal.entries = journal.entries.slice(0, journal.entries.findIndex((e) => e.tag.endsWith('_backlog_counts')))
	writeFileSync(journalPath, JSON.stringify(journal))
	const path = join(dir, 'upgrade.db')
	const client = new Database(path, { create: true })
	migrate(drizzle(client), { migrationsFolder: older })
	for (let i = 0; i < 5; i++) {
		client.prepare(`INSERT INTO events (flow, id, type, occurred_at, success, data, metadata, occurred_at_sent, accepted_at)
			VALUES ('f1', ?, 't', ?, 1, '{}', '{}', 0, ?)`).run(`old${i}`, 1000 + i, 1000 + i)
		for (const ep of ['a', 'b']) {
			// two of a's jobs were in flight when the old version stopped
			const status = ep === 'a' && i < 2 ? 'delivering' : 'pending'
			client.prepare(`INSERT INTO deliveries (id, flow, endpoint, event_pk, status, next_attempt_at, created_at, updated_at)
				VALUES (?, 'f1', ?, (SELECT pk FROM events WHERE id = ?), ?, ?, ?, ?)`).run(`job_${ep}${i}`, ep, `old${i}`, status, 1000 + i, 1000 + i, 1000 + i)
		}
	}
	client.close()
	const store = new SqliteStore({ path, synchronous: 'normal', maxSizeBytes: 0 })
	try {
		expect(sorted(await store.backlog())).toEqual([
			{ flow: 'f1', endpoint: 'a', pending: 3, oldestCreatedAt: 1002 },
			{ flow: 'f1', endpoint: 'b', pending: 5, oldestCreatedAt: 1000 },
		])
	} finally {
		await store.close()
	}
})
