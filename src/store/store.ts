// The whole store, for the composition root only (src/runtime.ts,
// ./open-store.ts). Everything else takes the narrow interface it declares
// itself; this is their intersection, so a store that implements it (SQLite,
// PostgreSQL) is proved by tsc to serve every one of them.
import type { AdminStore } from '../admin/store'
import type { JobQueue } from '../dispatch/queue'
import type { EndpointRegistry } from '../endpoint-registry'
import type { IngestStore } from '../ingest/store'
import type { StoreHealth } from '../ops/health'
import type { Housekeeping } from '../ops/housekeeping'
import type { MetricsStore } from '../ops/metrics'
import type { SignalStore, SpaceUsage } from '../ops/signals/store'
import type { SvixStore } from '../svix/store'

export interface Store extends IngestStore, JobQueue, EndpointRegistry, AdminStore, SvixStore, SignalStore, SpaceUsage,
	MetricsStore, StoreHealth, Housekeeping {
	/** storage.maxSize changed by a reload: a store that caps its own size follows (0: no cap) */
	setMaxSize?(bytes: number): void
	close(): Promise<void>
}
