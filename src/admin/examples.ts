// Examples shown in /openapi.json and Swagger UI. A test validates each one
// against the schema it illustrates, so they cannot drift from the API.

const at = '2026-03-14T14:55:50.094Z'
const later = '2026-03-14T14:55:55.310Z'

export const endpointExample = {
	id: 'crm',
	flow: 'onboarding',
	url: 'https://crm.example.com/hooks/{{ event.type }}',
	events: ['flow.*'],
	signing: { scheme: 'standard-webhooks', secret: 'whsec_…x2Q=', header: null, encoding: null, previous: null },
	headers: { 'X-Api-Key': '…9f3a', 'X-Team': 'growth' },
	body: { source: 'hookgate' },
	timeout: '5s',
	retrySchedule: ['10s', '1m'],
	concurrency: null,
	rateLimit: 50,
	enabled: true,
	managedBy: 'api',
	health: 'healthy',
	disabledReason: null,
	createdAt: at,
}

export const endpointInputExample = {
	url: 'https://crm.example.com/hooks/{{ event.type }}',
	events: ['flow.*'],
	signing: { scheme: 'standard-webhooks' },
	headers: { 'X-Api-Key': { value: 'k-123456789', sensitive: true } },
	body: { source: 'hookgate' },
	retrySchedule: ['10s', '1m'],
}

export const endpointPatchExample = { url: 'https://crm.example.com/v2/hooks', headers: { 'X-Team': null, 'X-Api-Key': '…9f3a' } }

export const endpointCreatedExample = {
	...endpointExample,
	id: 'ep_01jq3v8k2m4n6p8r0s2t4v6x8z',
	signing: { ...endpointExample.signing, secret: 'whsec_…x2Q=' },
	secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw1pQzBkq4x2Q=',
}

export const rotatedExample = { secret: 'whsec_q8Tn0w1pM2zC4bV6nX8lK0jH2gF4dS6aP8oI0uY2tR4=', previousValidUntil: '2026-03-15T14:55:50.094Z' }

export const testResultExample = {
	status: 200,
	headers: { 'content-type': 'text/plain' },
	body: 'ok',
	durationMs: 42,
	jobId: 'job_01JQ3V9A7B5C3D1E9F7G5H3J1K',
	eventId: 'evt_01JQ3V9A7B5C3D1E9F7G5H3J1M',
}

export const jobExample = {
	id: 'job_01JQ3V9A7B5C3D1E9F7G5H3J1K',
	flow: 'onboarding',
	endpoint: 'crm',
	eventId: 'evt_01JQ3V9A7B5C3D1E9F7G5H3J1M',
	eventType: 'flow.end',
	sessionId: 'ses_01JQ3V8Z1X3W5V7U9T1S3R5Q7P',
	route: null,
	test: false,
	status: 'pending',
	attemptCount: 2,
	maxAttempts: 8,
	nextAttemptAt: '2026-03-14T15:00:55.310Z',
	lastStatus: 503,
	lastError: { class: 'http_status', message: 'the receiver answered 503' },
	lastDurationMs: 118,
	createdAt: at,
	updatedAt: later,
}

export const eventExample = {
	id: 'evt_01JQ3V9A7B5C3D1E9F7G5H3J1M',
	flow: 'onboarding',
	type: 'flow.end',
	sessionId: 'ses_01JQ3V8Z1X3W5V7U9T1S3R5Q7P',
	occurredAt: at,
	success: true,
	data: { step: 'done' },
	metadata: { customerRef: 'c-42' },
	acceptedAt: at,
	route: null,
}

export const jobDetailExample = {
	...jobExample,
	url: 'https://crm.example.com/hooks/{{ event.type }}',
	event: eventExample,
	attempts: [{
		n: 1,
		startedAt: at,
		url: 'https://crm.example.com/hooks/flow.end',
		requestHeaders: { 'content-type': 'application/json', 'webhook-id': 'evt_01JQ3V9A7B5C3D1E9F7G5H3J1M', 'X-Api-Key': '…9f3a' },
		requestBody: '{"id":"evt_01JQ3V9A7B5C3D1E9F7G5H3J1M","event":"flow.end"}',
		status: 503,
		responseHeaders: { 'retry-after': '5' },
		responseBody: 'busy',
		responseTruncated: false,
		durationMs: 118,
		error: { class: 'http_status', message: 'the receiver answered 503' },
	}],
}

export const jobPageExample = { items: [jobExample], nextCursor: 'ajEyMzQ1' }
export const eventPageExample = { items: [{ ...eventExample, deliveries: [jobExample] }], nextCursor: null }

export const statsExample = {
	window: '24h',
	since: '2026-03-13T14:55:50.094Z',
	until: at,
	items: [{
		flow: 'onboarding',
		endpoint: 'crm',
		counts: { pending: 3, delivering: 1, succeeded: 1480, failed: 2, cancelled: 0 },
		successRate: 0.9986,
		latencyMs: { p50: 84, p95: 230, p99: 610 },
		backlog: 4,
		oldestPendingSeconds: 310,
		health: 'healthy',
		disabledReason: null,
		series: [{ start: '2026-03-14T14:00:00.000Z', succeeded: 61, failed: 1 }],
	}],
}

export const flowExample = {
	id: 'onboarding',
	name: 'Customer onboarding',
	managedBy: 'config',
	envelope: 'flow-event',
	events: ['flow.start', 'flow.end'],
	retrySchedule: null,
	timeout: '5s',
	signing: { scheme: 'standard-webhooks', secret: null, header: null, encoding: null },
	endpointLimit: 5,
	endpoints: [endpointExample],
	jobs: { pending: 3, delivering: 1, succeeded: 1480, failed: 2, cancelled: 0 },
}
