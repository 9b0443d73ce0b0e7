import { adminPlugin, grant } from '../access'
import { adminBody } from '../auth'
import type { AdminDeps } from '../deps'
import { doc } from '../docs'
import * as ex from '../examples'
import { noInput } from '../model/common'
import * as m from '../model/job'
import * as svc from '../services/jobs'
import { strictQuery, validate } from '../validate'

const noQuery = strictQuery(noInput)

export function jobRoutes(deps: AdminDeps) {
	const body = adminBody(deps, false)
	const action = adminBody(deps, true)
	return adminPlugin(deps, 'admin-jobs', '/admin/v1/jobs')
		.get('', ({ query }) => svc.listJobs(deps, query), {
			access: grant('view', 'query'),
			query: strictQuery(m.jobsQuery),
			detail: doc({
				id: 'listJobs', tag: 'jobs', summary: 'List jobs, newest first',
				description: 'Deliveries matching every filter given, newest first. Page with `nextCursor`: pages are stable while new jobs arrive (none is skipped or repeated). Poll with `updatedSince` to see new and changed jobs.',
				ok: { schema: m.jobPage, description: 'one page of jobs', example: ex.jobPageExample },
			}),
		})
		.post('/replay', async ({ body: raw }) => svc.bulkReplay(deps, validate(m.bulkReplayInput, raw)), {
			access: grant('replay', 'body'),
			query: noQuery,
			parse: [body, 'json'],
			detail: doc({
				id: 'bulkReplayJobs', tag: 'jobs', summary: 'Replay many jobs',
				description: 'Replays the jobs of a flow (and endpoint, status) created in a time range, as they were when the call began: each starts a fresh retry schedule, due now. Jobs in flight and test jobs are left alone. Runs in short chunks, so ingest is never held up.',
				body: { schema: m.bulkReplayInput, example: { flow: 'onboarding', endpoint: 'crm', status: 'failed', since: '2026-03-14T00:00:00Z' } },
				ok: { schema: m.bulkReplayed, description: 'how many jobs were replayed', example: { replayed: 1289 } },
				notFound: 'flow or endpoint',
			}),
		})
		.get('/:id', ({ params }) => svc.jobDetail(deps, params.id), {
			access: grant('view', 'job'),
			query: noQuery,
			detail: doc({
				id: 'getJob', tag: 'jobs', summary: 'Read a job with its event and every attempt',
				ok: { schema: m.jobDetail, description: 'the job', example: ex.jobDetailExample },
				notFound: 'job',
			}),
		})
		.post('/:id/replay', ({ params, body: raw }) => {
			validate(noInput, raw)
			return svc.replayJob(deps, params.id)
		}, {
			access: grant('replay', 'job'),
			query: noQuery,
			parse: [action, 'json'],
			detail: doc({
				id: 'replayJob', tag: 'jobs', summary: 'Try a job again now',
				description: 'Same event, same `webhook-id`; the run number goes on and a fresh retry schedule starts.',
				body: { schema: noInput, action: true },
				ok: { schema: m.jobOut, description: 'the job, pending and due now', example: { ...ex.jobExample, status: 'pending' } },
				notFound: 'job', conflicts: ['job_in_flight'],
			}),
		})
		.post('/:id/cancel', ({ params, body: raw }) => {
			validate(noInput, raw)
			return svc.cancelJob(deps, params.id)
		}, {
			access: grant('replay', 'job'),
			query: noQuery,
			parse: [action, 'json'],
			detail: doc({
				id: 'cancelJob', tag: 'jobs', summary: 'Stop trying a job',
				body: { schema: noInput, action: true },
				ok: { schema: m.jobOut, description: 'the job, cancelled', example: { ...ex.jobExample, status: 'cancelled', nextAttemptAt: null } },
				notFound: 'job', conflicts: ['job_finished'],
			}),
		})
}
