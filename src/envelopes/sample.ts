// A made-up event that passes invalidData, for the admin "test send".

import type { EnvelopeSpec, FlowConfig } from '../domain'
import { put } from './object'
import { PLATFORM_ACTIONS } from './routes'
import { dataPathsOfEndpoints } from './url'

function baseSample(spec: EnvelopeSpec, flow: FlowConfig): { type: string; data: Record<string, unknown> } {
	if (spec.kind === 'builtin') {
		switch (spec.name) {
			case 'platform-action': {
				// a flow may narrow the actions it takes; the slugs cover every route shape
				const type = flow.events?.find((t) => PLATFORM_ACTIONS.includes(t)) ?? 'Users Created'
				if (type === 'Users Created') return { type, data: { username: 'test.user' } }
				return { type, data: { kappSlug: 'test-kapp', formSlug: 'test-form', datastoreFormSlug: 'test-datastore-form' } }
			}
			case 'record-event':
				return { type: firstType(flow), data: { recordId: 'rec_test', organizationId: 'org_test' } }
			case 'campaign':
				return {
					type: firstType(flow),
					data: { campaignId: 'cmp_test', label: 'Test', phoneNumber: '+10000000000', response: 'test' },
				}
		}
	}
	return { type: firstType(flow), data: {} }
}

/** The flow's first declared type (wildcard patterns are not types), else `hookgate.test`. */
function firstType(flow: FlowConfig): string {
	return flow.events?.find((t) => !t.includes('*')) ?? 'hookgate.test'
}

/** Fills a dotted path with a placeholder string, creating objects on the way, unless it already holds something. */
function fill(data: Record<string, unknown>, path: string): void {
	const segments = path.split('.')
	let current = data
	for (const [i, segment] of segments.entries()) {
		const last = i === segments.length - 1
		const existing = Object.hasOwn(current, segment) ? current[segment] : undefined
		if (last) {
			if (existing === undefined || existing === null) put(current, segment, 'test')
			return
		}
		if (typeof existing !== 'object' || existing === null || Array.isArray(existing)) put(current, segment, {})
		current = current[segment] as Record<string, unknown>
	}
}

export function sampleEvent(spec: EnvelopeSpec, flow: FlowConfig): { type: string; data: Record<string, unknown> } {
	const sample = baseSample(spec, flow)
	for (const path of dataPathsOfEndpoints(flow.endpoints)) fill(sample.data, path)
	return sample
}
