import { expect, test } from 'bun:test'
import { configYaml, startTestGateway, tempDir } from '../support/gateway'
import { waitFor } from '../support/wait'
import { receiver } from './loopback'

// Ten endpoints, one backlog: the free slots must reach the endpoint that has
// work even when the others, first in line, have none.
test('a stored backlog on one endpoint of ten drains while the other nine have nothing due', async () => {
	const rx = receiver(() => new Response('ok'))
	const endpoints = (enabledLast: boolean, flow: number) => Array.from({ length: 5 }, (_, i) => {
		const id = `ep${flow * 5 + i}`
		const last = flow === 1 && i === 4
		return `      - { id: ${id}, url: "http://127.0.0.1:${rx.port}/${id}", events: ["${last ? 'work' : 'other'}"], signing: { scheme: none }${last && !enabledLast ? ', enabled: false' : ''} }\n`
	}).join('')
	const yaml = (enabledLast: boolean) => configYaml(`  - id: a
    name: A
    ingestTokens: [test-ingest-token]
    endpoints:
${endpoints(enabledLast, 0)}  - id: b
    name: B
    ingestTokens: [test-ingest-token]
    endpoints:
${endpoints(enabledLast, 1)}`, 'delivery:\n  concurrency: 8\n').replace(/delivery:\n  allowPrivateNetworks: \[127.0.0.0\/8\]\n  retrySchedule: \[50ms, 100ms\]\n  jitter: 0\n(.*)delivery:\n  concurrency: 8\n/s, 'delivery:\n  allowPrivateNetworks: [127.0.0.0/8]\n  concurrency: 8\n  endpointConcurrency: 8\n$1')
	const dir = tempDir()
	try {
		const first = await startTestGateway(yaml(false), { dir })
		for (let i = 0; i < 10; i++) {
			const events = Array.from({ length: 20 }, (_, j) => ({ id: `w-${i}-${j}`, type: 'work' }))
			expect((await first.post('/v1/flows/b/events/batch', { events })).status).toBe(202)
		}
		await first.stop({ keep: true })
		expect(rx.hits.length).toBe(0)
		const second = await startTestGateway(yaml(true), { dir })
		try {
			await waitFor(() => rx.on('/ep9').length === 200, 5000, 'the backlog of ep9 delivered')
		} finally {
			await second.stop()
		}
	} finally {
		rx.stop()
	}
}, 20_000)
