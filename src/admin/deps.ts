import type { Catalog } from '../catalog'
import type { AttemptDeps } from '../dispatch/deliver'
import type { AdminStore } from './store'
import type { EndpointStateRecord } from '../store/types'

/** Who changed an endpoint, for operational events */
export type ChangedBy = 'api' | 'portal' | 'config'

/** Hears of endpoint changes made through the API (operational events). */
export interface EndpointSignals {
	endpointChanged(kind: 'created' | 'updated' | 'deleted', flow: string, endpoint: string, by: ChangedBy): void
	stateChanged(flow: string, endpoint: string, before: EndpointStateRecord, after: EndpointStateRecord, by: ChangedBy): void
}

/** What the admin services need; runtime.ts builds it from the running gateway. */
export interface AdminDeps {
	store: AdminStore
	catalog: Catalog
	/** wakes the dispatcher after a change that makes jobs due (enable, replay) */
	dispatcher: { notify(): void }
	now: () => number
	/** the dispatcher's allow list and resolver: a test send passes the same egress guard */
	attempt: AttemptDeps
	log: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void }
	signals?: EndpointSignals
}
