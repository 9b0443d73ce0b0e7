// Message attempts: the tries of an application's jobs.
import type { SvixAttemptFilter, SvixAttemptRecord } from '../../store/svix-types'
import type { DeliveryStatus } from '../../domain'
import type { SvixMessageRecord } from '../../store/svix-types'
import { invalid, notFound, SvixError } from '../errors'
import type { Ctx, Route } from '../http'
import { attemptId, attemptPk } from '../ids'
import { listQuery, page, pageArray } from '../paging'
import type { JobRecord } from '../../store/records'
import { attemptFilter, messageFilter } from '../filters'
import { findApp, iso } from '../services/apps'
import { endpointOut, findEndpoint } from '../services/endpoints'
import { findMessage, messageOut, withContent } from '../services/messages'

function attemptOut(a: SvixAttemptRecord, content: boolean) {
	const ok = a.status !== null && a.status >= 200 && a.status < 300
	return {
		id: attemptId(a.pk), msgId: a.msgId, endpointId: a.endpoint, url: a.url,
		response: content ? (a.status === null ? a.errorMessage ?? '' : a.responseBody) : '{}',
		responseStatusCode: a.status ?? 0, responseDurationMs: a.durationMs,
		status: ok ? 0 : 2, statusText: ok ? 'success' : 'fail', triggerType: a.manual ? 1 : 0, timestamp: iso(a.startedAt),
	}
}

async function list(ctx: Ctx, app: string, scope: Omit<SvixAttemptFilter, 'limit'>) {
	const q = { ...listQuery(ctx.query, 'descending'), order: 'descending' as const }
	const narrowed = attemptFilter(ctx.query)
	if (narrowed === null) return { status: 200, body: { data: [], iterator: null, prevIterator: null, done: true } }
	const filter = { ...narrowed, ...scope }
	const got = await page<SvixAttemptRecord>(q, (a) => attemptId(a.pk), (forward, after, n) => {
		const pk = after === null ? null : attemptPk(after)
		return ctx.deps.store.svixAttempts(app, forward
			? { ...filter, belowPk: pk ?? undefined, limit: n }
			: { ...filter, abovePk: pk ?? 0, limit: n })
	})
	const content = withContent(ctx)
	const data: Array<Record<string, unknown>> = got.data.map((a) => attemptOut(a, content))
	if (ctx.query.get('with_msg') === 'true') {
		// the message without its payload, read once per message
		const msgs = new Map<string, unknown>()
		for (const id of new Set(got.data.map((a) => a.msgId))) {
			const m = await ctx.deps.store.svixMessage(app, id)
			if (m) msgs.set(id, { ...messageOut(m, false), payload: undefined })
		}
		data.forEach((d, i) => { d.msg = msgs.get(got.data[i].msgId) })
	}
	return { status: 200, body: { ...got, data } }
}

/** A job's status in Svix's words: a retry waiting counts as sending; canceled only with expanded_statuses. */
function jobStatus(j: JobRecord, expanded: boolean): { status: number; statusText: string } {
	switch (j.status) {
		case 'succeeded': return { status: 0, statusText: 'success' }
		case 'failed': return { status: 2, statusText: 'fail' }
		case 'delivering': return { status: 3, statusText: 'sending' }
		case 'cancelled': return expanded ? { status: 4, statusText: 'canceled' } : { status: 0, statusText: 'success' }
		case 'pending': return j.attemptCount > 0 ? { status: 3, statusText: 'sending' } : { status: 1, statusText: 'pending' }
	}
}

// Svix's status number as the job statuses that show it (pending and sending share 'pending')
const JOB_STATUSES: Record<string, DeliveryStatus[]> = {
	0: ['succeeded'], 1: ['pending'], 2: ['failed'], 3: ['delivering', 'pending'], 4: ['cancelled'],
}

export const attemptRoutes: Route[] = [
	{
		// the messages an endpoint was sent, newest first, with where its job stands
		method: 'GET', path: 'app/:app/endpoint/:endpoint/msg', handler: async (ctx) => {
			const { app, endpoint } = findEndpoint(ctx, ctx.params.app, ctx.params.endpoint)
			const status = ctx.query.get('status')
			if (status !== null && status !== '' && !/^[0-4]$/.test(status)) throw invalid(['query', 'status'], 'must be 0, 1, 2, 3 or 4')
			const jobFor = { endpoint: endpoint.id, statuses: status ? JOB_STATUSES[status] : undefined }
			const q = { ...listQuery(ctx.query, 'descending'), order: 'descending' as const }
			const filter = messageFilter(ctx.query)
			const got = await page<SvixMessageRecord>(q, (m) => m.id, (forward, after, n) => ctx.deps.store.svixMessages(app.id, forward
				? { below: after ?? undefined, limit: n, filter, jobFor }
				: { above: after ?? undefined, limit: n, filter, jobFor }))
			const content = withContent(ctx)
			const expanded = ctx.query.get('expanded_statuses') === 'true'
			const data = []
			for (const m of got.data) {
				const [j] = await ctx.deps.store.listJobs({ flow: app.id, endpoint: endpoint.id, eventId: m.id }, { beforePk: null, limit: 1 })
				const s = j ? jobStatus(j, expanded) : { status: 1, statusText: 'pending' }
				data.push({ ...messageOut(m, content), ...s, nextAttempt: j && j.status === 'pending' && j.nextAttemptAt !== null ? iso(j.nextAttemptAt) : null })
			}
			return { status: 200, body: { ...got, data } }
		},
	},
	{
		// the endpoints a message went to, with where its job stands
		method: 'GET', path: 'app/:app/msg/:msg/endpoint', handler: async (ctx) => {
			const app = findApp(ctx, ctx.params.app)
			const msg = await findMessage(ctx, app.id, ctx.params.msg)
			const jobs = await ctx.deps.store.listJobs({ flow: app.id, eventId: msg.id }, { beforePk: null, limit: 1000 })
			const latest = new Map<string, JobRecord>()
			for (const j of jobs) if (!latest.has(j.endpoint) || latest.get(j.endpoint)!.pk < j.pk) latest.set(j.endpoint, j)
			const rows = [...latest.values()].filter((j) => !j.test).flatMap((j) => {
				const e = ctx.deps.catalog.endpoint(app.id, j.endpoint)
				return e ? [{ e, j }] : []
			}).sort((x, y) => (x.e.id < y.e.id ? -1 : 1))
			const q = listQuery(ctx.query, 'descending')
			const got = await pageArray(q, rows, (r) => r.e.id)
			const expanded = ctx.query.get('expanded_statuses') === 'true'
			return {
				status: 200,
				body: {
					...got,
					data: got.data.map(({ e, j }) => ({
						...endpointOut(ctx, app.id, e), ...jobStatus(j, expanded),
						nextAttempt: j.status === 'pending' ? new Date(j.nextAttemptAt).toISOString() : undefined,
					})),
				},
			}
		},
	},
	{
		// a manual try, also where no job existed or one is in flight; a disabled endpoint gets none
		method: 'POST', path: 'app/:app/msg/:msg/endpoint/:endpoint/resend', handler: async (ctx) => {
			const { app, endpoint } = findEndpoint(ctx, ctx.params.app, ctx.params.endpoint)
			const msg = await findMessage(ctx, app.id, ctx.params.msg)
			if (!ctx.deps.catalog.isEnabled(app.id, endpoint)) throw new SvixError(400, 'endpoint_disabled', 'The endpoint is disabled')
			const retries = ctx.deps.catalog.retrySchedule(ctx.deps.catalog.flow(app.id)?.flow, endpoint).length
			if (await ctx.deps.store.svixResend(app.id, msg.id, endpoint.id, ctx.deps.now(), retries, ctx.answer(202, {})) === 'missing') throw notFound('Message not found')
			ctx.deps.notify()
			return { status: 202, body: {} }
		},
	},
	{
		method: 'GET', path: 'app/:app/attempt/endpoint/:endpoint', handler: async (ctx) => {
			const { app, endpoint } = findEndpoint(ctx, ctx.params.app, ctx.params.endpoint)
			return list(ctx, app.id, { endpoint: endpoint.id })
		},
	},
	{
		method: 'GET', path: 'app/:app/attempt/msg/:msg', handler: async (ctx) => {
			const app = findApp(ctx, ctx.params.app)
			const msg = await findMessage(ctx, app.id, ctx.params.msg)
			const only = ctx.query.get('endpoint_id')
			return list(ctx, app.id, only ? { msgId: msg.id, endpoint: findEndpoint(ctx, app.id, only).endpoint.id } : { msgId: msg.id })
		},
	},
	{
		method: 'GET', path: 'app/:app/msg/:msg/attempt/:attempt', handler: async (ctx) => {
			const app = findApp(ctx, ctx.params.app)
			const msg = await findMessage(ctx, app.id, ctx.params.msg)
			const pk = attemptPk(ctx.params.attempt)
			const [a] = pk === null ? [] : await ctx.deps.store.svixAttempts(app.id, { msgId: msg.id, belowPk: pk + 1, limit: 1 })
			if (!a || a.pk !== pk) throw notFound('Message attempt not found')
			return { status: 200, body: attemptOut(a, withContent(ctx)) }
		},
	},
]
