import type { Catalog } from '../catalog'
import type { AttemptDeps } from '../dispatch/deliver'
import type { Store } from '../store/store'

/** What the admin services need; runtime.ts builds it from the running gateway. */
export interface AdminDeps {
	store: Store
	catalog: Catalog
	/** wakes the dispatcher after a change that makes jobs due (enable, replay) */
	dispatcher: { notify(): void }
	now: () => number
	/** the dispatcher's allow list and resolver: a test send passes the same egress guard */
	attempt: AttemptDeps
	log: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void }
}
