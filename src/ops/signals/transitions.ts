import type { EndpointStateRecord } from '../../store/types'
import type { OpsEventType } from './emit'

export interface TransitionContext {
	flow: string
	endpoint: string
	now: number
	failingAfter: number
	disableAfterMs: number
	lastError: { class: string; message: string; status: number | null } | null
	by: 'api' | 'portal' | 'config' | null
}

export interface Signal {
	type: OpsEventType
	data: Record<string, unknown>
	/** the event's `pending` (the endpoint's pending jobs now) is for the caller to fill in */
	pending?: true
}

const iso = (ms: number | null | undefined) => (ms === null || ms === undefined ? null : new Date(ms).toISOString())

/**
 * The operational events one state change means. Pure: `before` and `after`
 * come from one locked read-change-write, so across instances exactly one
 * caller gets each transition.
 */
export function transitions(before: EndpointStateRecord, after: EndpointStateRecord, ctx: TransitionContext): Signal[] {
	const { flow, endpoint } = ctx
	const out: Signal[] = []
	const wasOn = before.enabled, isOn = after.enabled
	if (wasOn && isOn && before.consecutiveFailures < ctx.failingAfter && after.consecutiveFailures >= ctx.failingAfter && after.failingSince !== null) {
		out.push({
			type: 'endpoint.failing', pending: true,
			data: {
				flow, endpoint, failingSince: iso(after.failingSince), consecutiveFailures: after.consecutiveFailures,
				lastError: ctx.lastError, pending: 0, disableAt: iso(after.failingSince + ctx.disableAfterMs),
			},
		})
	}
	if (wasOn && !isOn) {
		out.push({ type: 'endpoint.disabled', pending: true, data: { flow, endpoint, reason: after.disabledReason ?? 'disabled', disabledAt: iso(after.disabledAt ?? ctx.now), pending: 0 } })
	}
	if (!wasOn && isOn) out.push({ type: 'endpoint.enabled', data: { flow, endpoint, by: ctx.by === 'config' ? 'config' : 'api' } })
	const episode = before.episodeSince ?? null
	if (episode !== null && (after.episodeSince ?? null) === null && isOn) {
		out.push({ type: 'endpoint.recovered', data: { flow, endpoint, failingSince: iso(episode), recoveredAt: iso(ctx.now) } })
	}
	return out
}
