// What a gateway stored, read through the store's own interfaces (the admin
// reads), never its tables: only tests under test/store/sqlite/ and
// test/store/postgres/ read tables.
import { join } from 'node:path'
import type { AdminStore } from '../../src/admin/store'
import type { StoredEvent } from '../../src/domain'
import type { EventFilter, JobFilter, JobRecord, Page } from '../../src/store/records'
import { SqliteStore } from '../../src/store/sqlite/store'
import type { AttemptRecord } from '../../src/store/types'

const PAGE = 500

/** Every row of a keyset-paged list (newest first), oldest first. */
async function allPages<T extends { pk: number }>(read: (page: Page) => Promise<T[]>): Promise<T[]> {
	const out: T[] = []
	let beforePk: number | null = null
	for (;;) {
		const rows = await read({ beforePk, limit: PAGE })
		out.push(...rows)
		if (rows.length < PAGE) return out.reverse()
		beforePk = rows[rows.length - 1].pk
	}
}

/** Every job matching `filter`, test jobs included, oldest first. */
export const storedJobs = (store: Pick<AdminStore, 'listJobs'>, filter: JobFilter = {}): Promise<JobRecord[]> =>
	allPages((page) => store.listJobs(filter, page))

/** Every event matching `filter`, oldest first. */
export const storedEvents = (store: Pick<AdminStore, 'listEvents'>, filter: EventFilter = {}): Promise<Array<StoredEvent & { pk: number }>> =>
	allPages((page) => store.listEvents(filter, page))

/** Every attempt of the jobs matching `filter`, job by job (oldest first), each in its order, with its job. */
export async function storedAttempts(store: Pick<AdminStore, 'listJobs' | 'jobAttempts'>, filter: JobFilter = {}): Promise<Array<AttemptRecord & { job: JobRecord }>> {
	const out: Array<AttemptRecord & { job: JobRecord }> = []
	for (const job of await storedJobs(store, filter)) for (const a of await store.jobAttempts(job.pk)) out.push({ ...a, job })
	return out
}

/** Opens the store a stopped gateway left in `dir` (its SQLite file), reads, and closes it again. */
export async function readStopped<T>(dir: string, read: (store: AdminStore) => Promise<T>): Promise<T> {
	const store = new SqliteStore({ path: join(dir, 'hookgate.db'), synchronous: 'normal', maxSizeBytes: 0 })
	try {
		return await read(store)
	} finally {
		await store.close()
	}
}

export interface ListedJob { id: string; status: string; endpoint: string; eventId: string; test: boolean }

/** Jobs as a running gateway's admin API lists them (one page, newest first): for gateways in a child process. */
export async function listedJobs(url: string, token: string, query: Record<string, string>): Promise<ListedJob[]> {
	const res = await fetch(`${url}/admin/v1/jobs?${new URLSearchParams(query)}`, { headers: { authorization: `Bearer ${token}` } })
	if (res.status !== 200) throw new Error(`GET /admin/v1/jobs: ${res.status} ${await res.text()}`)
	return ((await res.json()) as { items: ListedJob[] }).items
}
