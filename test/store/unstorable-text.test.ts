// A NUL, other control characters and a lone surrogate in every string the
// HTTP APIs take, sent to a gateway on SQLite and one on PostgreSQL: both give
// the same status and code, store nothing when they refuse, and give the value
// back as sent when they take it. PostgreSQL refuses a NUL in text, so before
// src/text.ts some of these were a 500 there and a 2xx on SQLite.
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { receiver, type Receiver } from '../dispatch/loopback'
import { ADMIN_TOKEN, configYaml, INGEST_TOKEN, startTestGateway, type TestGateway } from '../support/gateway'
import { createTempDatabase, onPostgres, type TempDatabase } from '../support/postgres'
import { waitFor } from '../support/wait'

const SVIX_TOKEN = 'sk_test_text'
const NUL = 'a\u0000b'
const CTRL = 'a\u0001b\u007f'
const LINE = 'a\nb'
const LONE = 'a\ud800b'
/** values a JSON field holds: each key and value comes back as sent */
const ODD = { [NUL]: NUL, ctrl: CTRL, lone: LONE, [LONE]: [LINE, 'é😀'] }

interface World {
	name: string
	gw: TestGateway
	app: string
}

let db: TempDatabase
let rx: Receiver
const worlds: World[] = []
let seq = 0
const unique = (p: string) => `${p}-${++seq}`

beforeAll(async () => {
	db = await createTempDatabase()
	// /binary answers bytes that are not text, a NUL among them
	rx = receiver((req) => new Response(new URL(req.url).pathname === '/binary' ? new Uint8Array([0x61, 0, 0x62, 0xff]) : 'ok'))
	const yaml = configYaml(`  - id: shop
    envelope: standard
    ingestTokens: [${INGEST_TOKEN}]
    endpoints:
      - { id: rx, url: "http://127.0.0.1:${rx.port}/rx", signing: { scheme: none }, events: [never.sent] }
      - { id: binary, url: "http://127.0.0.1:${rx.port}/binary", signing: { scheme: none }, events: [binary.answer] }
`, `svix:\n  tokens: [${SVIX_TOKEN}]\n`)
	for (const [name, config] of [['sqlite', yaml], ['postgres', onPostgres(yaml, db.url)]] as const) {
		const gw = await startTestGateway(config)
		const app = await (await call(gw, 'POST', '/api/v1/app', { name: 'text app' })).json() as { id: string }
		worlds.push({ name, gw, app: app.id })
	}
}, 60_000)

afterAll(async () => {
	for (const w of worlds) await w.gw.stop()
	rx?.stop()
	await db?.drop()
})

function call(gw: TestGateway, method: string, path: string, body?: unknown, token?: string) {
	const bearer = token ?? (path.startsWith('/api/') ? SVIX_TOKEN : path.startsWith('/admin/') ? ADMIN_TOKEN : INGEST_TOKEN)
	return fetch(`${gw.url}${path}`, {
		method,
		headers: { authorization: `Bearer ${bearer}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
		body: body === undefined ? undefined : JSON.stringify(body),
	})
}

async function read(w: World, path: string): Promise<any> {
	const r = await call(w.gw, 'GET', path.replace('{app}', w.app))
	expect(r.status).toBe(200)
	return r.json()
}

/** What a refused request must leave as it was. */
async function footprint(w: World) {
	const events = await read(w, '/admin/v1/events?limit=500')
	const jobs = await read(w, '/admin/v1/jobs?limit=500')
	const endpoints = await read(w, '/admin/v1/flows/shop/endpoints')
	const apps = await read(w, '/api/v1/app?limit=250')
	const svixEndpoints = await read(w, '/api/v1/app/{app}/endpoint?limit=250')
	const types = await read(w, '/api/v1/event-type?limit=250&include_archived=true&with_content=true')
	const messages = await read(w, '/api/v1/app/{app}/msg?limit=250')
	return JSON.stringify([events.items.length, jobs.items.length, endpoints.items, apps.data, svixEndpoints.data, types.data, messages.data.length])
}

/** The error code and field of an answer: ours ({error: {code, path}}) or Svix's ({detail: [{loc}]}, {code}). */
function errorOf(body: any): { code: string | null; path: string | null } {
	if (body?.error) return { code: body.error.code, path: body.error.path ?? null }
	if (Array.isArray(body?.detail)) return { code: 'validation', path: body.detail[0].loc.join('.') }
	return { code: body?.code ?? null, path: null }
}

interface Case {
	name: string
	send: (w: World) => Promise<Response>
	status: number
	code?: string
	path?: string
	/** for an accepted value: reads it back and checks it is as sent */
	roundTrip?: (w: World, body: any) => Promise<void>
}

const ingest = (w: World, event: unknown) => call(w.gw, 'POST', '/v1/flows/shop/events', event)
const refused = (name: string, status: number, code: string, path: string | undefined, send: Case['send']): Case => ({ name, send, status, code, path })

const cases: Case[] = [
	// ingest
	...[NUL, CTRL, LINE, LONE].map((t) => refused(`ingest: event type ${JSON.stringify(t)}`, 400, 'invalid_event', 'type', (w) => ingest(w, { type: t }))),
	refused('ingest: event id with a NUL', 400, 'invalid_event', 'id', (w) => ingest(w, { id: NUL, type: 't' })),
	refused('ingest: sessionId with a NUL', 400, 'invalid_event', 'sessionId', (w) => ingest(w, { type: 't', sessionId: NUL })),
	refused('ingest: a batch whose second type holds a NUL stores neither', 400, 'invalid_event', 'type',
		(w) => call(w.gw, 'POST', '/v1/flows/shop/events/batch', { events: [{ type: 'ok.first' }, { type: NUL }] })),
	refused('ingest: a batch whose second type holds a lone surrogate stores neither', 400, 'invalid_event', 'type',
		(w) => call(w.gw, 'POST', '/v1/flows/shop/events/batch', { events: [{ type: 'ok.first' }, { type: LONE }] })),
	{
		name: 'ingest: event data keeps NUL, control characters and lone surrogates', status: 202,
		send: (w) => ingest(w, { type: 'odd.data', data: ODD }),
		roundTrip: async (w, body) => expect((await read(w, `/admin/v1/events/${body.id}`)).data).toEqual(ODD),
	},
	{
		name: 'ingest: a batch keeps them too', status: 202,
		send: (w) => call(w.gw, 'POST', '/v1/flows/shop/events/batch', { events: [{ type: 'odd.a', data: ODD }, { type: 'odd.b', data: { x: NUL } }] }),
		roundTrip: async (w, body) => {
			expect((await read(w, `/admin/v1/events/${body.events[0].id}`)).data).toEqual(ODD)
			expect((await read(w, `/admin/v1/events/${body.events[1].id}`)).data).toEqual({ x: NUL })
		},
	},
	{
		name: 'ingest: session metadata keeps them, and events of the session carry it', status: 201,
		send: (w) => call(w.gw, 'POST', '/v1/flows/shop/sessions', { metadata: ODD }),
		roundTrip: async (w, body) => {
			const s = await (await call(w.gw, 'GET', `/v1/flows/shop/sessions/${body.id}`)).json() as { metadata: unknown }
			expect(s.metadata).toEqual(ODD)
			const patched = await call(w.gw, 'PATCH', `/v1/flows/shop/sessions/${body.id}`, { metadata: { more: LONE } })
			expect(patched.status).toBe(200)
			const e = await (await ingest(w, { type: 'in.session', sessionId: body.id })).json() as { id: string }
			expect((await read(w, `/admin/v1/events/${e.id}`)).metadata).toEqual({ ...ODD, more: LONE })
		},
	},
	refused('ingest: a session id with a NUL', 400, 'invalid_request', 'id', (w) => call(w.gw, 'POST', '/v1/flows/shop/sessions', { id: NUL })),
	refused('ingest: reading a session named with %00', 404, 'not_found', undefined, (w) => call(w.gw, 'GET', '/v1/flows/shop/sessions/a%00b')),
	refused('ingest: patching a session named with %00', 404, 'not_found', undefined, (w) => call(w.gw, 'PATCH', '/v1/flows/shop/sessions/a%00b', { metadata: {} })),

	// admin API
	...[NUL, LINE, LONE].map((url) => refused(`admin: endpoint url ${JSON.stringify(url)}`, 422, 'invalid_request', 'url',
		(w) => call(w.gw, 'POST', '/admin/v1/flows/shop/endpoints', { url: `http://127.0.0.1:9/${url}` }))),
	{
		name: 'admin: an endpoint changed to a url with a NUL is refused and kept as it was', status: 201,
		send: (w) => call(w.gw, 'POST', '/admin/v1/flows/shop/endpoints', { id: unique('patched'), url: 'http://127.0.0.1:9/x' }),
		roundTrip: async (w, body) => {
			const one = `/admin/v1/flows/shop/endpoints/${body.id}`
			const r = await call(w.gw, 'PATCH', one, { url: `http://127.0.0.1:9/${NUL}` })
			expect([r.status, errorOf(await r.json())]).toEqual([422, { code: 'invalid_request', path: 'url' }])
			expect((await read(w, one)).url).toBe('http://127.0.0.1:9/x')
			expect((await call(w.gw, 'DELETE', one)).status).toBe(200)
		},
	},
	refused('admin: endpoint id with a NUL', 422, 'invalid_request', 'id', (w) => call(w.gw, 'POST', '/admin/v1/flows/shop/endpoints', { id: NUL, url: 'http://127.0.0.1:9/x' })),
	refused('admin: endpoint header value with a NUL', 422, 'invalid_request', 'headers.x-a',
		(w) => call(w.gw, 'POST', '/admin/v1/flows/shop/endpoints', { url: 'http://127.0.0.1:9/x', headers: { 'x-a': NUL } })),
	refused('admin: endpoint event filter with a NUL', 422, 'invalid_request', 'events[0]',
		(w) => call(w.gw, 'POST', '/admin/v1/flows/shop/endpoints', { url: 'http://127.0.0.1:9/x', events: [NUL] })),
	{
		name: 'admin: endpoint body keeps them', status: 201,
		send: (w) => call(w.gw, 'POST', '/admin/v1/flows/shop/endpoints', { id: unique('odd'), url: 'http://127.0.0.1:9/x', body: ODD }),
		roundTrip: async (w, body) => {
			expect((await read(w, `/admin/v1/flows/shop/endpoints/${body.id}`)).body).toEqual(ODD)
			expect((await call(w.gw, 'DELETE', `/admin/v1/flows/shop/endpoints/${body.id}`)).status).toBe(200)
		},
	},
	...[NUL, LONE].map((reason) => refused(`admin: disable reason ${JSON.stringify(reason)}`, 422, 'invalid_request', 'reason',
		(w) => call(w.gw, 'POST', '/admin/v1/flows/shop/endpoints/rx/disable', { reason }))),
	{
		name: 'admin: a disable reason keeps tabs, line breaks and other control characters', status: 200,
		send: (w) => call(w.gw, 'POST', '/admin/v1/flows/shop/endpoints/rx/disable', { reason: `${CTRL}\t${LINE}` }),
		roundTrip: async (w) => {
			expect((await read(w, '/admin/v1/flows/shop/endpoints/rx')).disabledReason).toBe(`${CTRL}\t${LINE}`)
			expect((await call(w.gw, 'POST', '/admin/v1/flows/shop/endpoints/rx/enable')).status).toBe(200)
		},
	},
	...[NUL, CTRL, LONE].map((type) => refused(`admin: test send type ${JSON.stringify(type)}`, 422, 'invalid_request', 'type',
		(w) => call(w.gw, 'POST', '/admin/v1/flows/shop/endpoints/rx/test', { type }))),
	{
		name: 'admin: a test send keeps odd data', status: 200,
		send: (w) => call(w.gw, 'POST', '/admin/v1/flows/shop/endpoints/rx/test', { type: 'odd.test', data: ODD }),
		roundTrip: async (w, body) => expect((await read(w, `/admin/v1/events/${body.eventId}`)).data).toEqual(ODD),
	},
	{
		name: 'admin: a receiver answering bytes that are not text: shown and stored as U+FFFD', status: 200,
		send: (w) => call(w.gw, 'POST', '/admin/v1/flows/shop/endpoints/binary/test', {}),
		roundTrip: async (w, body) => {
			expect(body.body).toBe('a\ufffdb\ufffd')
			const job = await read(w, `/admin/v1/jobs/${body.jobId}`)
			expect(job.status).toBe('succeeded')
			expect(job.attempts[0].responseBody).toBe('a\ufffdb\ufffd')
		},
	},
	{
		name: 'dispatch: a delivery answered with bytes that are not text succeeds, its answer stored as U+FFFD', status: 202,
		send: (w) => ingest(w, { type: 'binary.answer' }),
		roundTrip: async (w, body) => {
			const job = await waitFor(async () => {
				const j = await read(w, `/admin/v1/jobs/${body.deliveries[0].id}`)
				return j.status === 'succeeded' ? j : null
			}, 10_000, 'the delivery')
			expect(job.attempts.map((a: { responseBody: string }) => a.responseBody)).toEqual(['a\ufffdb\ufffd'])
		},
	},
	refused('admin: an event named with %00', 404, 'not_found', undefined, (w) => call(w.gw, 'GET', '/admin/v1/events/a%00b')),
	refused('admin: a job named with %00', 404, 'not_found', undefined, (w) => call(w.gw, 'GET', '/admin/v1/jobs/a%00b')),
	refused('admin: replaying a job named with %00', 404, 'not_found', undefined, (w) => call(w.gw, 'POST', '/admin/v1/jobs/a%00b/replay')),
	...['type', 'session', 'endpoint', 'event', 'flow'].map((key) => refused(`admin: jobs filtered by a ${key} with a NUL`, 422, 'invalid_request', key,
		(w) => call(w.gw, 'GET', `/admin/v1/jobs?${key}=a%00b`))),
	refused('admin: events filtered by a type with a NUL', 422, 'invalid_request', 'type', (w) => call(w.gw, 'GET', '/admin/v1/events?type=a%00b')),
	refused('admin: a bulk replay of an endpoint with a NUL', 404, 'not_found', undefined,
		(w) => call(w.gw, 'POST', '/admin/v1/jobs/replay', { flow: 'shop', endpoint: NUL, since: '2026-01-01T00:00:00Z' })),
	refused('admin: a portal link ttl with a NUL', 422, 'invalid_request', 'ttl',
		(w) => call(w.gw, 'POST', '/admin/v1/flows/shop/portal-links', { capabilities: ['view'], ttl: `1h${NUL}` })),

	// Svix-compatible API
	...[NUL, LONE].map((name) => refused(`svix: application name ${JSON.stringify(name)}`, 422, 'validation', 'body.name',
		(w) => call(w.gw, 'POST', '/api/v1/app', { name }))),
	refused('svix: application name with a NUL on update', 422, 'validation', 'body.name', (w) => call(w.gw, 'PUT', `/api/v1/app/${w.app}`, { name: NUL })),
	refused('svix: application name with a NUL on patch', 422, 'validation', 'body.name', (w) => call(w.gw, 'PATCH', `/api/v1/app/${w.app}`, { name: NUL })),
	refused('svix: application uid with a NUL', 422, 'validation', 'body.uid', (w) => call(w.gw, 'POST', '/api/v1/app', { name: 'x', uid: NUL })),
	{
		name: 'svix: an application keeps control characters in its name and odd metadata values', status: 201,
		send: (w) => call(w.gw, 'POST', '/api/v1/app', { name: `${CTRL}\t${LINE}`, metadata: { [NUL]: NUL, lone: LONE } }),
		roundTrip: async (w, body) => {
			const app = await read(w, `/api/v1/app/${body.id}`)
			expect([app.name, app.metadata]).toEqual([`${CTRL}\t${LINE}`, { [NUL]: NUL, lone: LONE }])
			expect((await call(w.gw, 'DELETE', `/api/v1/app/${body.id}`)).status).toBe(204)
		},
	},
	refused('svix: a message creating an application named with a NUL', 422, 'validation', 'body.application.name',
		(w) => call(w.gw, 'POST', '/api/v1/app/new-app-uid/msg', { eventType: 'x', payload: {}, application: { name: NUL, uid: 'new-app-uid' } })),
	...[NUL, LINE, LONE].map((url) => refused(`svix: endpoint url ${JSON.stringify(url)}`, 422, 'validation', 'body.url',
		(w) => call(w.gw, 'POST', `/api/v1/app/${w.app}/endpoint`, { url: `http://127.0.0.1:9/${url}` }))),
	refused('svix: endpoint header value with a NUL', 422, 'validation', 'body.headers',
		(w) => call(w.gw, 'POST', `/api/v1/app/${w.app}/endpoint`, { url: 'http://127.0.0.1:9/x', headers: { 'x-a': NUL } })),
	refused('svix: endpoint channel with a NUL', 422, 'validation', 'body.channels.0',
		(w) => call(w.gw, 'POST', `/api/v1/app/${w.app}/endpoint`, { url: 'http://127.0.0.1:9/x', channels: [NUL] })),
	refused('svix: endpoint eventTypes (filter types) with a NUL', 422, 'validation', 'body.eventTypes.0',
		(w) => call(w.gw, 'POST', `/api/v1/app/${w.app}/endpoint`, { url: 'http://127.0.0.1:9/x', eventTypes: [NUL] })),
	{
		name: 'svix: an endpoint keeps odd description and metadata values', status: 201,
		send: (w) => call(w.gw, 'POST', `/api/v1/app/${w.app}/endpoint`, { url: 'http://127.0.0.1:9/x', description: `${NUL}${LONE}${CTRL}`, metadata: { [NUL]: LONE } }),
		roundTrip: async (w, body) => {
			const ep = await read(w, `/api/v1/app/${w.app}/endpoint/${body.id}`)
			expect([ep.description, ep.metadata]).toEqual([`${NUL}${LONE}${CTRL}`, { [NUL]: LONE }])
			expect((await call(w.gw, 'DELETE', `/api/v1/app/${w.app}/endpoint/${body.id}`)).status).toBe(204)
		},
	},
	...[NUL, LONE].map((description) => refused(`svix: event type description ${JSON.stringify(description)}`, 422, 'validation', 'body.description',
		(w) => call(w.gw, 'POST', '/api/v1/event-type', { name: unique('t'), description }))),
	refused('svix: event type groupName with a NUL', 422, 'validation', 'body.groupName',
		(w) => call(w.gw, 'POST', '/api/v1/event-type', { name: unique('t'), description: 'd', groupName: NUL })),
	{
		name: 'svix: an event type patched or put with a NUL in its description is refused and kept as it was', status: 201,
		send: (w) => call(w.gw, 'POST', '/api/v1/event-type', { name: unique('kept'), description: 'before' }),
		roundTrip: async (w, body) => {
			for (const method of ['PATCH', 'PUT']) {
				const r = await call(w.gw, method, `/api/v1/event-type/${body.name}`, { description: NUL })
				expect([r.status, errorOf(await r.json())]).toEqual([422, { code: 'validation', path: 'body.description' }])
			}
			expect((await read(w, `/api/v1/event-type/${body.name}`)).description).toBe('before')
		},
	},
	refused('svix: event type name with a NUL', 422, 'validation', 'body.name', (w) => call(w.gw, 'POST', '/api/v1/event-type', { name: NUL, description: 'd' })),
	refused('svix: an event type named with %00 in the path', 404, 'not_found', undefined, (w) => call(w.gw, 'PUT', '/api/v1/event-type/a%00b', { description: 'd' })),
	{
		name: 'svix: an event type keeps control characters in its description, odd schemas and feature flags', status: 201,
		send: (w) => call(w.gw, 'POST', '/api/v1/event-type', { name: unique('odd'), description: `${CTRL}\t${LINE}`, schemas: { 1: ODD }, featureFlags: [NUL] }),
		roundTrip: async (w, body) => {
			const t = await read(w, `/api/v1/event-type/${body.name}`)
			expect([t.description, t.schemas, t.featureFlags]).toEqual([`${CTRL}\t${LINE}`, { 1: ODD }, [NUL]])
		},
	},
	refused('svix: message eventType with a NUL', 422, 'validation', 'body.eventType', (w) => call(w.gw, 'POST', `/api/v1/app/${w.app}/msg`, { eventType: NUL, payload: {} })),
	refused('svix: message eventId with a NUL', 422, 'validation', 'body.eventId', (w) => call(w.gw, 'POST', `/api/v1/app/${w.app}/msg`, { eventType: 'x', eventId: NUL, payload: {} })),
	refused('svix: message channel with a NUL', 422, 'validation', 'body.channels.0', (w) => call(w.gw, 'POST', `/api/v1/app/${w.app}/msg`, { eventType: 'x', channels: [NUL], payload: {} })),
	refused('svix: message tag with a NUL', 422, 'validation', 'body.tags.0', (w) => call(w.gw, 'POST', `/api/v1/app/${w.app}/msg`, { eventType: 'x', tags: [NUL], payload: {} })),
	{
		name: 'svix: a message payload keeps them', status: 202,
		send: (w) => call(w.gw, 'POST', `/api/v1/app/${w.app}/msg`, { eventType: 'odd.msg', payload: ODD }),
		roundTrip: async (w, body) => expect((await read(w, `/api/v1/app/${w.app}/msg/${body.id}`)).payload).toEqual(ODD),
	},
	refused('svix: a message named with %00', 404, 'not_found', undefined, (w) => call(w.gw, 'GET', `/api/v1/app/${w.app}/msg/a%00b`)),
	...['event_types', 'channel', 'tag', 'iterator'].map((key) => refused(`svix: messages filtered by a ${key} with a NUL`, 422, 'validation', `query.${key}`,
		(w) => call(w.gw, 'GET', `/api/v1/app/${w.app}/msg?${key}=a%00b`))),
	refused('svix: background tasks filtered by a task with a NUL', 422, 'validation', 'query.task', (w) => call(w.gw, 'GET', '/api/v1/background-task?task=a%00b')),
]

for (const c of cases) {
	test(c.name, async () => {
		for (const w of worlds) {
			const before = c.roundTrip ? null : await footprint(w)
			const r = await c.send(w)
			const text = await r.text()
			const body = text === '' ? null : JSON.parse(text)
			const got = { store: w.name, status: r.status, ...(c.code === undefined ? {} : errorOf(body)) }
			expect(got).toEqual({ store: w.name, status: c.status, ...(c.code === undefined ? {} : { code: c.code, path: c.path ?? null }) })
			if (c.roundTrip) await c.roundTrip(w, body)
			else expect(await footprint(w)).toBe(before!)
		}
	}, 20_000)
}
