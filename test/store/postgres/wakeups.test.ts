// Wake-up hints between instances: a NOTIFY on commit, a timer as the floor,
// and the listening connection coming back after it was killed.
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { PostgresStore } from '../../../src/store/postgres/store'
import { listenForWork } from '../../../src/store/postgres/wakeups'
import { createTempDatabase, type TempDatabase } from '../../support/postgres'
import { waitFor } from '../../support/wait'

let db: TempDatabase
let a: PostgresStore
let b: PostgresStore
beforeAll(async () => {
	db = await createTempDatabase()
	a = await PostgresStore.open({ url: db.url, poolSize: 2, instanceId: 'A' })
	b = await PostgresStore.open({ url: db.url, poolSize: 2, instanceId: 'B' })
})
afterAll(async () => {
	await a?.close()
	await b?.close()
	await db?.drop()
})

const quiet = { warn() {} }
let n = 0
const ingest = (s: PostgresStore) => s.ingest('f', [{ event: { id: `e${++n}`, type: 't', sessionId: null, occurredAt: null, success: true, data: {} }, endpoints: ['x'] }], 1000)

test("another instance's ingest wakes this one at once; its own does not come back as a hint", async () => {
	let hints = 0
	// a long timer, so only notifications count here
	const w = await listenForWork(b, { jobs: () => { hints++ }, tick: async () => {} }, quiet, 60_000)
	try {
		const before = hints
		await ingest(b)
		await Bun.sleep(200)
		expect(hints).toBe(before)
		await ingest(a)
		await waitFor(() => hints > before, 2000, 'a hint from the other instance')
	} finally {
		await w.stop()
	}
})

test('without any notification the timer still looks, and re-reads what others changed', async () => {
	let looks = 0
	let ticks = 0
	const w = await listenForWork(b, { jobs: () => { looks++ }, tick: async () => { ticks++ } }, quiet, 50)
	try {
		await waitFor(() => looks >= 3 && ticks >= 3, 2000, 'three timer looks')
	} finally {
		await w.stop()
	}
	const after = looks
	await Bun.sleep(150)
	expect(looks).toBe(after)
})

test('a killed listening connection is listened on again, and hints arrive after it', async () => {
	let hints = 0
	const w = await listenForWork(b, { jobs: () => { hints++ }, tick: async () => {} }, quiet, 60_000)
	try {
		const killed = await a.sql`SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity
			WHERE datname = current_database() AND query ILIKE 'LISTEN%'`
		expect(killed.length).toBeGreaterThan(0)
		// re-listening calls the hint too (anything sent while it was away is looked for)
		const base = hints
		await waitFor(() => hints > base, 5000, 'the listener to come back')
		const back = hints
		await ingest(a)
		await waitFor(() => hints > back, 3000, 'a hint after the reconnect')
	} finally {
		await w.stop()
	}
})
