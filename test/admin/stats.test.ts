import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { expectError, until } from './support'
import { ingest, startFixture, type Fixture } from './fixture'

describe('GET /stats', () => {
	let f: Fixture
	beforeAll(async () => {
		f = await startFixture({
			settings: 'limits:\n  endpointsPerFlow: 10',
			answer: async (req) => {
				const path = new URL(req.url).pathname
				if (path === '/fail') return new Response('no', { status: 500 })
				if (path === '/slowish') await Bun.sleep(25)
				return new Response('ok')
			},
		})
		const add = (id: string, path: string) => f.admin.post('/admin/v1/flows/billing/endpoints', { id, url: `http://127.0.0.1:${f.rx.port}${path}`, retrySchedule: [] })
		await add('steady', '/slowish')
		await add('broken', '/fail')
		await ingest(f.gw, 'billing', Array.from({ length: 10 }, (_, i) => ({ id: `s-${i}`, type: 'invoice.paid', data: {} })))
		await until(async () => (await f.admin.get('/admin/v1/jobs?flow=billing&status=succeeded,failed&limit=100')).body.items.length, (n) => n === 30)
	})
	afterAll(() => f.stop())

	const item = (items: Array<{ endpoint: string }>, endpoint: string) => items.find((i) => i.endpoint === endpoint) as Record<string, any>
	const sum = (series: Array<{ succeeded: number; failed: number }>, key: 'succeeded' | 'failed') => series.reduce((n, s) => n + s[key], 0)

	test('per endpoint: counts, success rate, latency, backlog, health and an hourly series', async () => {
		const res = await f.admin.get('/admin/v1/stats?flow=billing')
		expect(res.status).toBe(200)
		expect(res.body.window).toBe('24h')
		expect(Date.parse(res.body.until) - Date.parse(res.body.since)).toBe(86_400_000)
		expect(res.body.items.map((i: { endpoint: string }) => i.endpoint)).toEqual(['crm', 'paused', 'steady', 'broken'])

		const steady = item(res.body.items, 'steady')
		expect(steady).toMatchObject({ flow: 'billing', counts: { pending: 0, delivering: 0, succeeded: 10, failed: 0, cancelled: 0 }, successRate: 1, backlog: 0, oldestPendingSeconds: null, health: 'healthy', disabledReason: null })
		expect(steady.latencyMs.p50).toBeGreaterThanOrEqual(20)
		expect(steady.latencyMs.p50).toBeLessThanOrEqual(steady.latencyMs.p95)
		expect(steady.latencyMs.p95).toBeLessThanOrEqual(steady.latencyMs.p99)
		expect(steady.series).toHaveLength(24)
		expect(sum(steady.series, 'succeeded')).toBe(10)
		const starts = steady.series.map((s: { start: string }) => Date.parse(s.start))
		expect(starts.every((t: number, i: number) => t % 3_600_000 === 0 && (i === 0 || t - starts[i - 1] === 3_600_000))).toBe(true)
		expect(starts.at(-1)).toBe(Math.floor(Date.now() / 3_600_000) * 3_600_000)

		const broken = item(res.body.items, 'broken')
		expect(broken).toMatchObject({ counts: { failed: 10, succeeded: 0 }, successRate: 0, health: 'failing' })
		expect(sum(broken.series, 'failed')).toBe(10)

		const paused = item(res.body.items, 'paused')
		expect(paused).toMatchObject({ counts: { pending: 10 }, successRate: null, backlog: 10, health: 'disabled', disabledReason: 'disabled in the configuration file', latencyMs: { p50: null, p95: null, p99: null } })
		expect(paused.oldestPendingSeconds).toBeGreaterThanOrEqual(0)
	})

	test('the window sets the span and the number of hours; every flow when none is named', async () => {
		const hours = async (w: string) => item((await f.admin.get(`/admin/v1/stats?flow=billing&window=${w}`)).body.items, 'steady').series.length
		expect(await hours('1h')).toBe(1)
		expect(await hours('90m')).toBe(2)
		expect(await hours('2d')).toBe(48)
		const all = await f.admin.get('/admin/v1/stats')
		expect(new Set(all.body.items.map((i: { flow: string }) => i.flow))).toEqual(new Set(['billing']))
		for (const w of ['30s', '32d', 'soon', '']) {
			const res = await f.admin.get(`/admin/v1/stats?window=${w}`)
			expectError(res, 422, 'invalid_request')
			expect(res.body.error.path).toBe('window')
		}
		expectError(await f.admin.get('/admin/v1/stats?flow=nope'), 404, 'not_found')
	})
})
