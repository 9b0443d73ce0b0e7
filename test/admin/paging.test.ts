import { afterAll, beforeAll, expect, test } from 'bun:test'
import { ingest, startFixture, type Fixture } from './fixture'

let f: Fixture
beforeAll(async () => {
	f = await startFixture({
		extra: `  - id: paged
    envelope: standard
    ingestTokens: [test-ingest-token]
    endpoints:
      - id: parked
        url: http://127.0.0.1:9/parked
        enabled: false
        signing: { scheme: none }
`,
	})
})
afterAll(() => f.stop())

test('1,000 jobs read page by page while new ones arrive: each one seen exactly once', async () => {
	const existing: string[] = []
	for (let b = 0; b < 2; b++) {
		const events = await ingest(f.gw, 'paged', Array.from({ length: 500 }, (_, i) => ({ id: `old-${b}-${i}`, type: 'x', data: {} })))
		for (const e of events) existing.push(e.deliveries[0].id)
	}

	let writing = true
	let written = 0
	const writer = (async () => {
		for (let b = 0; writing; b++) {
			await ingest(f.gw, 'paged', Array.from({ length: 20 }, (_, i) => ({ id: `new-${b}-${i}`, type: 'x', data: {} })))
			written += 20
		}
	})()

	const seen: string[] = []
	let cursor: string | null = null
	let pages = 0
	do {
		const res: { status: number; body: { items: Array<{ id: string }>; nextCursor: string | null } } = await f.admin.get(`/admin/v1/jobs?flow=paged&limit=37${cursor ? `&cursor=${cursor}` : ''}`)
		expect(res.status).toBe(200)
		seen.push(...res.body.items.map((j) => j.id))
		cursor = res.body.nextCursor
		pages++
		// let the writer in between pages
		await Bun.sleep(2)
	} while (cursor)
	writing = false
	await writer

	expect(written).toBeGreaterThan(0)
	expect(pages).toBeGreaterThanOrEqual(Math.ceil(1000 / 37))
	expect(new Set(seen).size).toBe(seen.length)
	const seenSet = new Set(seen)
	expect(existing.filter((id) => !seenSet.has(id))).toEqual([])
	// newest first throughout
	const order = seen.filter((id) => existing.includes(id))
	expect(order).toEqual([...existing].reverse())
})
