import { Elysia } from 'elysia'
import { adminGuard } from '../auth'
import type { AdminDeps } from '../deps'
import { doc } from '../docs'
import * as ex from '../examples'
import * as m from '../model/event'
import * as svc from '../services/events'
import { strictQuery } from '../validate'

export function eventRoutes(deps: AdminDeps) {
	return new Elysia({ name: 'admin-events', prefix: '/admin/v1/events' })
		.onTransform(adminGuard(deps.catalog))
		.get('', ({ query }) => svc.listEvents(deps, query), {
			query: strictQuery(m.eventsQuery),
			detail: doc({
				id: 'listEvents', tag: 'events', summary: 'List events, newest first, with their jobs',
				ok: { schema: m.eventPage, description: 'one page of events', example: ex.eventPageExample },
			}),
		})
		.get('/:id', ({ params, query }) => svc.getEvent(deps, params.id, query), {
			query: strictQuery(m.eventQuery),
			detail: doc({
				id: 'getEvent', tag: 'events', summary: 'Read an event with its job per endpoint',
				description: 'An event id is unique within a flow: when two flows hold it, name one with `flow` (409 `ambiguous_event` lists them).',
				ok: { schema: m.eventWithJobs, description: 'the event', example: ex.eventPageExample.items[0] },
				notFound: 'event', conflicts: ['ambiguous_event'],
			}),
		})
}
