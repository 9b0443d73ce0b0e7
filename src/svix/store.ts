import type { AdminStore } from '../admin/store'
import type {
	SvixAttemptFilter, SvixAttemptRecord, SvixEventTypeRecord, SvixIdempotentAnswer, SvixMessageRecord, SvixNewMessage, SvixPage,
	SvixSendOutcome, SvixTaskPage, SvixTaskRecord,
} from '../store/svix-types'

/**
 * What the Svix-compatible API needs beside the Catalog (which keeps its
 * applications and endpoints): message rows, stored answers of POSTs,
 * background tasks, the event-type catalog, and the job reads it shares with
 * the admin API.
 */
export interface SvixStore extends Pick<AdminStore, 'listJobs' | 'lastJobPk' | 'replayJobsChunk'> {
	/** the stored answer of `key` made at or after `since` */
	svixAnswer(key: string, since: number): Promise<{ status: number; body: string } | null>
	/** the event, its jobs, the message row and the answer in one transaction; the dispatcher hears of it on commit */
	svixSendMessage(m: SvixNewMessage): Promise<SvixSendOutcome>
	/** messages of an app by id, newest first (`below`) or oldest first (`above`) */
	svixMessages(app: string, page: SvixPage): Promise<SvixMessageRecord[]>
	/** by message id or eventId */
	svixMessage(app: string, idOrEventId: string): Promise<SvixMessageRecord | null>
	svixAttempts(app: string, filter: SvixAttemptFilter): Promise<SvixAttemptRecord[]>
	/**
	 * A manual try of a message to an endpoint: its job is due again now for one
	 * try counted past the `retries` of its schedule (a failure is final); a job
	 * in flight or none at all gets a new job. That try reads as manual; `idem`
	 * is stored with it.
	 */
	svixResend(app: string, msgId: string, endpoint: string, now: number, retries: number, idem: SvixIdempotentAnswer | null): Promise<'missing' | 'queued'>
	/** background tasks (recover), saved with the answer of the request that started them */
	svixSaveTask(t: SvixTaskRecord, idem: SvixIdempotentAnswer | null): Promise<void>
	svixTask(id: string): Promise<SvixTaskRecord | null>
	/** ids below `below` newest first, or above `above` oldest first; narrowed by status and task */
	svixTasks(q: SvixTaskPage): Promise<SvixTaskRecord[]>
	/** the event-type catalog, by name */
	svixEventTypes(): Promise<SvixEventTypeRecord[]>
	svixSaveEventType(t: SvixEventTypeRecord, idem: SvixIdempotentAnswer | null): Promise<void>
	svixDeleteEventType(name: string): Promise<void>
}
