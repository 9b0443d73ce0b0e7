// What ingest answers 422 invalid_data with: a webhook that could only be sent
// malformed is refused before it is stored. Messages name fields, never values.

import type { FlowConfig, StoredEvent } from '../domain'
import { invalidCampaignData } from './campaign'
import { invalidActionData } from './platform-action'
import { invalidRecordData } from './record-event'
import { resolvePath } from './template'
import { buildScope } from './scope'
import { dataPathsOfEndpoints, unsendableUrl } from './url'

export interface InvalidData {
	field: string
	message: string
}

function invalidForEnvelope(flow: FlowConfig, type: string, data: Record<string, unknown>): InvalidData | null {
	if (flow.envelope.kind !== 'builtin') return null
	switch (flow.envelope.name) {
		case 'record-event': return invalidRecordData(data)
		case 'campaign': return invalidCampaignData(data)
		case 'platform-action': return invalidActionData(type, data)
		default: return null
	}
}

/** What ingest knows of an event before storing it; the fields left out fill URL placeholders with nothing. */
export interface EventToCheck {
	flow: FlowConfig
	type: string
	data: Record<string, unknown>
	id?: string
	sessionId?: string | null
	/** the session's metadata ({} without a session) */
	metadata?: Record<string, unknown>
	occurredAt?: number | null
	success?: boolean
}

/** `event.data.h` → `data.h`; other placeholders are named as written. */
const fieldOf = (placeholder: string) => (placeholder.startsWith('event.') ? placeholder.slice('event.'.length) : placeholder)

export function invalidData(input: EventToCheck): InvalidData | null {
	const { flow, type, data } = input
	const fromEnvelope = invalidForEnvelope(flow, type, data)
	if (fromEnvelope) return fromEnvelope
	// every endpoint counts, even one whose filter skips this type: a filter can change before a replay
	for (const path of dataPathsOfEndpoints(flow.endpoints)) {
		const v = resolvePath(data, path)
		if (v === undefined || v === null) {
			return { field: `data.${path}`, message: `data.${path} is required by an endpoint URL of this flow` }
		}
	}
	for (const endpoint of flow.endpoints) {
		if (!endpoint.url.includes('{{')) continue
		const event: StoredEvent = {
			flow: flow.id, id: input.id ?? '', type, sessionId: input.sessionId ?? null, occurredAt: input.occurredAt ?? 0,
			success: input.success ?? true, data, metadata: input.metadata ?? {}, acceptedAt: 0,
		}
		const bad = unsendableUrl(endpoint.url, buildScope({ flow, endpoint, event, attempt: 1 }))
		if (bad) return { field: fieldOf(bad.placeholder), message: `endpoint ${endpoint.id}: ${bad.message}` }
	}
	return null
}
