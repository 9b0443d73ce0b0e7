// What one try does with URL placeholders: the URL recorded is the one
// contacted, and values that cannot be sent (or that pick the target of an
// endpoint stored before such URLs were refused) fail the job, not the endpoint.
import { afterAll, expect, test } from 'bun:test'
import { attemptDelivery } from '../../src/dispatch/deliver'
import { makeAllowList } from '../../src/dispatch/egress'
import { makeEndpoint, makeEvent, makeFlow } from '../support/fixtures'
import { receiver } from './loopback'

const rx = receiver(() => new Response('ok'))
afterAll(() => rx.stop())
const deps = { allow: makeAllowList(['127.0.0.0/8']), now: () => 1_000 }
const plan = (url: string, data: Record<string, unknown>) => ({
	flow: makeFlow(), endpoint: makeEndpoint({ url }), event: makeEvent({ data }), n: 1, timeoutMs: 2_000,
})

test('the attempt records the URL as contacted: values encoded, fragment left out', async () => {
	const { record, outcome } = await attemptDelivery(deps, plan(`http://127.0.0.1:${rx.port}/hooks/{{ event.data.x }}/tail?q={{ event.data.q }}#frag`, { x: 'a b', q: '..' }))
	expect(outcome.ok).toBe(true)
	expect(record.url).toBe(`http://127.0.0.1:${rx.port}/hooks/a%20b/tail?q=..`)
	expect(rx.on('/hooks/a%20b/tail?q=..')).toHaveLength(1)
})

test.each([
	[{ x: '..' }, 'makes a URL path segment'],
	[{ x: '.' }, 'makes a URL path segment'],
	[{ x: 'a\ud800' }, 'lone surrogate'],
])('%j stored before ingest refused it: nothing sent, a producer fault', async (data, message) => {
	const before = rx.hits.length
	const { record, outcome } = await attemptDelivery(deps, plan(`http://127.0.0.1:${rx.port}/hooks/{{ event.data.x }}/tail`, data))
	expect(outcome).toMatchObject({ ok: false, producerFault: true, error: { class: 'internal' } })
	expect(outcome.error?.message).toContain(message)
	expect(record.url).toBe(`http://127.0.0.1:${rx.port}/hooks/{{ event.data.x }}/tail`)
	expect(rx.hits.length).toBe(before)
})

test('a blocked address that event data chose (an endpoint stored before such URLs were refused) is a producer fault', async () => {
	const { outcome } = await attemptDelivery(deps, plan('http:/{{ event.data.h }}:21001/p', { h: '169.254.169.254' }))
	expect(outcome).toMatchObject({ ok: false, producerFault: true, error: { class: 'blocked' } })
})

test('a blocked address written in the endpoint itself is the endpoint\'s fault', async () => {
	const { outcome } = await attemptDelivery(deps, plan('http://169.254.169.254/{{ event.data.h }}', { h: 'x' }))
	expect(outcome.error?.class).toBe('blocked')
	expect(outcome.producerFault).toBeUndefined()
})

test('data stored before depth was bounded, too deep to write as JSON, is a producer fault and sends nothing', async () => {
	let deep: Record<string, unknown> = {}
	for (let i = 0; i < 100_000; i++) deep = { a: deep }
	const before = rx.hits.length
	const { outcome, record } = await attemptDelivery(deps, plan(`http://127.0.0.1:${rx.port}/deep`, deep))
	expect(outcome).toMatchObject({ ok: false, producerFault: true, error: { class: 'internal' } })
	expect(record.requestBody).toBe('')
	expect(rx.hits.length).toBe(before)
})
