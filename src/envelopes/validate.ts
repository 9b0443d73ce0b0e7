// What ingest answers 422 invalid_data with: a webhook that could only be sent
// malformed is refused before it is stored. Messages name fields, never values.

import type { FlowConfig } from '../domain'
import { invalidCampaignData } from './campaign'
import { invalidActionData } from './platform-action'
import { invalidRecordData } from './record-event'
import { resolvePath } from './template'
import { dataPathsOfEndpoints } from './url'

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

export function invalidData(
	{ flow, type, data }: { flow: FlowConfig; type: string; data: Record<string, unknown> },
): InvalidData | null {
	const fromEnvelope = invalidForEnvelope(flow, type, data)
	if (fromEnvelope) return fromEnvelope
	// every endpoint counts, even one whose filter skips this type: a filter can change before a replay
	for (const path of dataPathsOfEndpoints(flow.endpoints)) {
		const v = resolvePath(data, path)
		if (v === undefined || v === null) {
			return { field: `data.${path}`, message: `data.${path} is required by an endpoint URL of this flow` }
		}
	}
	return null
}
