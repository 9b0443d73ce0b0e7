// Events with the jobs they fanned out to.
import type { z } from 'zod'
import type { StoredEvent } from '../../domain'
import { notFound } from '../../errors'
import type { AdminDeps } from '../deps'
import type { eventQuery, eventsQuery } from '../model/event'
import { eventView } from '../views'
import { jobViews } from './jobs'
import { conflict } from './lookup'
import { DEFAULT_LIMIT, decodeCursor, page } from './paging'

async function withJobs(deps: AdminDeps, events: Array<StoredEvent & { pk: number }>) {
	const jobs = await jobViews(deps, await deps.store.jobsOfEvents(events.map((e) => e.pk)))
	const byEvent = new Map<string, typeof jobs>()
	for (const j of jobs) {
		const k = `${j.flow}\u0000${j.eventId}`
		byEvent.set(k, [...(byEvent.get(k) ?? []), j])
	}
	return events.map((e) => ({ ...eventView(deps.catalog, e), deliveries: byEvent.get(`${e.flow}\u0000${e.id}`) ?? [] }))
}

export async function listEvents(deps: AdminDeps, q: z.output<typeof eventsQuery>) {
	const limit = q.limit ?? DEFAULT_LIMIT
	const rows = await deps.store.listEvents(
		{ flow: q.flow, type: q.type, sessionId: q.session },
		{ beforePk: decodeCursor('e', q.cursor), limit: limit + 1 },
	)
	const p = page('e', rows, limit)
	return { items: await withJobs(deps, p.rows), nextCursor: p.nextCursor }
}

/** An event id is unique within a flow only: without `flow`, two holders make the question ambiguous. */
export async function getEvent(deps: AdminDeps, id: string, q: z.output<typeof eventQuery>) {
	const found = await deps.store.findEvents(id, q.flow ?? null)
	if (found.length === 0) throw notFound('event')
	if (found.length > 1) {
		const flows = found.map((e) => e.flow)
		throw conflict('ambiguous_event', `flows ${flows.join(', ')} each hold an event with this id: name one with ?flow=`, { flows })
	}
	return (await withJobs(deps, found))[0]
}
