import type { JobQueue } from '../dispatch/queue'
import type { StoredEvent, DeliveryStatus } from '../domain'
import type { BulkReplayFilter, EventFilter, JobChange, JobFilter, JobRecord, Page, StatsQuery, StatsRows, TestJobInput } from '../store/records'
import type { AttemptRecord } from '../store/types'

/** Portal links: one signing key per flow; replacing it revokes every link signed with the old one. */
export interface PortalKeys {
	portalKey(flow: string): Promise<string | null>
	/** the flow's key; `fresh` is stored when it has none yet */
	ensurePortalKey(flow: string, fresh: string, now: number): Promise<string>
	replacePortalKey(flow: string, key: string, now: number): Promise<void>
}

/**
 * The admin API's reads and changes of jobs and events (test jobs are left
 * out of counts and stats, never out of job lists). A test send finishes its
 * job as the dispatcher would, and a job's event is read as the dispatcher reads it.
 */
export interface AdminStore extends PortalKeys, Pick<JobQueue, 'events' | 'complete'> {
	listJobs(filter: JobFilter, page: Page): Promise<JobRecord[]>
	getJob(id: string): Promise<JobRecord | null>
	jobAttempts(jobPk: number): Promise<AttemptRecord[]>
	jobsOfEvents(eventPks: number[]): Promise<JobRecord[]>
	replayJob(id: string, now: number): Promise<JobChange>
	cancelJob(id: string, now: number): Promise<JobChange>
	lastJobPk(): Promise<number>
	/** one short transaction: replays up to `limit` matching jobs whose pk is above `afterPk`; `next` is where to go on, null when done */
	replayJobsChunk(filter: BulkReplayFilter, afterPk: number, limit: number, now: number): Promise<{ replayed: number; next: number | null }>
	/** every job, test ones included (as job lists show them) */
	jobCounts(flow: string | null): Promise<Array<{ flow: string; endpoint: string; status: DeliveryStatus; count: number }>>
	listEvents(filter: EventFilter, page: Page): Promise<Array<StoredEvent & { pk: number }>>
	findEvents(id: string, flow: string | null): Promise<Array<StoredEvent & { pk: number }>>
	/** null when the event's session does not exist */
	insertTestJob(input: TestJobInput): Promise<{ job: JobRecord; event: StoredEvent & { pk: number } } | null>
	endpointStats(q: StatsQuery): Promise<StatsRows>
}
