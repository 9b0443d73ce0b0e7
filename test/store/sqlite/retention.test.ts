import { afterEach, expect, test } from 'bun:test'
import { rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { purge } from '../../../src/ops/retention'
import { SqliteStore } from '../../../src/store/sqlite/store'
import type { IngestItem } from '../../../src/store/types'
import { configYaml, startTestGateway, tempDir, INGEST_TOKEN } from '../../support/gateway'
import { sample, scrape, waitFor } from '../../ops/support'
import { rows } from './support'

const DAY = 86_400_000
const NOW = Date.parse('2026-03-01T00:00:00Z')
const dirs: string[] = []
afterEach(() => { for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true }) })

function openStore() {
	const dir = tempDir()
	dirs.push(dir)
	return new SqliteStore({ path: join(dir, 'hookgate.db'), synchronous: 'normal', maxSizeBytes: 0 })
}

const item = (id: string, endpoints: string[]): IngestItem => ({
	event: { id, type: 'order.paid', sessionId: null, occurredAt: null, success: true, data: { id } },
	endpoints,
})

/** Ingests `id` at time `at` with one job per named endpoint; returns the jobs' pks by endpoint. */
async function event(store: SqliteStore, id: string, at: number, endpoints: string[]) {
	const r = await store.ingest('shop', [item(id, endpoints)], at)
	if (!r.ok) throw new Error('ingest failed')
	const pks = rows<{ pk: number; endpoint: string }>(store.client, "SELECT d.pk, d.endpoint FROM deliveries d JOIN events e ON e.pk = d.event_pk WHERE e.id = ?", id)
	return Object.fromEntries(pks.map((p) => [p.endpoint, p.pk]))
}

function finish(store: SqliteStore, pk: number, status: string, updatedAt: number, attempts = 2, bodyBytes = 10) {
	store.client.run('UPDATE deliveries SET status = ?, updated_at = ? WHERE pk = ?', [status, updatedAt, pk])
	for (let n = 1; n <= attempts; n++) {
		store.client.run(`INSERT INTO attempts (delivery_pk, n, started_at, url, request_headers, request_body, status, response_headers,
			response_body, response_truncated, duration_ms) VALUES (?, ?, ?, 'http://x', '{}', ?, 200, '{}', '', 0, 1)`, [pk, n, updatedAt, 'x'.repeat(bodyBytes)])
	}
}

const ids = (store: SqliteStore, sql: string) => rows<{ id: string }>(store.client, sql).map((r) => r.id).sort()

test('retention purges old finished jobs with their attempts and events left without jobs; pending work and recent rows stay', async () => {
	const store = openStore()
	const old = NOW - 40 * DAY
	const recent = NOW - DAY
	const cut = NOW - 30 * DAY
	try {
		const a = await event(store, 'old-all-finished', old, ['s', 'f'])
		finish(store, a.s, 'succeeded', old)
		finish(store, a.f, 'failed', old + DAY)
		const b = await event(store, 'old-one-pending', old, ['c', 'p'])
		finish(store, b.c, 'cancelled', old)
		const c = await event(store, 'old-delivering', old, ['d'])
		store.client.run("UPDATE deliveries SET status = 'delivering' WHERE pk = ?", [c.d])
		const d = await event(store, 'old-finished-lately', old, ['s'])
		finish(store, d.s, 'succeeded', recent)
		await event(store, 'old-no-jobs', old, [])
		const e = await event(store, 'at-the-cut', cut, ['s'])
		finish(store, e.s, 'succeeded', cut)
		const f = await event(store, 'recent-finished', recent, ['s'])
		finish(store, f.s, 'succeeded', recent)
		await event(store, 'recent-no-jobs', recent, [])

		const r = await purge({ store, now: () => NOW, days: 30 })
		expect(r).toMatchObject({ jobs: 3, attempts: 6, events: 2, aborted: false })

		expect(ids(store, 'SELECT id FROM events')).toEqual(['at-the-cut', 'old-delivering', 'old-finished-lately', 'old-one-pending', 'recent-finished', 'recent-no-jobs'])
		const left = rows<{ id: string; status: string }>(store.client, 'SELECT e.id, d.status FROM deliveries d JOIN events e ON e.pk = d.event_pk ORDER BY e.id, d.status')
		expect(left).toEqual([
			{ id: 'at-the-cut', status: 'succeeded' },
			{ id: 'old-delivering', status: 'delivering' },
			{ id: 'old-finished-lately', status: 'succeeded' },
			{ id: 'old-one-pending', status: 'pending' },
			{ id: 'recent-finished', status: 'succeeded' },
		])
		// no attempt is left pointing at a purged job
		expect(rows(store.client, 'SELECT a.pk FROM attempts a LEFT JOIN deliveries d ON d.pk = a.delivery_pk WHERE d.pk IS NULL')).toEqual([])
		expect(rows<{ n: number }>(store.client, 'SELECT COUNT(*) AS n FROM attempts')[0].n).toBe(6)

		// the same clock a day later: the job at the cut and, once that is gone, its event go too
		const again = await purge({ store, now: () => NOW + DAY + 1, days: 30 })
		expect(again).toMatchObject({ jobs: 1, attempts: 2, events: 1 })
		expect(ids(store, 'SELECT id FROM events')).not.toContain('at-the-cut')
		// and a purge with nothing to do does nothing
		expect(await purge({ store, now: () => NOW + DAY + 1, days: 30 })).toMatchObject({ jobs: 0, attempts: 0, events: 0, reclaimed: 0 })
	} finally {
		await store.close()
	}
})

test('retention works in small batches, yielding between them, then gives the space back', async () => {
	const store = openStore()
	const old = NOW - 100 * DAY
	try {
		for (let i = 0; i < 1200; i++) {
			const j = await event(store, `e${i}`, old, ['s'])
			finish(store, j.s, 'succeeded', old, 1, 4000)
		}
		await event(store, 'keep', NOW, ['s'])
		store.client.exec('PRAGMA wal_checkpoint(TRUNCATE)')
		const before = await store.freePages()
		let pauses = 0
		const r = await purge({ store, now: () => NOW, days: 30, batchSize: 100, pause: async () => { pauses++ } })
		expect(r).toMatchObject({ jobs: 1200, attempts: 1200, events: 1200, aborted: false })
		// 12 full batches of jobs, then 12 of events: a pause after each full one
		expect(pauses).toBeGreaterThanOrEqual(23)
		expect(r.reclaimed).toBeGreaterThan(1000)
		const after = await store.freePages()
		expect(after.free).toBe(0)
		expect(after.total).toBeLessThan(before.total / 4)
		expect((await store.sizeBytes()).wal).toBe(0)
		expect(ids(store, 'SELECT id FROM events')).toEqual(['keep'])
	} finally {
		await store.close()
	}
})

test('a purge stops between batches when told to', async () => {
	const store = openStore()
	try {
		for (let i = 0; i < 50; i++) {
			const j = await event(store, `e${i}`, NOW - 60 * DAY, ['s'])
			finish(store, j.s, 'failed', NOW - 60 * DAY)
		}
		let batches = 0
		const r = await purge({ store, now: () => NOW, days: 30, batchSize: 10, pause: async () => { batches++ }, aborted: () => batches >= 2 })
		expect(r.aborted).toBe(true)
		expect(r.jobs).toBe(20)
		expect(rows<{ n: number }>(store.client, 'SELECT COUNT(*) AS n FROM deliveries')[0].n).toBe(30)
	} finally {
		await store.close()
	}
})

test('the retention task runs on its cron schedule and a reload with a new schedule replaces the job', async () => {
	const flows = `  - id: shop
    ingestTokens: [${INGEST_TOKEN}]
    endpoints: []
`
	const every = configYaml(flows, 'retention:\n  days: 1\n  schedule: "* * * * * *"')
	const gw = await startTestGateway(every)
	const store = gw.run.store as SqliteStore
	const oldJob = async (id: string) => {
		const j = await event(store, id, Date.now() - 5 * DAY, ['gone'])
		finish(store, j.gone, 'succeeded', Date.now() - 5 * DAY)
	}
	try {
		expect(gw.run.retention.pattern).toBe('* * * * * *')
		await oldJob('first')
		await waitFor(() => ids(store, 'SELECT id FROM events').length === 0, 5000, 'the scheduled purge')
		await waitFor(async () => sample(await scrape(gw.url), 'hookgate_retention_runs_total') >= 1, 3000, 'the run to be counted')
		expect(sample(await scrape(gw.url), 'hookgate_retention_purged_rows_total', { kind: 'jobs' })).toBe(1)
		expect(gw.logs.some((l) => l.includes('"msg":"retention purge done"') && l.includes('"jobs":1'))).toBe(true)

		writeFileSync(gw.configPath, every.replace('"* * * * * *"', '"0 0 1 1 *"').replaceAll('{{DIR}}', gw.dir))
		expect(await gw.run.reload()).toEqual([])
		expect(gw.run.retention.pattern).toBe('0 0 1 1 *')
		const runs = sample(await scrape(gw.url), 'hookgate_retention_runs_total')
		await oldJob('second')
		await Bun.sleep(2200)
		// the every-second job is gone: nothing ran since the reload
		expect(sample(await scrape(gw.url), 'hookgate_retention_runs_total')).toBe(runs)
		expect(ids(store, 'SELECT id FROM events')).toEqual(['second'])
		// an operator (or the next tick) can still run it at once
		expect(await gw.run.retention.runNow()).toMatchObject({ jobs: 1, events: 1 })
	} finally {
		await gw.stop()
	}
})
