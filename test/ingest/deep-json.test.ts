import { afterAll, beforeAll, expect, test } from 'bun:test'
import { configYaml, startTestGateway, type TestGateway } from '../support/gateway'

// A deep body once reached the group commit, where JSON.stringify's RangeError
// rolled back other flows' events: it must be refused at the door.
let gw: TestGateway
beforeAll(async () => {
	gw = await startTestGateway(configYaml(`  - id: deep
    name: Deep
    envelope: standard
    ingestTokens: [test-ingest-token]
  - id: calm
    name: Calm
    envelope: standard
    ingestTokens: [calm-token]
`))
})
afterAll(() => gw.stop())

const nestedData = (levels: number) => '{"a":'.repeat(levels) + '1' + '}'.repeat(levels)
/** An event whose body nests `levels` levels: the event object, then `data` and what it holds. */
const eventText = (id: string, levels: number) => `{"id":"${id}","type":"t","data":${nestedData(levels - 1)}}`
const errorOf = async (res: Response) => ((await res.json()) as { error: { code: string; message: string } }).error

test('an event nesting 64 levels is accepted, 65 is 400 invalid_event', async () => {
	expect((await gw.post('/v1/flows/deep/events', null, { raw: eventText('d-64', 64) })).status).toBe(202)
	const res = await gw.post('/v1/flows/deep/events', null, { raw: eventText('d-65', 65) })
	expect(res.status).toBe(400)
	expect(await errorOf(res)).toEqual({ code: 'invalid_event', message: 'body nests more than 64 levels deep' })
})

test('40,000 levels, single or batch, twice: 400 each time, nothing stored, other flows unharmed', async () => {
	for (let round = 0; round < 2; round++) {
		const single = await gw.post('/v1/flows/deep/events', null, { raw: eventText('d-40k', 40_000) })
		expect(single.status).toBe(400)
		expect((await errorOf(single)).code).toBe('invalid_event')
		const batch = await gw.post('/v1/flows/deep/events/batch', null, { raw: `{"events":[${eventText('d-40k-b', 40_000)}]}` })
		expect(batch.status).toBe(400)
		expect((await errorOf(batch)).code).toBe('invalid_event')
		const calm = await gw.post('/v1/flows/calm/events', { type: 't', data: { n: round } }, { token: 'calm-token' })
		expect(calm.status).toBe(202)
	}
	const read = await fetch(`${gw.url}/admin/v1/events?flow=deep`, { headers: { authorization: 'Bearer test-admin-token' } })
	const ids = ((await read.json()) as { items: Array<{ id: string }> }).items.map((e) => e.id)
	expect(ids).toEqual(['d-64'])
})

test('sessions: deep metadata is 400 invalid_request on create and on patch', async () => {
	const create = await gw.post('/v1/flows/deep/sessions', null, { raw: `{"id":"s-1","metadata":${nestedData(40_000)}}` })
	expect(create.status).toBe(400)
	expect(await errorOf(create)).toEqual({ code: 'invalid_request', message: 'body nests more than 64 levels deep' })
	expect((await gw.post('/v1/flows/deep/sessions', { id: 's-1', metadata: {} })).status).toBe(201)
	const patch = await gw.post('/v1/flows/deep/sessions/s-1', null, { method: 'PATCH', raw: `{"metadata":${nestedData(40_000)}}` })
	expect(patch.status).toBe(400)
	expect((await errorOf(patch)).code).toBe('invalid_request')
})

test('text that is not JSON is still malformed_json', async () => {
	const res = await gw.post('/v1/flows/deep/events', null, { raw: '{"type": oops}' })
	expect((await errorOf(res)).code).toBe('malformed_json')
})
