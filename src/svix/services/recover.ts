// Recover: failed jobs of one endpoint in a window go out again. The task is
// stored (running, then finished with messagesSent) and read back by id.
import type { z } from 'zod'
import type { SvixTaskRecord } from '../../store/svix-types'
import { invalid, notFound } from '../errors'
import type { Ctx } from '../http'
import { newSvixId } from '../ids'
import type { recoverIn } from '../model'
import { listQuery, page } from '../paging'
import { iso } from './apps'
import { findEndpoint } from './endpoints'

const WINDOW_MS = 14 * 86400_000 + 5 * 60_000
const CHUNK = 500

export const taskOut = (t: SvixTaskRecord) => ({ id: t.id, status: t.status, task: t.task, data: t.data, updatedAt: iso(t.updatedAt) })

export async function recover(ctx: Ctx, appIdOrUid: string, idOrUid: string, input: z.infer<typeof recoverIn>) {
	const { app, endpoint } = findEndpoint(ctx, appIdOrUid, idOrUid)
	const now = ctx.deps.now()
	const since = Date.parse(input.since)
	const until = input.until != null ? Date.parse(input.until) : now
	if (since < until - WINDOW_MS) throw invalid(['body', 'since'], 'must be at most 14 days before until')
	const task: SvixTaskRecord = { id: newSvixId('qtask'), task: 'endpoint.recover', status: 'running', data: {}, updatedAt: now }
	const body = taskOut(task)
	await ctx.deps.store.svixSaveTask(task, ctx.answer(202, body))
	// jobs created after the recovery began are left alone
	const filter = { flow: app.id, endpoint: endpoint.id, statuses: ['failed' as const], since, until: until + 1, maxPk: await ctx.deps.store.lastJobPk() }
	let sent = 0
	let after: number | null = 0
	try {
		while (after !== null) {
			const r: { replayed: number; next: number | null } = await ctx.deps.store.replayJobsChunk(filter, after, CHUNK, ctx.deps.now())
			sent += r.replayed
			after = r.next
		}
		await ctx.deps.store.svixSaveTask({ ...task, status: 'finished', data: { messagesSent: sent }, updatedAt: ctx.deps.now() }, null)
	} catch (err) {
		await ctx.deps.store.svixSaveTask({ ...task, status: 'failed', data: { messagesSent: sent }, updatedAt: ctx.deps.now() }, null).catch(() => {})
		throw err
	}
	if (sent > 0) ctx.deps.notify()
	return { status: 202, body }
}

const TASK_STATUSES = ['running', 'finished', 'failed'] as const

/** Background tasks, newest first unless `order=ascending`, narrowed by `status` and `task`. */
export async function listTasks(ctx: Ctx) {
	const q = listQuery(ctx.query, 'descending')
	const status = ctx.query.get('status') || undefined
	if (status !== undefined && !(TASK_STATUSES as readonly string[]).includes(status)) throw invalid(['query', 'status'], 'must be running, finished or failed')
	const narrow = { status: status as SvixTaskRecord['status'] | undefined, task: ctx.query.get('task') || undefined }
	const got = await page<SvixTaskRecord>(q, (t) => t.id, (forward, after, n) => {
		// forward goes to older tasks in descending order, to newer ones in ascending order
		const older = forward === (q.order === 'descending')
		return ctx.deps.store.svixTasks(older ? { ...narrow, below: after ?? undefined, limit: n } : { ...narrow, above: after ?? '', limit: n })
	})
	return { status: 200, body: { ...got, data: got.data.map(taskOut) } }
}

export async function getTask(ctx: Ctx, id: string) {
	const t = await ctx.deps.store.svixTask(id)
	if (!t) throw notFound('Background task not found')
	return { status: 200, body: taskOut(t) }
}
