// Jobs through the admin API: list, detail, replay, cancel and bulk replay.
import type { z } from 'zod'
import type { DeliveryStatus, Route } from '../../domain'
import { notFound } from '../../errors'
import { routeFor } from '../../envelopes'
import type { JobRecord } from '../../store/records'
import type { AdminDeps } from '../deps'
import type { bulkReplayInput, jobsQuery } from '../model/job'
import { attemptView, eventView, isPlatformAction, jobView } from '../views'
import { conflict, findEndpoint, findFlow } from './lookup'
import { DEFAULT_LIMIT, decodeCursor, ms, page } from './paging'

/** Rows per bulk-replay transaction: short enough that ingest waits at most a few ms. */
const REPLAY_CHUNK = 500

/** Jobs as JSON; platform-action jobs need their event's data for `route`. */
export async function jobViews(deps: AdminDeps, jobs: JobRecord[]) {
	const pks = [...new Set(jobs.filter((j) => isPlatformAction(deps.catalog.flow(j.flow)?.flow)).map((j) => j.eventPk))]
	const events = pks.length > 0 ? await deps.store.events(pks) : new Map()
	return jobs.map((j) => {
		const e = events.get(j.eventPk)
		const route: Route | null = e ? routeFor(e.type, e.data) : null
		return jobView(deps.catalog, j, route)
	})
}

export async function listJobs(deps: AdminDeps, q: z.output<typeof jobsQuery>) {
	const limit = q.limit ?? DEFAULT_LIMIT
	const rows = await deps.store.listJobs({
		flow: q.flow,
		endpoint: q.endpoint,
		statuses: q.status?.split(',') as DeliveryStatus[] | undefined,
		type: q.type,
		sessionId: q.session,
		eventId: q.event,
		since: ms(q.since),
		until: ms(q.until),
		updatedSince: ms(q.updatedSince),
	}, { beforePk: decodeCursor('j', q.cursor), limit: limit + 1 })
	const p = page('j', rows, limit)
	return { items: await jobViews(deps, p.rows), nextCursor: p.nextCursor }
}

async function jobOr404(deps: AdminDeps, id: string): Promise<JobRecord> {
	const job = await deps.store.getJob(id)
	if (!job) throw notFound('job')
	return job
}

export async function jobDetail(deps: AdminDeps, id: string) {
	const job = await jobOr404(deps, id)
	const [attempts, events] = await Promise.all([deps.store.jobAttempts(job.pk), deps.store.events([job.eventPk])])
	const event = eventView(deps.catalog, events.get(job.eventPk)!)
	return {
		...jobView(deps.catalog, job, event.route),
		url: deps.catalog.endpoint(job.flow, job.endpoint)?.url ?? null,
		event,
		attempts: attempts.map(attemptView),
	}
}

export async function replayJob(deps: AdminDeps, id: string) {
	const r = await deps.store.replayJob(id, deps.now())
	if (r.kind === 'missing') throw notFound('job')
	if (r.kind === 'refused') throw conflict('job_in_flight', 'the job is being delivered now; replay it when the attempt has finished')
	deps.dispatcher.notify()
	return (await jobViews(deps, [r.job]))[0]
}

export async function cancelJob(deps: AdminDeps, id: string) {
	const r = await deps.store.cancelJob(id, deps.now())
	if (r.kind === 'missing') throw notFound('job')
	if (r.kind === 'refused') throw conflict('job_finished', `the job has already finished (${r.job.status})`)
	return (await jobViews(deps, [r.job]))[0]
}

/**
 * Replays every matching job that existed when the call began, in chunks of
 * one short transaction each, yielding between them so ingest and the
 * dispatcher keep going. Test jobs and jobs in flight are left alone.
 */
export async function bulkReplay(deps: AdminDeps, input: z.output<typeof bulkReplayInput>) {
	findFlow(deps, input.flow)
	if (input.endpoint !== undefined) findEndpoint(deps, input.flow, input.endpoint)
	const now = deps.now()
	const filter = {
		flow: input.flow,
		endpoint: input.endpoint,
		statuses: input.status ? [input.status as DeliveryStatus] : undefined,
		since: Date.parse(input.since),
		until: input.until !== undefined ? Date.parse(input.until) : now + 1,
		maxPk: await deps.store.lastJobPk(),
	}
	let replayed = 0
	let after: number | null = 0
	while (after !== null) {
		const chunk = await deps.store.replayJobsChunk(filter, after, REPLAY_CHUNK, deps.now())
		replayed += chunk.replayed
		after = chunk.next
		if (chunk.replayed > 0) deps.dispatcher.notify()
		await new Promise((resolve) => setImmediate(resolve))
	}
	if (replayed > 0) deps.dispatcher.notify()
	deps.log.info({ ...filter, replayed }, 'bulk replay')
	return { replayed }
}
