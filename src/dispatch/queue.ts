import type { StoredEvent } from '../domain'
import type { ClaimedJob, ClaimLimits, Completion, IngestedEvent } from '../store/types'

/**
 * The job queue the dispatcher works from. `owner` names the instance holding
 * a lease (default: the store's own); completing, releasing and extending
 * touch only rows it still holds.
 */
export interface JobQueue {
	/** hears of new events with their jobs once they are committed (by this instance) */
	onCommitted(listener: (events: IngestedEvent[]) => void): void
	claim(flow: string, endpoint: string, limit: number, now: number, leaseUntil: number, owner?: string, limits?: ClaimLimits): Promise<ClaimedJob[]>
	nextDue(flow: string, endpoint: string): Promise<number | null>
	/** nextDue of each [flow, endpoint], in order: the dispatcher's once-a-second sweep */
	nextDueAll(targets: Array<[string, string]>): Promise<Array<number | null>>
	/**
	 * the wall clock stepped: move due times and leases of rows written up to `writtenUpTo` (null: all) by deltaMs;
	 * with `now`, then also bring rows written later than now + toleranceMs (under a clock since stepped back) to now, keeping their delay
	 */
	shiftDue(deltaMs: number, writtenUpTo: number | null, now?: number, toleranceMs?: number): Promise<number>
	events(pks: number[]): Promise<Map<number, StoredEvent & { pk: number }>>
	complete(items: Completion[]): Promise<void>
	/** start-up: jobs this owner left in flight go back to pending (a store one instance owns: every one) */
	recoverInFlight(now: number, owner?: string): Promise<number>
	release(pks: number[], now: number, owner?: string): Promise<void>
	/** after a lost store answer: jobs the owner holds in the store but not in hand (`held`) go back to pending; returns how many */
	releaseUnheld(held: number[], now: number, owner?: string): Promise<number>
	/** moves the lease end of jobs the owner still holds; returns how many */
	extendLease(pks: number[], leaseUntil: number, owner?: string): Promise<number>
	/** jobs in flight whose lease ran out go back to pending, due now; returns how many */
	reclaimExpired(now: number): Promise<number>
}
