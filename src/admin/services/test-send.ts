// "Send a test event now": one attempt through attemptDelivery, the code
// path and egress guard of real deliveries, recorded as a test job. The job is
// stored in flight, so the dispatcher never claims it, and finished with the
// attempt's outcome: never retried, left out of stats and endpoint health.
import type { z } from 'zod'
import { attemptDelivery, LEASE_MARGIN_MS } from '../../dispatch/deliver'
import { HttpError } from '../../errors'
import { acceptedTypes, invalidData, sampleEvent } from '../../envelopes'
import { newEventId } from '../../store/ids'
import type { AdminDeps } from '../deps'
import type { testInput } from '../model/endpoint'
import { findEndpoint } from './lookup'


export async function testSend(deps: AdminDeps, flowId: string, id: string, input: z.output<typeof testInput>) {
	const { view, endpoint } = findEndpoint(deps, flowId, id)
	const flow = view.withAll
	const sample = sampleEvent(flow.envelope, flow)
	const type = input.type ?? sample.type
	const data = input.data ?? sample.data
	const sessionId = input.sessionId ?? null

	// the flow's own rules still hold: a test event is one the flow could really send
	const accepted = acceptedTypes(flow)
	if (accepted && !accepted.includes(type)) throw new HttpError(422, 'unknown_event_type', `event type "${type}" is not declared by flow "${flowId}"`, { path: 'type' })
	const bad = invalidData({ flow, type, data })
	if (bad) throw new HttpError(422, 'invalid_data', bad.message, { field: bad.field, path: bad.field })

	const now = deps.now()
	const timeoutMs = deps.catalog.timeout(view.flow, endpoint)
	const stored = await deps.store.insertTestJob({
		flow: flowId,
		endpoint: id,
		event: { id: newEventId(), type, sessionId, occurredAt: null, success: true, data },
		now,
		leaseUntil: now + timeoutMs + LEASE_MARGIN_MS,
	})
	if (!stored) throw new HttpError(422, 'unknown_session', 'sessionId names no session of this flow', { path: 'sessionId' })

	const { record, outcome } = await attemptDelivery(deps.attempt, { flow: view.flow, endpoint, event: stored.event, n: 1, timeoutMs })
	const done = deps.now()
	await deps.store.complete([{ pk: stored.job.pk, attempt: record, status: outcome.ok ? 'succeeded' : 'failed', nextAttemptAt: done, now: done }])
	deps.log.info({ flow: flowId, endpoint: id, job: stored.job.id, status: outcome.status, error: outcome.error?.class ?? null }, 'test send')
	return {
		status: outcome.status,
		headers: outcome.responseHeaders,
		body: outcome.responseBody,
		durationMs: outcome.durationMs,
		...(outcome.error ? { error: outcome.error } : {}),
		jobId: stored.job.id,
		eventId: stored.event.id,
	}
}
