import { adminPlugin, grant } from '../access'
import type { AdminDeps } from '../deps'
import { doc } from '../docs'
import * as ex from '../examples'
import * as m from '../model/event'
import * as svc from '../services/events'
import { strictQuery } from '../validate'

export function eventRoutes(deps: AdminDeps) {
	return adminPlugin(deps, 'admin-events', '/admin/v1/events')
		.get('', ({ query }) => svc.listEvents(deps, query), {
			access: grant('view', 'query'),
			query: strictQuery(m.eventsQuery),
			detail: doc({
				id: 'listEvents', tag: 'events', summary: 'List events, newest first, with their jobs',
				ok: { schema: m.eventPage, description: 'one page of events', example: ex.eventPageExample },
			}),
		})
		.get('/:id', ({ params, query }) => svc.getEvent(deps, params.id, query), {
			// a portal token looks only in its own flow
			access: grant('view', 'query'),
			query: strictQuery(m.eventQuery),
			detail: doc({
				id: 'getEvent', tag: 'events', summary: 'Read an event with its job per endpoint',
				description: 'An event id is unique within a flow: when two flows hold it, name one with `flow` (409 `ambiguous_event` lists them).',
				ok: { schema: m.eventWithJobs, description: 'the event', example: ex.eventPageExample.items[0] },
				notFound: 'event', conflicts: ['ambiguous_event'],
			}),
		})
}
