// The /admin/v1 shapes the viewer reads (INTERFACE.md), kept to what it uses.
export type Status = 'pending' | 'delivering' | 'succeeded' | 'failed' | 'cancelled'
export const STATUSES: Status[] = ['pending', 'delivering', 'succeeded', 'failed', 'cancelled']
export type Counts = Record<Status, number>
export type Capability = 'view' | 'manage_endpoints' | 'rotate_secret' | 'replay' | 'test'
export const ALL_CAPABILITIES: Capability[] = ['view', 'manage_endpoints', 'rotate_secret', 'replay', 'test']

export interface AttemptError { class: string; message: string }

export interface Job {
	id: string
	flow: string
	endpoint: string
	eventId: string
	eventType: string
	sessionId: string | null
	route: { group: string; name: string } | null
	test: boolean
	status: Status
	attemptCount: number
	maxAttempts: number
	nextAttemptAt: string | null
	lastStatus: number | null
	lastError: AttemptError | null
	lastDurationMs: number | null
	createdAt: string
	updatedAt: string
}

export interface Attempt {
	n: number
	startedAt: string
	url: string
	requestHeaders: Record<string, string>
	requestBody: string
	status: number | null
	responseHeaders: Record<string, string>
	responseBody: string
	responseTruncated: boolean
	durationMs: number
	error: AttemptError | null
}

export interface EventRecord {
	id: string
	flow: string
	type: string
	sessionId: string | null
	occurredAt: string
	success: boolean
	data: Record<string, unknown>
	metadata: Record<string, unknown>
	acceptedAt: string
	route: { group: string; name: string } | null
}

export interface JobDetail extends Job {
	url: string | null
	event: EventRecord
	attempts: Attempt[]
}

export type HeaderValue = string | { value: string; sensitive: true }

export interface Endpoint {
	id: string
	flow: string
	url: string
	events: string[] | null
	signing: { scheme: string; secret: string | null }
	headers: Record<string, HeaderValue> | null
	body: Record<string, unknown> | null
	enabled: boolean
	managedBy: 'config' | 'api'
	health: 'healthy' | 'failing' | 'disabled'
	disabledReason: string | null
	createdAt: string | null
}

export interface Flow {
	id: string
	name: string
	events: string[] | null
	endpointLimit: number
	endpoints: Endpoint[]
	jobs: Counts
}

export interface StatsItem {
	flow: string
	endpoint: string
	counts: Counts
	successRate: number | null
	latencyMs: { p50: number | null; p95: number | null; p99: number | null }
	backlog: number
	oldestPendingSeconds: number | null
	health: string
	disabledReason: string | null
	series: Array<{ start: string; succeeded: number; failed: number }>
}

export interface TestResult {
	status: number | null
	headers: Record<string, string>
	body: string
	durationMs: number
	error?: AttemptError
	jobId: string
}

export interface Me {
	kind: 'admin' | 'portal'
	flow: string | null
	capabilities: Capability[]
	expiresAt: string | null
}

export interface Page<T> { items: T[]; nextCursor: string | null }
