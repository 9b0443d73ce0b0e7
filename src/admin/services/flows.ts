// Flows as the admin API shows them: configuration, endpoints and job counts.
import { formatDuration } from '../../config/duration'
import type { FlowView } from '../../catalog'
import type { DeliveryStatus } from '../../domain'
import type { AdminDeps } from '../deps'
import { endpointView, flowSigningView } from '../views'
import { findFlow } from './lookup'

function flowView(deps: AdminDeps, view: FlowView, counts: Array<{ flow: string; status: DeliveryStatus; count: number }>) {
	const { flow } = view
	const jobs: Record<DeliveryStatus, number> = { pending: 0, delivering: 0, succeeded: 0, failed: 0, cancelled: 0 }
	for (const r of counts) if (r.flow === flow.id) jobs[r.status] += r.count
	return {
		id: flow.id,
		name: flow.name,
		managedBy: flow.managedBy ?? 'config',
		envelope: flow.envelope.kind === 'builtin' ? flow.envelope.name : { template: flow.envelope.template },
		events: flow.events,
		retrySchedule: flow.retryScheduleMs?.map(formatDuration) ?? null,
		timeout: flow.timeoutMs === null ? null : formatDuration(flow.timeoutMs),
		signing: flowSigningView(flow),
		endpointLimit: flow.managedBy === 'svix' ? deps.catalog.config.svix.endpointsPerApp : deps.catalog.config.limits.endpointsPerFlow,
		endpoints: view.endpoints.map((e) => endpointView(deps.catalog, flow.id, e)),
		jobs,
	}
}

export async function listFlows(deps: AdminDeps) {
	const counts = await deps.store.jobCounts(null)
	return { items: deps.catalog.flowIds().map((id) => flowView(deps, deps.catalog.flow(id)!, counts)) }
}

export async function getFlow(deps: AdminDeps, flowId: string) {
	const view = findFlow(deps, flowId)
	return flowView(deps, view, await deps.store.jobCounts(flowId))
}
