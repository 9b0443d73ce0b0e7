import type { Store } from '../../../src/store/store'

/**
 * What the conformance suite needs from a driver (Outpost's drivertest
 * pattern): a store on a fresh database, and a `peer` on the same database as
 * a second instance would see it. A store that allows one instance per
 * database (SQLite, by its lock file) hands back the same store as its peer,
 * so the concurrency checks still hold for concurrent callers of one store.
 */
export interface Harness {
	store: Store
	peer: Store
	close(): Promise<void>
}

export type NewHarness = () => Promise<Harness>
