// Config and event values with defaults, so tests only write what they are about.

import type { EndpointConfig, FlowConfig, SigningConfig, StoredEvent } from '../../src/domain'

export function makeSigning(overrides: Partial<SigningConfig> = {}): SigningConfig {
	return { scheme: 'none', secret: null, header: 'x-signature', encoding: 'hex', previous: null, ...overrides }
}

export function makeEndpoint(overrides: Partial<EndpointConfig> = {}): EndpointConfig {
	return {
		id: 'receiver',
		url: 'https://receiver.example.com/hook',
		events: null,
		signing: makeSigning(),
		headers: {},
		body: {},
		timeoutMs: null,
		retryScheduleMs: null,
		concurrency: null,
		rateLimit: null,
		enabled: true,
		managedBy: 'config',
		createdAt: null,
		...overrides,
	}
}

export function makeFlow(overrides: Partial<FlowConfig> = {}): FlowConfig {
	return {
		id: 'flow',
		name: 'Flow',
		envelope: { kind: 'builtin', name: 'standard' },
		events: null,
		ingestTokens: ['token'],
		retryScheduleMs: null,
		timeoutMs: null,
		signing: {},
		endpoints: [],
		...overrides,
	}
}

/** Takes the ingest fields as a producer writes them (ISO occurredAt) and stores them. */
export function makeEvent(
	overrides: Partial<Omit<StoredEvent, 'occurredAt'>> & { occurredAt?: string | number } = {},
): StoredEvent {
	const { occurredAt, ...rest } = overrides
	const at = typeof occurredAt === 'string' ? Date.parse(occurredAt) : occurredAt ?? Date.parse('2026-03-14T14:55:50.094Z')
	return {
		flow: 'flow',
		id: 'evt_1',
		type: 'test.event',
		sessionId: null,
		occurredAt: at,
		success: true,
		data: {},
		metadata: {},
		acceptedAt: at,
		...rest,
	}
}

/** The session every ENVELOPES.md example is sent in. */
export const SESSION = { id: '65f30fb56f1cef0a7d8103fb', metadata: { customerRef: 'c-42', tier: 'gold' } }
