// A PostgreSQL database of its own for one test file: the server on this
// machine (127.0.0.1:5432, user postgres, trust auth), a random name, dropped
// at the end. HOOKGATE_TEST_PG overrides the server's URL.
import { SQL } from 'bun'

export const PG_SERVER = process.env.HOOKGATE_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/postgres'

export interface TempDatabase {
	url: string
	name: string
	drop(): Promise<void>
}

export async function createTempDatabase(): Promise<TempDatabase> {
	const name = `hookgate_test_${crypto.randomUUID().replaceAll('-', '').slice(0, 16)}`
	const admin = new SQL({ url: PG_SERVER, max: 1 })
	try {
		await admin.unsafe(`CREATE DATABASE ${name}`)
	} finally {
		await admin.close()
	}
	const url = new URL(PG_SERVER)
	url.pathname = `/${name}`
	return {
		url: url.toString(),
		name,
		async drop() {
			const a = new SQL({ url: PG_SERVER, max: 1 })
			try {
				await a.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
			} finally {
				await a.close()
			}
		},
	}
}
