import { z } from 'zod'
import { paging } from './common'
import { eventOut, jobOut } from './job'

export const eventWithJobs = eventOut.extend({ deliveries: z.array(jobOut) })
export const eventPage = z.object({ items: z.array(eventWithJobs), nextCursor: z.string().nullable() })
export const eventsQuery = z.strictObject({
	flow: z.string().min(1).optional(),
	type: z.string().min(1).optional(),
	session: z.string().min(1).optional(),
	...paging,
})
export const eventQuery = z.strictObject({
	flow: z.string().min(1).optional().describe('needed when two flows hold an event with this id'),
})
