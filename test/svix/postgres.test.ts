// The same SDK calls with the binary on PostgreSQL: an application, its
// endpoint, a verified delivery, idempotency and paging work there alike.
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { Webhook } from 'svix'
import { createTempDatabase, type TempDatabase } from '../support/postgres'
import { arrived, startHarness, type Harness } from './harness'

let db: TempDatabase
let h: Harness
beforeAll(async () => {
	db = await createTempDatabase()
	h = await startHarness('', `  postgres: { url: "${db.url}", poolSize: 4 }\n`)
}, 180_000)
afterAll(async () => {
	await h?.stop()
	await db?.drop()
})

test('on PostgreSQL: app, endpoint, a verified delivery, one message per idempotency key, paging back and forth', async () => {
	const app = await h.svix.application.create({ name: 'On PG', uid: 'pg-app' })
	expect((await h.svix.application.getOrCreate({ name: 'x', uid: 'pg-app' })).id).toBe(app.id)
	const ep = await h.svix.endpoint.create(app.id, { url: `${h.receiver.url}/pg` })
	const { key } = await h.svix.endpoint.getSecret(app.id, ep.id)
	const m = await h.svix.message.create(app.id, { eventType: 'pg', payload: { on: 'pg' } }, { idempotencyKey: 'pg-1' })
	expect((await h.svix.message.create(app.id, { eventType: 'pg', payload: { on: 'pg' } }, { idempotencyKey: 'pg-1' })).id).toBe(m.id)
	const [d] = await arrived(h.receiver.got, (r) => r.headers['svix-id'] === m.id)
	new Webhook(key).verify(d.body, d.headers)
	for (let i = 0; i < 4; i++) await h.svix.message.create(app.id, { eventType: 'pg', payload: { i } })
	const first = await h.svix.message.list(app.id, { limit: 2 })
	const second = await h.svix.message.list(app.id, { limit: 2, iterator: first.iterator })
	const third = await h.svix.message.list(app.id, { limit: 2, iterator: second.iterator })
	expect(third.done).toBe(true)
	const all = [...first.data, ...second.data, ...third.data].map((x) => x.id)
	expect(new Set(all).size).toBe(5)
	const back = await h.svix.message.list(app.id, { limit: 2, iterator: third.prevIterator })
	expect(back.data.map((x) => x.id)).toEqual(second.data.map((x) => x.id))
	let tries = await h.svix.messageAttempt.listByMsg(app.id, m.id)
	for (let i = 0; i < 80 && tries.data.length < 1; i++) { await Bun.sleep(25); tries = await h.svix.messageAttempt.listByMsg(app.id, m.id) }
	expect(tries.data[0]).toMatchObject({ msgId: m.id, endpointId: ep.id, status: 0 })
}, 30_000)
