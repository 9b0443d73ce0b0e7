import { join } from 'node:path'
import { SqliteStore } from '../../../src/store/sqlite/store'
import { tempDir } from '../../support/gateway'
import { runConformance } from './suite'

// One process per SQLite file (its lock file): the peer is the store itself.
runConformance('sqlite', async () => {
	const store = new SqliteStore({ path: join(tempDir(), 'conformance.db'), synchronous: 'normal', maxSizeBytes: 0 })
	return { store, peer: store, close: () => store.close() }
})
