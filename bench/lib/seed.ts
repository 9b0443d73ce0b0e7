// Writes a backlog straight into a gateway database before the gateway starts,
// through the gateway's own open (migrations, pragmas), so the file is exactly
// what `serve` would have made.
import { openSqlite, type Opened } from '../../src/store/open'

export interface SeedSpec {
	flow: string
	endpoints: string[]
	/** delivery rows to write; each event fans out to `perEvent` of them */
	deliveries: number
	perEvent: number
	/** due time of the first row; row i is due at dueFrom + i (FIFO) */
	dueFrom: number
	/** unique per database, so ids never collide with the load generator's */
	tag: string
}

const DATA = JSON.stringify({ pad: 'x'.repeat(900) })

/** Opens (creating and migrating) the database at `path` with the gateway's code. */
export function openDb(path: string, synchronous: 'full' | 'normal' = 'full'): Opened {
	return openSqlite({ path, synchronous, maxSizeBytes: 0 })
}

/** Appends the rows in transactions of 10,000; returns nothing, the caller closes. */
export function seedPending(opened: Opened, s: SeedSpec) {
	const { client } = opened
	const now = Date.now()
	const insertEvent = client.prepare(`INSERT INTO events (flow, id, type, session_id, occurred_at, success, data, metadata, fingerprint, accepted_at)
		VALUES (?, ?, 'bench.tick', NULL, ?, 1, ?, '{}', ?, ?) RETURNING pk`)
	const insertDelivery = client.prepare(`INSERT INTO deliveries (id, flow, endpoint, event_pk, status, test, attempt_count, schedule_base,
		next_attempt_at, created_at, updated_at) VALUES (?, ?, ?, ?, 'pending', 0, 0, 0, ?, ?, ?)`)
	let i = 0
	let e = 0
	while (i < s.deliveries) {
		client.transaction(() => {
			const end = Math.min(s.deliveries, i + 10_000)
			while (i < end) {
				const evId = `evt_${s.tag}_${e++}`
				const { pk } = insertEvent.get(s.flow, evId, now, DATA, `seed-${evId}`, now) as { pk: number }
				for (let j = 0; j < s.perEvent && i < s.deliveries; j++, i++) {
					insertDelivery.run(`job_${s.tag}_${i}`, s.flow, s.endpoints[j % s.endpoints.length], pk, s.dueFrom + i, now, now)
				}
			}
		})()
	}
}

/** Seeds a fresh database file and closes it, ready for `serve`. */
export function seedFile(path: string, s: SeedSpec) {
	const opened = openDb(path, 'normal')
	try { seedPending(opened, s) } finally { opened.close() }
}

export interface FinishedSpec {
	flow: string
	endpoint: string
	/** finished (succeeded) jobs, one event and one attempt each */
	jobs: number
	/** when they were accepted and last changed */
	at: number
	tag: string
}

/** Old, finished work for the retention purge to remove: events, jobs and their attempts. */
export function seedFinished(opened: Opened, s: FinishedSpec) {
	const { client } = opened
	const insertEvent = client.prepare(`INSERT INTO events (flow, id, type, session_id, occurred_at, success, data, metadata, fingerprint, accepted_at)
		VALUES (?, ?, 'bench.tick', NULL, ?, 1, ?, '{}', ?, ?) RETURNING pk`)
	const insertDelivery = client.prepare(`INSERT INTO deliveries (id, flow, endpoint, event_pk, status, test, attempt_count, schedule_base,
		next_attempt_at, last_status, last_duration_ms, created_at, updated_at) VALUES (?, ?, ?, ?, 'succeeded', 0, 1, 0, ?, 200, 2, ?, ?) RETURNING pk`)
	const insertAttempt = client.prepare(`INSERT INTO attempts (delivery_pk, n, started_at, url, request_headers, request_body, status,
		response_headers, response_body, response_truncated, duration_ms, error_class, error_message)
		VALUES (?, 1, ?, ?, ?, ?, 200, '{"content-type":"text/plain"}', 'ok', 0, 2, NULL, NULL)`)
	const headers = JSON.stringify({ 'content-type': 'application/json', 'user-agent': 'hookgate/0.1.0', 'webhook-id': 'x', 'webhook-signature': `v1,${'A'.repeat(44)}` })
	let i = 0
	while (i < s.jobs) {
		client.transaction(() => {
			for (const end = Math.min(s.jobs, i + 10_000); i < end; i++) {
				const evId = `old_${s.tag}_${i}`
				const { pk } = insertEvent.get(s.flow, evId, s.at, DATA, `seed-${evId}`, s.at) as { pk: number }
				const job = insertDelivery.get(`job_old_${s.tag}_${i}`, s.flow, s.endpoint, pk, s.at, s.at, s.at) as { pk: number }
				insertAttempt.run(job.pk, s.at, `http://127.0.0.1/${s.endpoint}`, headers, DATA)
			}
		})()
	}
}
