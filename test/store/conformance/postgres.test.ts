import { PostgresStore } from '../../../src/store/postgres/store'
import { createTempDatabase } from '../../support/postgres'
import { runConformance } from './suite'

// Two stores on one fresh database, as two instances would be.
runConformance('postgres', async () => {
	const db = await createTempDatabase()
	const store = await PostgresStore.open({ url: db.url, poolSize: 4, instanceId: 'A' })
	const peer = await PostgresStore.open({ url: db.url, poolSize: 4, instanceId: 'B' })
	return {
		store,
		peer,
		async close() {
			await store.close()
			await peer.close()
			await db.drop()
		},
	}
})
