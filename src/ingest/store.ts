import type { CreateSessionOutcome, IngestItem, IngestOutcome, SessionRecord } from '../store/types'

/** What ingest needs from the store: events with their jobs, and sessions. */
export interface IngestStore {
	/** `reserve`: past the ingest limit of a size cap, still store (hookgate's own operational events) */
	ingest(flow: string, items: IngestItem[], now: number, opts?: { reserve?: boolean }): Promise<IngestOutcome>
	getSession(flow: string, id: string): Promise<SessionRecord | null>
	createSession(flow: string, id: string, metadata: Record<string, unknown>, now: number): Promise<CreateSessionOutcome>
	updateSession(flow: string, id: string, apply: (m: Record<string, unknown>) => Record<string, unknown>, now: number): Promise<SessionRecord | null>
}
