// A minimal webhook receiver, run as its own process so that its CPU is not
// the gateway's or the load generator's. It answers every POST at once and
// never reads the body, counts what it got and, when asked, records when each
// event id arrived. GET /_stats and GET /_arrivals are for the bench runner.
//
// argv[2]: JSON {status?: number, record?: boolean, failRate?: number, delayMs?: number}. A share
// `failRate` of the POSTs (chosen at random) is answered 503 and not recorded,
// like a receiver that fails now and then; `delayMs` holds every answer that
// long, like a receiver doing real work. Prints {"port": N} when ready.
import { clock } from './lib/clock'

const opts = JSON.parse(process.argv[2] ?? '{}') as { status?: number; record?: boolean; failRate?: number; delayMs?: number }
const delayMs = opts.delayMs ?? 0
const status = opts.status ?? 200
const record = opts.record ?? false
const failRate = opts.failRate ?? 0

let count = 0
let failed = 0
let first = 0
let last = 0
const ids: string[] = []
const times: number[] = []

const server = Bun.serve({
	hostname: '127.0.0.1',
	port: 0,
	fetch(req) {
		if (req.method === 'POST') {
			const t = clock()
			count++
			if (failRate > 0 && Math.random() < failRate) {
				failed++
				return new Response('injected failure', { status: 503 })
			}
			if (first === 0) first = t
			last = t
			if (record) {
				ids.push(req.headers.get('webhook-id') ?? '')
				times.push(t)
			}
			return delayMs > 0 ? Bun.sleep(delayMs).then(() => new Response('ok', { status })) : new Response('ok', { status })
		}
		const path = new URL(req.url).pathname
		if (path === '/_stats') {
			const cpu = process.cpuUsage()
			return Response.json({ count, failed, first, last, cpuMs: (cpu.user + cpu.system) / 1000 })
		}
		if (path === '/_arrivals') return Response.json({ ids, times })
		return new Response('not found', { status: 404 })
	},
})

console.log(JSON.stringify({ port: server.port }))
process.on('SIGTERM', () => { server.stop(true); process.exit(0) })
