// Writes a backlog straight into a gateway database before the gateway starts,
// through the gateway's own open (migrations, pragmas), so the file is exactly
// what `serve` would have made.
import type { Database } from 'bun:sqlite'
import { openSqlite, type Opened } from '../../src/store/open'
import { inserter } from './rows'

const DATA = JSON.stringify({ pad: 'x'.repeat(900) })

/** Opens (creating and migrating) the database at `path` with the gateway's code. */
export function openDb(path: string, synchronous: 'full' | 'normal' = 'full'): Opened {
	return openSqlite({ path, synchronous, maxSizeBytes: 0 })
}

const EVENT_COLUMNS = ['flow', 'id', 'type', 'session_id', 'occurred_at', 'occurred_at_sent', 'success', 'data', 'metadata', 'fingerprint', 'accepted_at']
const DELIVERY_COLUMNS = ['id', 'flow', 'endpoint', 'event_pk', 'status', 'test', 'attempt_count', 'schedule_base', 'next_attempt_at',
	'last_status', 'last_duration_ms', 'created_at', 'updated_at']
const ATTEMPT_COLUMNS = ['delivery_pk', 'n', 'started_at', 'url', 'request_headers', 'request_body', 'status', 'response_headers',
	'response_body', 'response_truncated', 'duration_ms', 'error_class', 'error_message']

/** Row writers for the three tables a backlog touches. */
export function writers(db: Database) {
	const ev = inserter(db, 'events', EVENT_COLUMNS)
	const dl = inserter(db, 'deliveries', DELIVERY_COLUMNS)
	const att = inserter(db, 'attempts', ATTEMPT_COLUMNS)
	return {
		event: (flow: string, id: string, at: number) => ev({
			flow, id, type: 'bench.tick', session_id: null, occurred_at: at, occurred_at_sent: 0, success: 1, data: DATA, metadata: '{}',
			fingerprint: `seed-${id}`, accepted_at: at,
		}),
		delivery: (d: { id: string; flow: string; endpoint: string; eventPk: number; status: string; attempts: number; due: number; at: number }) => dl({
			id: d.id, flow: d.flow, endpoint: d.endpoint, event_pk: d.eventPk, status: d.status, test: 0, attempt_count: d.attempts, schedule_base: 0,
			next_attempt_at: d.due, last_status: d.attempts > 0 ? 200 : null, last_duration_ms: d.attempts > 0 ? 2 : null, created_at: d.at, updated_at: d.at,
		}),
		attempt: (deliveryPk: number, startedAt: number, url: string, headers: string) => att({
			delivery_pk: deliveryPk, n: 1, started_at: startedAt, url, request_headers: headers, request_body: DATA, status: 200,
			response_headers: '{"content-type":"text/plain"}', response_body: 'ok', response_truncated: 0, duration_ms: 2, error_class: null, error_message: null,
		}),
	}
}

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

/** Appends pending deliveries in transactions of 10,000; the caller closes. */
export function seedPending(opened: Opened, s: SeedSpec) {
	const w = writers(opened.client)
	const now = Date.now()
	let i = 0
	let e = 0
	while (i < s.deliveries) {
		opened.client.transaction(() => {
			const end = Math.min(s.deliveries, i + 10_000)
			while (i < end) {
				const eventPk = w.event(s.flow, `evt_${s.tag}_${e++}`, now)
				for (let j = 0; j < s.perEvent && i < s.deliveries; j++, i++) {
					w.delivery({ id: `job_${s.tag}_${i}`, flow: s.flow, endpoint: s.endpoints[j % s.endpoints.length], eventPk, status: 'pending', attempts: 0, due: s.dueFrom + i, at: now })
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
	const w = writers(opened.client)
	const headers = JSON.stringify({ 'content-type': 'application/json', 'user-agent': 'hookgate/0.1.0', 'webhook-id': 'x', 'webhook-signature': `v1,${'A'.repeat(44)}` })
	let i = 0
	while (i < s.jobs) {
		opened.client.transaction(() => {
			for (const end = Math.min(s.jobs, i + 10_000); i < end; i++) {
				const eventPk = w.event(s.flow, `old_${s.tag}_${i}`, s.at)
				const pk = w.delivery({ id: `job_old_${s.tag}_${i}`, flow: s.flow, endpoint: s.endpoint, eventPk, status: 'succeeded', attempts: 1, due: s.at, at: s.at })
				w.attempt(pk, s.at, `http://127.0.0.1/${s.endpoint}`, headers)
			}
		})()
	}
}
