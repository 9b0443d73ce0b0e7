import type { Completion, IngestedEvent } from '../store/types'
import type { Logger } from './log'

export interface AttemptIds {
	delivery: string
	event: string
}

// One line per finished try, with the ids an operator greps for. Never the
// URL (its query may carry a key), headers or bodies: those hold secrets and
// payloads, and the admin API shows them redacted to those allowed to see them.
export function logAttempt(log: Logger, flow: string, endpoint: string, c: Completion, ids?: AttemptIds) {
	const a = c.attempt
	const level = c.status === 'succeeded' ? 'debug' : c.status === 'failed' ? 'warn' : 'info'
	if (!log.isLevelEnabled(level)) return
	const fields = {
		flow, endpoint, event: ids?.event, delivery: ids?.delivery, attempt: a.n, status: a.status, durationMs: a.durationMs,
		error: a.error ? { class: a.error.class, message: a.error.message } : undefined,
		...(c.status === 'pending' ? { nextAttemptAt: new Date(c.nextAttemptAt).toISOString() } : {}),
	}
	const msg = c.status === 'succeeded' ? 'delivered' : c.status === 'failed' ? 'delivery failed; no tries left' : 'attempt failed; will retry'
	log[level](fields, msg)
}

/** store.onCommitted: a debug line per new event (ids only, never data). */
export function logAccepted(log: Logger, events: IngestedEvent[]) {
	if (!log.isLevelEnabled('debug')) return
	for (const e of events) {
		if (!e.stored) continue
		log.debug({ flow: e.stored.flow, event: e.id, type: e.stored.type, deliveries: e.deliveries.map((d) => d.id) }, 'event accepted')
	}
}
