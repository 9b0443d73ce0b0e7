// One attempt against real loopback receivers: what each kind of answer
// (or non-answer) becomes.
import { afterEach, describe, expect, test } from 'bun:test'
import { makeAllowList } from '../../src/dispatch/egress'
import { type AttemptInput, performAttempt, RESPONSE_BODY_LIMIT } from '../../src/dispatch/http'
import { closedPort, rawListener, receiver } from './loopback'

const loopback = makeAllowList(['127.0.0.0/8'])
const stops: (() => void)[] = []
afterEach(() => {
	for (const stop of stops.splice(0)) stop()
})
function serve(answer: (req: Request) => Response | Promise<Response>) {
	const r = receiver(answer)
	stops.push(r.stop)
	return r
}
const attempt = (url: string, more: Partial<AttemptInput> = {}) =>
	performAttempt({
		url,
		headers: { 'content-type': 'application/json', 'webhook-id': 'evt_1' },
		body: '{"hello":"world"}',
		timeoutMs: 2000,
		allow: loopback,
		...more,
	})

describe('an attempt', () => {
	test('a 200 is a success and the request arrives whole', async () => {
		const r = serve(() => new Response('thanks', { headers: { 'x-reply': 'yes' } }))
		const out = await attempt(`http://127.0.0.1:${r.port}/hooks?a=1`)
		expect(out.ok).toBe(true)
		expect(out.error).toBeNull()
		expect(out.status).toBe(200)
		expect(out.responseBody).toBe('thanks')
		expect(out.responseTruncated).toBe(false)
		expect(out.responseHeaders['x-reply']).toBe('yes')
		expect(out.connectedIp).toBe('127.0.0.1')
		expect(r.hits).toHaveLength(1)
		expect(r.hits[0]).toMatchObject({ method: 'POST', path: '/hooks?a=1', body: '{"hello":"world"}' })
		expect(r.hits[0].headers['webhook-id']).toBe('evt_1')
	})

	test('a 500 is an http_status failure with its body kept', async () => {
		const r = serve(() => new Response('boom', { status: 500 }))
		const out = await attempt(`http://127.0.0.1:${r.port}/`)
		expect(out.ok).toBe(false)
		expect(out.status).toBe(500)
		expect(out.error?.class).toBe('http_status')
		expect(out.responseBody).toBe('boom')
	})

	test('a 302 is a redirect failure and its Location is never visited', async () => {
		const r = serve((req) =>
			new URL(req.url).pathname === '/start'
				? new Response(null, { status: 302, headers: { location: '/target' } })
				: new Response('reached'))
		const out = await attempt(`http://127.0.0.1:${r.port}/start`)
		expect(out.ok).toBe(false)
		expect(out.status).toBe(302)
		expect(out.error?.class).toBe('redirect')
		expect(out.error?.message).toContain('/target')
		expect(r.on('/target')).toHaveLength(0)
	})

	test('slow headers end in a timeout', async () => {
		const r = serve(async () => {
			await Bun.sleep(3000)
			return new Response('late')
		})
		const out = await attempt(`http://127.0.0.1:${r.port}/`, { timeoutMs: 300 })
		expect(out.error?.class).toBe('timeout')
		expect(out.status).toBeNull()
		expect(out.durationMs).toBeLessThan(2500)
	})

	test('a body that trickles past the deadline ends in a timeout, even after a 200', async () => {
		const r = serve(() => {
			let timer: ReturnType<typeof setInterval>
			const body = new ReadableStream({
				start(controller) {
					timer = setInterval(() => controller.enqueue(new TextEncoder().encode('.')), 50)
				},
				cancel() {
					clearInterval(timer)
				},
			})
			return new Response(body)
		})
		const out = await attempt(`http://127.0.0.1:${r.port}/`, { timeoutMs: 400 })
		expect(out.ok).toBe(false)
		expect(out.status).toBe(200)
		expect(out.error?.class).toBe('timeout')
		expect(out.durationMs).toBeLessThan(2500)
	})

	test('a refused connection is a connect failure', async () => {
		const out = await attempt(`http://127.0.0.1:${closedPort()}/`)
		expect(out.error?.class).toBe('connect')
		expect(out.status).toBeNull()
	})

	test('a connection closed before any answer is a network failure', async () => {
		const l = rawListener((socket) => socket.end())
		stops.push(l.stop)
		const out = await attempt(`http://127.0.0.1:${l.port}/`)
		expect(out.error?.class).toBe('network')
	})

	test('an answer that is not HTTP is a network failure', async () => {
		const l = rawListener((socket) => {
			socket.write('SSH-2.0-OpenSSH_9.6\r\n\r\n')
			socket.end()
		})
		stops.push(l.stop)
		const out = await attempt(`http://127.0.0.1:${l.port}/`)
		expect(out.error?.class).toBe('network')
	})

	test('a 429 carries its Retry-After in ms', async () => {
		const r = serve(() => new Response('slow down', { status: 429, headers: { 'retry-after': '120' } }))
		const out = await attempt(`http://127.0.0.1:${r.port}/`)
		expect(out.error?.class).toBe('http_status')
		expect(out.retryAfterMs).toBe(120_000)
	})

	test('a Retry-After on a 500 is ignored', async () => {
		const r = serve(() => new Response('', { status: 500, headers: { 'retry-after': '120' } }))
		expect((await attempt(`http://127.0.0.1:${r.port}/`)).retryAfterMs).toBeNull()
	})

	test('a 10 MB answer keeps 16 KiB, is a success, and memory stays flat', async () => {
		const chunk = new Uint8Array(64 * 1024).fill(97)
		// produced as read, so the receiver (same process) holds no 10 MB copy of its own
		const r = serve(() => {
			let left = 10 * 1024 * 1024
			return new Response(new ReadableStream({
				pull(controller) {
					if (left <= 0) return controller.close()
					controller.enqueue(chunk)
					left -= chunk.byteLength
				},
			}))
		})
		const url = `http://127.0.0.1:${r.port}/`
		// fetch's first uses allocate for good: warm up before measuring
		for (let i = 0; i < 3; i++) await attempt(url)
		Bun.gc(true)
		const before = process.memoryUsage().rss
		for (let i = 0; i < 10; i++) {
			const out = await attempt(url)
			expect(out.ok).toBe(true)
			expect(out.responseTruncated).toBe(true)
			expect(out.responseBody.length).toBe(RESPONSE_BODY_LIMIT)
		}
		Bun.gc(true)
		// 100 MB were offered; measured ~3 MB growth when capped, 11-15 MB when read whole
		expect(process.memoryUsage().rss - before).toBeLessThan(8 * 1024 * 1024)
	})

	test('an answer of exactly 16 KiB is not truncated', async () => {
		const r = serve(() => new Response('b'.repeat(RESPONSE_BODY_LIMIT)))
		const out = await attempt(`http://127.0.0.1:${r.port}/`)
		expect(out.responseBody.length).toBe(RESPONSE_BODY_LIMIT)
		expect(out.responseTruncated).toBe(false)
	})
})
