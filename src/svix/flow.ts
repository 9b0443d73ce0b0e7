// A Svix application as the rest of hookgate sees it: a flow whose envelope
// is the payload as sent and whose endpoints sign with Standard Webhooks.
import type { FlowConfig } from '../domain'
import type { SvixAppRecord } from '../store/svix-types'

export function svixFlow(app: SvixAppRecord, whitelabelHeaders: boolean): FlowConfig {
	return {
		id: app.id,
		name: app.name,
		envelope: { kind: 'builtin', name: 'raw' },
		events: null,
		ingestTokens: [],
		retryScheduleMs: null,
		timeoutMs: null,
		signing: { scheme: 'standard-webhooks' },
		endpoints: [],
		managedBy: 'svix',
		signatureHeaders: whitelabelHeaders ? 'webhook' : 'svix',
	}
}
