import type { EndpointConfig, StoredEvent } from '../domain'
import type {
	ClaimedJob, Completion, EndpointStateRecord, IngestedEvent, IngestItem, IngestOutcome, SessionRecord,
} from './types'

/** Pending jobs of one endpoint, for /metrics. */
export interface BacklogRow {
	flow: string
	endpoint: string
	pending: number
	oldestCreatedAt: number
}

/** Where the orphan-event purge goes on: the last candidate it looked at. */
export interface EventCursor {
	acceptedAt: number
	pk: number
}

export type CreateSessionOutcome =
	| { kind: 'created' | 'existing'; session: SessionRecord }
	| { kind: 'conflict' }

/** The operations services use; one implementation per dialect. */
export interface Store {
	readonly dialect: 'sqlite' | 'postgres'

	// ingest
	ingest(flow: string, items: IngestItem[], now: number): Promise<IngestOutcome>
	onCommitted(listener: (events: IngestedEvent[]) => void): void
	getSession(flow: string, id: string): Promise<SessionRecord | null>
	createSession(flow: string, id: string, metadata: Record<string, unknown>, now: number): Promise<CreateSessionOutcome>
	updateSession(flow: string, id: string, apply: (m: Record<string, unknown>) => Record<string, unknown>, now: number): Promise<SessionRecord | null>

	// dispatch
	claim(flow: string, endpoint: string, limit: number, now: number, leaseUntil: number): Promise<ClaimedJob[]>
	nextDue(flow: string, endpoint: string): Promise<number | null>
	events(pks: number[]): Promise<Map<number, StoredEvent & { pk: number }>>
	complete(items: Completion[]): Promise<void>
	recoverInFlight(now: number): Promise<number>
	release(pks: number[], now: number): Promise<void>

	// endpoints
	endpointStates(): Promise<EndpointStateRecord[]>
	saveEndpointState(s: EndpointStateRecord): Promise<void>
	apiEndpoints(): Promise<Array<{ flow: string; endpoint: EndpointConfig }>>
	saveApiEndpoint(flow: string, e: EndpointConfig, now: number): Promise<void>
	deleteApiEndpoint(flow: string, id: string, now: number): Promise<number>

	// operations
	/** a real write that is rolled back: fails when the store cannot take writes */
	probeWrite(): Promise<void>
	sizeBytes(): Promise<{ db: number; wal: number }>
	backlog(): Promise<BacklogRow[]>
	/** retention, one short transaction per call: finished jobs changed before `before`, with their attempts */
	purgeFinishedJobs(before: number, limit: number): Promise<{ jobs: number; attempts: number }>
	/** retention: events accepted before `before` that have no jobs left, walked behind a cursor */
	purgeOrphanEvents(before: number, after: EventCursor | null, limit: number): Promise<{ events: number; next: EventCursor | null }>
	/** flush the write-ahead log into the database and truncate it */
	checkpoint(): Promise<void>
	freePages(): Promise<{ free: number; total: number }>
	/** give up to `pages` free pages back to the file system; returns how many went */
	vacuumStep(pages: number): Promise<number>
	close(): Promise<void>
}
