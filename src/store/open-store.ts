// Which store a configuration asks for: storage.sqlite (one instance per
// file) or storage.postgres (any number of instances on one database).
import { hostname } from 'node:os'
import type { Config } from '../domain'
import { StoreOpenError } from './open'
import { PostgresStore } from './postgres/store'
import { listenForWork, type Lookers, type Wakeups } from './postgres/wakeups'
import { SqliteStore } from './sqlite/store'
import type { Store } from './store'

export interface OpenedStore {
	store: Store
	/** where the data lives, for the start-up log line (no credentials) */
	where: string
	/** several instances share the store: look for work they made (PostgreSQL); nothing to do for SQLite */
	watch(on: Lookers, log: { warn(o: object, m: string): void }): Promise<Wakeups>
}

/**
 * Names this instance's leases. Stable across restarts of the same instance
 * (host and port), so start-up takes back its own leftovers; HOOKGATE_INSTANCE_ID
 * overrides it where hosts and ports say nothing (containers on one port).
 */
export function instanceId(config: Config, env: Record<string, string | undefined>): string {
	return env.HOOKGATE_INSTANCE_ID || `${hostname()}:${config.server.port || process.pid}`
}


export async function openStore(config: Config, env: Record<string, string | undefined>): Promise<OpenedStore> {
	const s = config.storage
	if (s.postgres) {
		const url = new URL(s.postgres.url)
		const where = `postgres://${url.host}${url.pathname}`
		let store: PostgresStore
		try {
			store = await PostgresStore.open({ url: s.postgres.url, poolSize: s.postgres.poolSize, instanceId: instanceId(config, env) })
		} catch (err) {
			// said in one line, without the URL's password
			const code = (err as { code?: string }).code
			throw new StoreOpenError(`cannot open storage.postgres at ${where}: ${err instanceof Error ? err.message : String(err)}${code ? ` (${code})` : ''}`)
		}
		return { store, where, watch: (on, log) => listenForWork(store, on, log) }
	}
	const store = new SqliteStore({ path: s.sqlite, synchronous: s.synchronous, maxSizeBytes: s.maxSizeBytes })
	return { store, where: s.sqlite, watch: async () => ({ async stop() {} }) }
}
