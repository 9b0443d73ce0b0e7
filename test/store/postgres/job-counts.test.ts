// PostgreSQL job counts kept by statement triggers, read against COUNT(*)
// over deliveries: under concurrent writers of several instances, and on a
// database that had jobs before the triggers existed.
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { PostgresStore } from '../../../src/store/postgres/store'
import type { IngestItem } from '../../../src/store/types'
import { createTempDatabase, type TempDatabase } from '../../support/postgres'

let db: TempDatabase
const stores: PostgresStore[] = []
beforeAll(async () => { db = await createTempDatabase() })
afterAll(async () => {
	await Promise.all(stores.map((s) => s.close()))
	await db?.drop()
})

const open = async (instanceId: string) => {
	const s = await PostgresStore.open({ url: db.url, poolSize: 4, instanceId })
	stores.push(s)
	return s
}

const item = (id: string, endpoints: string[]): IngestItem => ({
	event: { id, type: 't', sessionId: null, occurredAt: null, success: true, data: {} }, endpoints,
})

async function counted(s: PostgresStore) {
	const rows = await s.sql`SELECT flow, endpoint, status, COUNT(*)::int AS count FROM deliveries GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`
	return [...rows].map((r) => ({ flow: r.flow, endpoint: r.endpoint, status: r.status, count: r.count }))
}

test('three instances ingesting, claiming and finishing at once: the counts are what COUNT(*) says, and reading folds the rows of each backend', async () => {
	const three = [await open('A'), await open('B'), await open('C')]
	await Promise.all(three.map(async (s, i) => {
		for (let n = 0; n < 40; n++) {
			const out = await s.ingest('f', [item(`${i}-${n}`, ['x', 'y']), item(`${i}-${n}b`, ['x'])], 1000 + n)
			expect(out.ok).toBe(true)
			if (n % 4 === 3) {
				const jobs = await s.claim('f', n % 8 === 3 ? 'x' : 'y', 5, 2000, 60_000)
				await s.complete(jobs.slice(0, 3).map((j) => ({
					pk: j.pk, status: 'succeeded' as const, nextAttemptAt: 3000, now: 3000, attempt: {
						n: 1, startedAt: 2500, url: 'http://127.0.0.1:9/', requestHeaders: {}, requestBody: '', status: 204,
						responseHeaders: {}, responseBody: '', responseTruncated: false, durationMs: 1, error: null,
					},
				})))
			}
		}
	}))
	const truth = await counted(three[0])
	expect(truth.reduce((n, r) => n + r.count, 0)).toBe(3 * 40 * 3)
	expect(new Set(truth.map((r) => r.status))).toEqual(new Set(['pending', 'delivering', 'succeeded']))
	expect(await three[1].jobCounts(null)).toEqual(truth)
	// after the fold, about a row per group is left
	const [{ rows }] = await three[0].sql`SELECT COUNT(*)::int AS rows FROM job_counts`
	expect(rows).toBeLessThanOrEqual(truth.length + 6)
	expect(await three[2].jobCounts('f')).toEqual(truth)
})

test('a database with jobs from before the triggers is counted once when an instance starts, then kept', async () => {
	const [a] = stores
	await a.sql`DROP TRIGGER job_counts_insert ON deliveries`
	await a.sql`DROP TRIGGER job_counts_update ON deliveries`
	await a.ingest('g', [item('old1', ['x']), item('old2', ['x', 'y'])], 1000)
	await a.sql`DELETE FROM job_counts WHERE flow = 'f'`
	const b = await open('D')
	expect(await b.jobCounts(null)).toEqual(await counted(b))
	expect((await b.jobCounts('g')).map((r) => [r.endpoint, r.status, r.count])).toEqual([['x', 'pending', 2], ['y', 'pending', 1]])
	await b.ingest('g', [item('new', ['y'])], 2000)
	expect(await a.jobCounts(null)).toEqual(await counted(a))
})
