// A PostgreSQL database of its own for one test file: the server on this
// machine (127.0.0.1:5432, user postgres, trust auth), a random name, dropped
// at the end. HOOKGATE_TEST_PG overrides the server's URL.
import { SQL } from 'bun'
import type { RuntimeOptions } from '../../src/runtime'
import { startTestGateway } from './gateway'

type StartOptions = RuntimeOptions & { dir?: string }

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

/** A test config (configYaml) pointed at a PostgreSQL database instead of its SQLite file. */
export const onPostgres = (yaml: string, url: string) => yaml.replace('sqlite: {{DIR}}/hookgate.db', `postgres: { url: "${url}", poolSize: 4 }`)

/** Gateways in this process on one database, each under its own instance id (they migrate under an advisory lock, so all at once). */
export const startInstances = (yaml: string, ids: string[], opts: StartOptions = {}) =>
	Promise.all(ids.map((id) => startTestGateway(yaml, { ...opts, env: { ...process.env, HOOKGATE_INSTANCE_ID: id } })))
