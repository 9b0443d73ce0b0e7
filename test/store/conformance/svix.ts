// Conformance: what the Svix-compatible API keeps (applications, message
// rows, stored answers) and reads back (messages by id or eventId, attempts).
import { beforeAll, describe, expect, test } from 'bun:test'
import type { SvixStore } from '../../../src/svix/store'
import type { EndpointRegistry } from '../../../src/endpoint-registry'
import type { JobQueue } from '../../../src/dispatch/queue'
import type { Housekeeping } from '../../../src/ops/housekeeping'
import type { AdminStore } from '../../../src/admin/store'
import { IdempotencyTaken, type SvixAppRecord, type SvixNewMessage } from '../../../src/store/svix-types'
import type { DeliveryStatus, EndpointConfig } from '../../../src/domain'
import type { Harness } from './harness'
import { done, newFlow } from './values'

const app = (id: string, over: Partial<SvixAppRecord> = {}): SvixAppRecord => ({
	id, uid: null, name: 'A', metadata: { k: 'v' }, throttleRate: null, createdAt: 1000, updatedAt: 1000, ...over,
})

const msg = (appId: string, id: string, over: Partial<SvixNewMessage> = {}): SvixNewMessage => ({
	app: appId, id, eventId: null, eventType: 'order.paid', payload: { id }, channels: null, tags: null, deliverAt: null, endpoints: [], now: 1000, idem: null, ...over,
})

const endpoint = (id: string): EndpointConfig => ({
	id, url: 'http://127.0.0.1:9/x', events: null,
	signing: { scheme: 'standard-webhooks', secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', header: 'x-signature', encoding: 'base64', previous: null },
	headers: {}, body: {}, timeoutMs: null, retryScheduleMs: null, concurrency: null, rateLimit: null, enabled: true, managedBy: 'api', createdAt: 1000,
})

/** what is tested: the Svix store, with the applications the Catalog keeps, and what its jobs go through */
type Subject = SvixStore & Pick<EndpointRegistry, 'svixApps' | 'svixSaveApp' | 'svixDeleteApp' | 'svixSaveEndpoint' | 'apiEndpoints'>
	& Pick<JobQueue, 'claim' | 'complete' | 'nextDue'> & Pick<Housekeeping, 'purgeFinishedJobs' | 'purgeOrphanEvents' | 'svixPurge'> & Pick<AdminStore, 'jobCounts'>

export function svixTests(harness: () => Harness) {
	let store: Subject
	let peer: Subject
	beforeAll(() => { ({ store, peer } = harness()) })

	describe('svix', () => {
		test('two instances sending with one idempotency key at once: one message; the other is rolled back and told so', async () => {
			const a = `app_${newFlow()}`
			await store.svixSaveApp(app(a), null)
			await store.svixSaveEndpoint(a, endpoint('ep_1'), 1000, null)
			const key = `race-${a}`
			const outcomes = await Promise.allSettled([
				store.svixSendMessage(msg(a, 'msg_r1', { endpoints: ['ep_1'], idem: { key, status: 202, body: '{"id":"msg_r1"}' } })),
				peer.svixSendMessage(msg(a, 'msg_r2', { endpoints: ['ep_1'], idem: { key, status: 202, body: '{"id":"msg_r2"}' } })),
			])
			expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1)
			const lost = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult
			expect(lost.reason).toBeInstanceOf(IdempotencyTaken)
			const kept = (await store.svixAnswer(key, 0))!.body
			const other = kept.includes('msg_r1') ? 'msg_r2' : 'msg_r1'
			expect(await peer.svixMessage(a, other)).toBeNull()
			// an answer older than the replay window no longer holds the key
			expect((await store.svixSendMessage(msg(a, 'msg_r3', { idem: { key, status: 202, body: '{}' }, now: 1000 + 13 * 3600_000 }))).kind).toBe('sent')
		})

		test('an application is saved with its answer; a uid another app holds is refused and nothing is written', async () => {
			const a = `app_${newFlow()}`
			const uid = `u-${newFlow()}`
			expect(await store.svixSaveApp(app(a, { uid }), { key: `k-${a}`, status: 201, body: '{"id":1}' })).toBe('ok')
			expect((await peer.svixApps()).find((x) => x.id === a)).toEqual(app(a, { uid }))
			expect(await peer.svixAnswer(`k-${a}`, 0)).toEqual({ status: 201, body: '{"id":1}' })
			// only answers made at or after `since` are replayed
			expect(await store.svixAnswer(`k-${a}`, 2000)).toBeNull()
			const b = `app_${newFlow()}`
			expect(await store.svixSaveApp(app(b, { uid }), { key: `k-${b}`, status: 201, body: '{}' })).toBe('uid_taken')
			expect((await store.svixApps()).some((x) => x.id === b)).toBe(false)
			expect(await store.svixAnswer(`k-${b}`, 0)).toBeNull()
			expect(await store.svixSaveApp(app(a, { uid, name: 'B', updatedAt: 2000 }), null)).toBe('ok')
			expect((await store.svixApps()).find((x) => x.id === a)?.name).toBe('B')
		})

		test('a message stores event, jobs, row and answer together; a repeated eventId is refused', async () => {
			const a = `app_${newFlow()}`
			await store.svixSaveApp(app(a), null)
			await store.svixSaveEndpoint(a, endpoint('ep_1'), 1000, { key: `e-${a}`, status: 201, body: '{}' })
			expect((await peer.apiEndpoints()).some((x) => x.flow === a && x.endpoint.id === 'ep_1')).toBe(true)
			expect(await store.svixAnswer(`e-${a}`, 0)).toEqual({ status: 201, body: '{}' })
			const sent = await store.svixSendMessage(msg(a, 'msg_1', { eventId: 'evt-1', channels: ['eu'], tags: ['t'], endpoints: ['ep_1'], idem: { key: `m-${a}`, status: 202, body: '{"m":1}' } }))
			expect(sent.kind).toBe('sent')
			if (sent.kind !== 'sent') return
			expect(sent.event.deliveries.map((d) => d.endpoint)).toEqual(['ep_1'])
			expect(await peer.svixAnswer(`m-${a}`, 0)).toEqual({ status: 202, body: '{"m":1}' })
			expect(await peer.svixSendMessage(msg(a, 'msg_2', { eventId: 'evt-1' }))).toEqual({ kind: 'event_id_taken' })
			expect(await store.svixMessage(a, 'msg_2')).toBeNull()
			const byEventId = await peer.svixMessage(a, 'evt-1')
			expect(byEventId).toEqual({ app: a, id: 'msg_1', eventId: 'evt-1', eventType: 'order.paid', payload: { id: 'msg_1' }, channels: ['eu'], tags: ['t'], deliverAt: null, createdAt: 1000 })
			// the job is a normal job: claimed, completed, then an attempt of the message
			const [job] = await store.claim(a, 'ep_1', 10, 1000, 60_000)
			await store.complete([done(job, 1500)])
			const attempts = await peer.svixAttempts(a, { msgId: 'msg_1', limit: 10 })
			expect(attempts).toHaveLength(1)
			expect(attempts[0]).toMatchObject({ msgId: 'msg_1', endpoint: 'ep_1', status: 200, responseBody: 'ok', durationMs: 12, startedAt: 1500, jobStatus: 'succeeded' })
			expect(await store.svixAttempts(a, { endpoint: 'ep_1', belowPk: attempts[0].pk, limit: 10 })).toEqual([])
			expect(await store.svixAttempts(a, { endpoint: 'ep_1', abovePk: attempts[0].pk - 1, limit: 10 })).toHaveLength(1)
		})

		test('resend makes the job due again with a manual next try, or a new job when none can take it', async () => {
			const a = `app_${newFlow()}`
			await store.svixSendMessage(msg(a, 'msg_1', { endpoints: ['ep_1'] }))
			const [job] = await store.claim(a, 'ep_1', 10, 1000, 60_000)
			// in flight: a job of its own
			expect(await peer.svixResend(a, 'msg_1', 'ep_1', 1100, 7, { key: `rs-${a}`, status: 202, body: '{}' })).toBe('queued')
			expect(await store.svixAnswer(`rs-${a}`, 0)).toEqual({ status: 202, body: '{}' })
			const [second] = await store.claim(a, 'ep_1', 10, 1200, 60_000)
			expect(second.pk).not.toBe(job.pk)
			// its one try already lies past the 7 retries of the schedule: a failure is final
			expect(second.attemptCount - second.scheduleBase).toBe(7)
			await store.complete([done(job, 1300), done(second, 1300)])
			// finished: the latest job again
			expect(await peer.svixResend(a, 'msg_1', 'ep_1', 1400, 7, null)).toBe('queued')
			const [again] = await store.claim(a, 'ep_1', 10, 1500, 60_000)
			expect(again.pk).toBe(second.pk)
			expect(again.attemptCount - again.scheduleBase).toBe(7)
			await store.complete([done(again, 1600)])
			// no job for that endpoint yet: a new one
			expect(await store.svixResend(a, 'msg_1', 'ep_2', 1700, 7, null)).toBe('queued')
			expect(await store.svixResend(a, 'msg_9', 'ep_1', 1700, 7, null)).toBe('missing')
			const tries = await peer.svixAttempts(a, { msgId: 'msg_1', limit: 10 })
			expect(tries.map((t) => [t.startedAt, t.manual])).toEqual([[1600, true], [1300, true], [1300, false]])
		})

		test('a message to deliver later: its jobs wait until then', async () => {
			const a = `app_${newFlow()}`
			await store.svixSendMessage(msg(a, 'msg_1', { endpoints: ['ep_1'], deliverAt: 90_000 }))
			expect((await peer.svixMessage(a, 'msg_1'))?.deliverAt).toBe(90_000)
			expect(await store.claim(a, 'ep_1', 10, 1000, 60_000)).toEqual([])
			expect(await peer.nextDue(a, 'ep_1')).toBe(90_000)
			expect(await store.claim(a, 'ep_1', 10, 90_000, 150_000)).toHaveLength(1)
		})

		test('messages with a job for an endpoint, optionally in given statuses, with the other filters', async () => {
			const a = `app_${newFlow()}`
			await store.svixSendMessage(msg(a, 'msg_1', { endpoints: ['ep_1', 'ep_2'], now: 1000 }))
			await store.svixSendMessage(msg(a, 'msg_2', { endpoints: ['ep_1'], channels: ['eu'], now: 2000 }))
			await store.svixSendMessage(msg(a, 'msg_3', { endpoints: ['ep_2'], now: 3000 }))
			const ids = async (jobFor: { endpoint: string; statuses?: DeliveryStatus[] }, filter: object = {}) => (await peer.svixMessages(a, { limit: 10, filter, jobFor })).map((m) => m.id)
			expect(await ids({ endpoint: 'ep_1' })).toEqual(['msg_2', 'msg_1'])
			expect(await ids({ endpoint: 'ep_2' })).toEqual(['msg_3', 'msg_1'])
			expect(await ids({ endpoint: 'ep_1' }, { channel: 'eu' })).toEqual(['msg_2'])
			expect((await peer.svixMessages(a, { limit: 10, below: 'msg_2', jobFor: { endpoint: 'ep_1' } })).map((m) => m.id)).toEqual(['msg_1'])
			expect((await peer.svixMessages(a, { limit: 10, above: 'msg_1', jobFor: { endpoint: 'ep_2' } })).map((m) => m.id)).toEqual(['msg_3'])
			const jobs = await store.claim(a, 'ep_1', 10, 4000, 60_000)
			await store.complete(jobs.map((j) => done(j, 4100)))
			expect(await ids({ endpoint: 'ep_1', statuses: ['succeeded'] })).toEqual(['msg_2', 'msg_1'])
			expect(await ids({ endpoint: 'ep_2', statuses: ['succeeded'] })).toEqual([])
			expect(await ids({ endpoint: 'ep_2', statuses: ['pending', 'delivering'] })).toEqual(['msg_3', 'msg_1'])
			expect(await ids({ endpoint: 'ep_9' })).toEqual([])
		})

		test('message and attempt lists narrow by channel, tag, type, time, outcome and status class', async () => {
			const a = `app_${newFlow()}`
			await store.svixSendMessage(msg(a, 'msg_1', { channels: ['eu', 'us'], tags: ['a/b'], endpoints: ['ep_1'], now: 1000 }))
			await store.svixSendMessage(msg(a, 'msg_2', { eventType: 'order.new', channels: ['eu:x'], endpoints: ['ep_1'], now: 2000 }))
			await store.svixSendMessage(msg(a, 'msg_3', { endpoints: ['ep_1'], now: 3000 }))
			const ids = async (filter: object) => (await peer.svixMessages(a, { limit: 10, filter })).map((m) => m.id)
			expect(await ids({ channel: 'eu' })).toEqual(['msg_1'])
			expect(await ids({ tag: 'a/b' })).toEqual(['msg_1'])
			expect(await ids({ eventTypes: ['order.new'] })).toEqual(['msg_2'])
			expect(await ids({ after: 1000, before: 3000 })).toEqual(['msg_2'])
			expect(await ids({})).toEqual(['msg_3', 'msg_2', 'msg_1'])
			const jobs = await store.claim(a, 'ep_1', 10, 4000, 60_000)
			const byMsg = new Map(jobs.map((j) => [j.pk, j]))
			expect(byMsg.size).toBe(3)
			const [j1, j2, j3] = [...byMsg.values()].sort((x, y) => x.pk - y.pk)
			await store.complete([
				done(j1, 5000),
				{ ...done(j2, 6000), attempt: { ...done(j2, 6000).attempt, status: 503 }, status: 'failed' as const },
				{ ...done(j3, 7000), attempt: { ...done(j3, 7000).attempt, status: null, error: { class: 'connect' as const, message: 'refused' } }, status: 'failed' as const },
			])
			const tries = async (f: object) => (await peer.svixAttempts(a, { endpoint: 'ep_1', limit: 10, ...f })).map((t) => t.msgId)
			expect(await tries({ succeeded: true })).toEqual(['msg_1'])
			expect(await tries({ succeeded: false })).toEqual(['msg_3', 'msg_2'])
			expect(await tries({ statusClass: 500 })).toEqual(['msg_2'])
			expect(await tries({ statusClass: 0 })).toEqual(['msg_3'])
			expect(await tries({ channel: 'eu' })).toEqual(['msg_1'])
			expect(await tries({ after: 5000 })).toEqual(['msg_3', 'msg_2'])
		})

		test('messages page by id both ways', async () => {
			const a = `app_${newFlow()}`
			for (let i = 0; i < 5; i++) await store.svixSendMessage(msg(a, `msg_${i}`))
			expect((await peer.svixMessages(a, { limit: 2 })).map((m) => m.id)).toEqual(['msg_4', 'msg_3'])
			expect((await peer.svixMessages(a, { below: 'msg_3', limit: 2 })).map((m) => m.id)).toEqual(['msg_2', 'msg_1'])
			expect((await peer.svixMessages(a, { above: 'msg_1', limit: 2 })).map((m) => m.id)).toEqual(['msg_2', 'msg_3'])
		})

		test('event types: saved with the answer, replaced by name, removed', async () => {
			const name = `t.${newFlow()}`
			const t = { name, description: 'd', archived: false, deprecated: false, schemas: { 1: { examples: [{ a: 1 }] } }, groupName: null, featureFlags: ['f'], createdAt: 1000, updatedAt: 1000 }
			await store.svixSaveEventType(t, { key: `t-${name}`, status: 201, body: '{}' })
			expect((await peer.svixEventTypes()).find((x) => x.name === name)).toEqual(t)
			expect(await peer.svixAnswer(`t-${name}`, 0)).toEqual({ status: 201, body: '{}' })
			await store.svixSaveEventType({ ...t, archived: true, updatedAt: 2000 }, null)
			expect((await peer.svixEventTypes()).find((x) => x.name === name)).toMatchObject({ archived: true, createdAt: 1000, updatedAt: 2000 })
			await peer.svixDeleteEventType(name)
			expect((await store.svixEventTypes()).some((x) => x.name === name)).toBe(false)
		})

		test('background tasks are saved with their answer and read back by id', async () => {
			const id = `qtask_${newFlow()}`
			await store.svixSaveTask({ id, task: 'endpoint.recover', status: 'running', data: {}, updatedAt: 1000 }, { key: `q-${id}`, status: 202, body: '{}' })
			expect(await peer.svixAnswer(`q-${id}`, 0)).toEqual({ status: 202, body: '{}' })
			await peer.svixSaveTask({ id, task: 'endpoint.recover', status: 'finished', data: { messagesSent: 2 }, updatedAt: 2000 }, null)
			expect(await store.svixTask(id)).toEqual({ id, task: 'endpoint.recover', status: 'finished', data: { messagesSent: 2 }, updatedAt: 2000 })
			expect(await store.svixTask('qtask_none')).toBeNull()
		})

		test('background tasks page by id both ways and narrow by status and task', async () => {
			const p = `qtask_${newFlow()}`
			for (const [i, status] of (['finished', 'running', 'finished'] as const).entries()) {
				await store.svixSaveTask({ id: `${p}_${i}`, task: 'endpoint.recover', status, data: {}, updatedAt: 30_000 + i }, null)
			}
			const mine = (ts: Array<{ id: string }>) => ts.map((t) => t.id).filter((id) => id.startsWith(p))
			expect(mine(await peer.svixTasks({ below: `${p}_3`, limit: 3 }))).toEqual([`${p}_2`, `${p}_1`, `${p}_0`])
			expect(mine(await peer.svixTasks({ below: `${p}_2`, limit: 1 }))).toEqual([`${p}_1`])
			expect(mine(await peer.svixTasks({ above: `${p}_0`, limit: 2 }))).toEqual([`${p}_1`, `${p}_2`])
			expect(mine(await peer.svixTasks({ below: `${p}_3`, limit: 3, status: 'finished' }))).toEqual([`${p}_2`, `${p}_0`])
			expect(mine(await peer.svixTasks({ below: `${p}_3`, limit: 3, task: 'endpoint.replay' }))).toEqual([])
		})

		test('retention removes old answers and rows whose event or job is gone', async () => {
			const a = `app_${newFlow()}`
			await store.svixSendMessage(msg(a, 'msg_1', { endpoints: ['ep_1'], idem: { key: `old-${a}`, status: 202, body: '{}' }, now: 1000 }))
			await store.svixSendMessage(msg(a, 'msg_2', { endpoints: ['ep_1'], idem: { key: `new-${a}`, status: 202, body: '{}' }, now: 50_000 }))
			const jobs = await store.claim(a, 'ep_1', 10, 60_000, 120_000)
			await store.complete(jobs.map((j) => done(j, 61_000)))
			await store.svixResend(a, 'msg_1', 'ep_1', 62_000, 7, null)
			const again = await store.claim(a, 'ep_1', 10, 63_000, 120_000)
			await store.complete(again.map((j) => done(j, 64_000)))
			// jobs and events of the app go, as retention takes them
			await store.purgeFinishedJobs(10_000_000, 1000)
			await store.purgeOrphanEvents(10_000_000, null, 1000)
			expect(await store.svixPurge(10_000, 0)).toBeGreaterThanOrEqual(2)
			expect(await peer.svixAnswer(`old-${a}`, 0)).toBeNull()
			expect(await peer.svixAnswer(`new-${a}`, 0)).not.toBeNull()
			expect(await peer.svixMessages(a, { limit: 10 })).toEqual([])
		})

		test('retention removes background tasks last changed before its cutoff, keeps newer ones', async () => {
			const old = `qtask_${newFlow()}`
			const recent = `qtask_${newFlow()}`
			await store.svixSaveTask({ id: old, task: 'endpoint.recover', status: 'finished', data: { messagesSent: 1 }, updatedAt: 5_000 }, null)
			await store.svixSaveTask({ id: recent, task: 'endpoint.recover', status: 'finished', data: { messagesSent: 1 }, updatedAt: 20_000 }, null)
			expect(await store.svixPurge(0, 10_000)).toBeGreaterThanOrEqual(1)
			expect(await peer.svixTask(old)).toBeNull()
			expect(await peer.svixTask(recent)).not.toBeNull()
		})

		test('deleting an application removes its endpoints and cancels its pending jobs', async () => {
			const a = `app_${newFlow()}`
			await store.svixSaveApp(app(a), null)
			await store.svixSaveEndpoint(a, endpoint('ep_1'), 1000, null)
			await store.svixSendMessage(msg(a, 'msg_1', { endpoints: ['ep_1'] }))
			expect(await store.svixDeleteApp(a, 2000)).toBe(1)
			expect((await peer.svixApps()).some((x) => x.id === a)).toBe(false)
			expect((await peer.apiEndpoints()).some((x) => x.flow === a)).toBe(false)
			expect((await peer.jobCounts(a)).find((c) => c.status === 'cancelled')?.count).toBe(1)
		})
	})
}
