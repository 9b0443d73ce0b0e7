import type { EndpointStateRecord } from '../store/types'
import type { AttemptErrorClass } from '../domain'

export interface AttemptResult {
	ok: boolean
	status: number | null
	errorClass: AttemptErrorClass | null
	errorMessage: string | null
	/** the event's values made the try fail (a blocked address they chose, a URL they cannot fill): says nothing of the endpoint */
	producerFault?: boolean
}

export interface HealthChange {
	state: EndpointStateRecord
	changed: boolean
	/** set when this attempt disabled the endpoint */
	disabled: string | null
}

// What one attempt does to its endpoint's health. Pure: the dispatcher persists.
// An episode (episodeSince) opens when health turns failing (`failingAfter`
// failures in a row) or the endpoint is disabled, and the first success closes
// it, even after an enable that reset the counts: that is endpoint.recovered.
export function afterAttempt(s: EndpointStateRecord, r: AttemptResult, now: number, disableAfterMs: number, failingAfter = Infinity): HealthChange {
	if (!r.ok && r.producerFault) return { state: s, changed: false, disabled: null }
	const episode = s.episodeSince ?? null
	if (r.ok) {
		if (s.consecutiveFailures === 0 && s.failingSince === null && episode === null) return { state: s, changed: false, disabled: null }
		return { state: { ...s, consecutiveFailures: 0, failingSince: null, ...(episode !== null ? { episodeSince: null } : {}), updatedAt: now }, changed: true, disabled: null }
	}
	const failed = { ...s, consecutiveFailures: s.consecutiveFailures + 1, failingSince: s.failingSince ?? now, updatedAt: now }
	if (episode === null && failed.consecutiveFailures >= failingAfter) failed.episodeSince = failed.failingSince
	let reason: string | null = null
	if (r.status === 410) reason = 'the receiver answered 410 Gone'
	else if (r.errorClass === 'blocked') reason = `egress guard refused the address: ${r.errorMessage ?? 'blocked'}`
	else if (now - failed.failingSince >= disableAfterMs) reason = `failing continuously since ${new Date(failed.failingSince).toISOString()}`
	if (reason === null || !s.enabled) return { state: failed, changed: true, disabled: null }
	return { state: { ...failed, enabled: false, disabledReason: reason, disabledAt: now, episodeSince: failed.episodeSince ?? failed.failingSince }, changed: true, disabled: reason }
}

export type JobVerdict = { status: 'succeeded' | 'failed' } | { status: 'pending'; delayMs: number }

/** What a job becomes after a try: done, or pending again after a delay. */
export function verdict(r: AttemptResult, test: boolean, delay: () => number | null): JobVerdict {
	if (r.ok) return { status: 'succeeded' }
	// the same values would fail the same way on every retry
	if (test || r.status === 410 || r.producerFault) return { status: 'failed' }
	const d = delay()
	return d === null ? { status: 'failed' } : { status: 'pending', delayMs: d }
}
