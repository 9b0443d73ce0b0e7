import type { Database } from 'bun:sqlite'
import type { DeliveryStatus, EndpointConfig } from '../../domain'
import type {
	SvixAppRecord, SvixAttemptFilter, SvixEventTypeRecord, SvixTaskRecord, SvixMessageFilter, SvixAttemptRecord, SvixIdempotentAnswer, SvixMessageRecord, SvixNewMessage, SvixPage, SvixSendOutcome, SvixTaskPage,
} from '../svix-types'
import { IDEMPOTENCY_TTL_MS, IdempotencyTaken } from '../svix-types'
import * as endpoints from './endpoints'
import type { IngestWrites } from './ingest'
import { newJobId } from '../ids'

interface AppRow { id: string; uid: string | null; name: string; metadata: string; throttle_rate: number | null; created_at: number; updated_at: number }
const toApp = (r: AppRow): SvixAppRecord => ({
	id: r.id, uid: r.uid, name: r.name, metadata: JSON.parse(r.metadata), throttleRate: r.throttle_rate, createdAt: r.created_at, updatedAt: r.updated_at,
})

export function apps(client: Database): SvixAppRecord[] {
	return (client.prepare('SELECT * FROM svix_apps ORDER BY id').all() as AppRow[]).map(toApp)
}

/** Stores the answer beside its effect; a live answer of the same key already there rolls the effect back. */
function remember(client: Database, idem: SvixIdempotentAnswer | null, now: number) {
	if (!idem) return
	const row = client.prepare(`INSERT INTO svix_idempotency (key, status, body, created_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (key) DO UPDATE SET status = excluded.status, body = excluded.body, created_at = excluded.created_at
		WHERE svix_idempotency.created_at < ? RETURNING key`).get(idem.key, idem.status, idem.body, now, now - IDEMPOTENCY_TTL_MS)
	if (!row) throw new IdempotencyTaken()
}

export function saveApp(client: Database, a: SvixAppRecord, idem: SvixIdempotentAnswer | null): 'ok' | 'uid_taken' {
	return client.transaction(() => {
		if (a.uid !== null) {
			const other = client.prepare('SELECT id FROM svix_apps WHERE uid = ? AND id <> ?').get(a.uid, a.id)
			if (other) return 'uid_taken' as const
		}
		client.prepare(`INSERT INTO svix_apps (id, uid, name, metadata, throttle_rate, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET uid = excluded.uid, name = excluded.name, metadata = excluded.metadata,
				throttle_rate = excluded.throttle_rate, updated_at = excluded.updated_at`)
			.run(a.id, a.uid, a.name, JSON.stringify(a.metadata), a.throttleRate, a.createdAt, a.updatedAt)
		remember(client, idem, a.updatedAt)
		return 'ok' as const
	}).immediate()
}

export function deleteApp(client: Database, id: string, now: number): number {
	return client.transaction(() => {
		client.prepare('DELETE FROM svix_apps WHERE id = ?').run(id)
		client.prepare('DELETE FROM endpoints WHERE flow = ?').run(id)
		client.prepare('DELETE FROM endpoint_state WHERE flow = ?').run(id)
		return client.prepare(`UPDATE deliveries SET status = 'cancelled', updated_at = ? WHERE flow = ? AND status = 'pending'`).run(now, id).changes
	}).immediate()
}

export function saveEndpoint(client: Database, flow: string, e: EndpointConfig, now: number, idem: SvixIdempotentAnswer | null) {
	client.transaction(() => {
		endpoints.saveApiEndpoint(client, flow, e, now)
		remember(client, idem, now)
	}).immediate()
}

export function answer(client: Database, key: string, since: number): { status: number; body: string } | null {
	return client.prepare('SELECT status, body FROM svix_idempotency WHERE key = ? AND created_at >= ?').get(key, since) as { status: number; body: string } | null
}

/** Runs inside the write queue's transaction, like ingest. */
export function sendMessage(client: Database, ingest: IngestWrites, m: SvixNewMessage): SvixSendOutcome {
	if (m.eventId !== null && client.prepare('SELECT 1 FROM svix_messages WHERE app = ? AND event_id = ?').get(m.app, m.eventId)) return { kind: 'event_id_taken' }
	const outcome = ingest.apply({
		flow: m.app, now: m.now,
		items: [{ event: { id: m.id, type: m.eventType, sessionId: null, occurredAt: null, success: true, data: m.payload }, endpoints: m.endpoints }],
	})
	// a fresh msg_ id never meets an existing event, and there is no session
	if (!outcome.ok || !outcome.events[0].stored) throw new Error('the message could not be stored')
	const event = outcome.events[0]
	client.prepare('INSERT INTO svix_messages (app, id, event_pk, event_id, channels, tags, deliver_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
		.run(m.app, m.id, event.stored!.pk, m.eventId, m.channels && JSON.stringify(m.channels), m.tags && JSON.stringify(m.tags), m.deliverAt, m.now)
	if (m.deliverAt !== null) client.prepare('UPDATE deliveries SET next_attempt_at = ? WHERE event_pk = ?').run(m.deliverAt, event.stored!.pk)
	remember(client, m.idem, m.now)
	return { kind: 'sent', event }
}

interface MsgRow { app: string; id: string; event_id: string | null; type: string; data: string; channels: string | null; tags: string | null; deliver_at: number | null; created_at: number }
const toMsg = (r: MsgRow): SvixMessageRecord => ({
	app: r.app, id: r.id, eventId: r.event_id, eventType: r.type, payload: JSON.parse(r.data),
	channels: r.channels === null ? null : JSON.parse(r.channels), tags: r.tags === null ? null : JSON.parse(r.tags), deliverAt: r.deliver_at, createdAt: r.created_at,
})
const MSG = 'SELECT m.app, m.id, m.event_id, e.type, e.data, m.channels, m.tags, m.deliver_at, m.created_at FROM svix_messages m JOIN events e ON e.pk = m.event_pk'

/** SQL for the message filters over `m` (svix_messages) and `e` (events); `at` is the column the time filters read. */
function messageWhere(f: SvixMessageFilter | undefined, at: string): { sql: string[]; args: Array<string | number> } {
	const sql: string[] = []
	const args: Array<string | number> = []
	if (!f) return { sql, args }
	// channels and tags are stored as JSON arrays: look for the quoted value
	if (f.channel !== undefined) { sql.push('instr(m.channels, ?) > 0'); args.push(JSON.stringify(f.channel)) }
	if (f.tag !== undefined) { sql.push('instr(m.tags, ?) > 0'); args.push(JSON.stringify(f.tag)) }
	if (f.eventTypes?.length) { sql.push(`e.type IN (${f.eventTypes.map(() => '?').join(', ')})`); args.push(...f.eventTypes) }
	if (f.before !== undefined) { sql.push(`${at} < ?`); args.push(f.before) }
	if (f.after !== undefined) { sql.push(`${at} > ?`); args.push(f.after) }
	return { sql, args }
}

export function messages(client: Database, app: string, page: SvixPage): SvixMessageRecord[] {
	const w = messageWhere(page.filter, 'm.created_at')
	if (page.jobFor) {
		const st = page.jobFor.statuses
		w.sql.push(`EXISTS (SELECT 1 FROM deliveries d WHERE d.event_pk = m.event_pk AND d.endpoint = ? AND d.test = 0${st ? ` AND d.status IN (${st.map(() => '?').join(', ')})` : ''})`)
		w.args.push(page.jobFor.endpoint, ...(st ?? []))
	}
	const more = w.sql.map((c) => ` AND ${c}`).join('')
	const rows = page.above !== undefined
		? client.prepare(`${MSG} WHERE m.app = ? AND m.id > ?${more} ORDER BY m.id ASC LIMIT ?`).all(app, page.above, ...w.args, page.limit)
		: client.prepare(`${MSG} WHERE m.app = ? AND m.id < ?${more} ORDER BY m.id DESC LIMIT ?`).all(app, page.below ?? '\uffff', ...w.args, page.limit)
	return (rows as MsgRow[]).map(toMsg)
}

export function message(client: Database, app: string, idOrEventId: string): SvixMessageRecord | null {
	const r = client.prepare(`${MSG} WHERE m.app = ? AND (m.id = ? OR m.event_id = ?) ORDER BY m.id = ? DESC LIMIT 1`).get(app, idOrEventId, idOrEventId, idOrEventId) as MsgRow | null
	return r ? toMsg(r) : null
}

interface AttemptRow {
	pk: number; msg_id: string; endpoint: string; url: string; status: number | null; response_body: string; duration_ms: number
	started_at: number; error_message: string | null; job_status: string; manual: number
}

export function attempts(client: Database, app: string, f: SvixAttemptFilter): SvixAttemptRecord[] {
	const where = ['d.flow = ?', 'd.test = 0']
	const args: Array<string | number> = [app]
	if (f.endpoint !== undefined) { where.push('d.endpoint = ?'); args.push(f.endpoint) }
	if (f.msgId !== undefined) { where.push('e.id = ?'); args.push(f.msgId) }
	if (f.belowPk !== undefined) { where.push('a.pk < ?'); args.push(f.belowPk) }
	if (f.abovePk !== undefined) { where.push('a.pk > ?'); args.push(f.abovePk) }
	if (f.succeeded !== undefined) where.push(f.succeeded ? 'a.status BETWEEN 200 AND 299' : '(a.status IS NULL OR a.status NOT BETWEEN 200 AND 299)')
	if (f.statusClass !== undefined) {
		if (f.statusClass === 0) where.push('a.status IS NULL')
		else { where.push('a.status BETWEEN ? AND ?'); args.push(f.statusClass, f.statusClass + 99) }
	}
	const w = messageWhere(f, 'a.started_at')
	where.push(...w.sql)
	args.push(...w.args)
	const order = f.abovePk !== undefined ? 'ASC' : 'DESC'
	const rows = client.prepare(`SELECT a.pk, e.id AS msg_id, d.endpoint, a.url, a.status, a.response_body, a.duration_ms, a.started_at,
			a.error_message, d.status AS job_status, (mt.n IS NOT NULL) AS manual
		FROM attempts a JOIN deliveries d ON d.pk = a.delivery_pk JOIN events e ON e.pk = d.event_pk
		LEFT JOIN svix_messages m ON m.event_pk = e.pk
		LEFT JOIN svix_manual_tries mt ON mt.delivery_pk = a.delivery_pk AND mt.n = a.n
		WHERE ${where.join(' AND ')} ORDER BY a.pk ${order} LIMIT ?`).all(...args, f.limit) as AttemptRow[]
	return rows.map((r) => ({
		pk: r.pk, msgId: r.msg_id, endpoint: r.endpoint, url: r.url, status: r.status, responseBody: r.response_body, durationMs: r.duration_ms,
		startedAt: r.started_at, errorMessage: r.error_message, jobStatus: r.job_status as DeliveryStatus, manual: r.manual === 1,
	}))
}

interface TypeRow {
	name: string; description: string; archived: number; deprecated: number; schemas: string | null; group_name: string | null
	feature_flags: string | null; created_at: number; updated_at: number
}

export function eventTypes(client: Database): SvixEventTypeRecord[] {
	return (client.prepare('SELECT * FROM svix_event_types ORDER BY name').all() as TypeRow[]).map((r) => ({
		name: r.name, description: r.description, archived: r.archived === 1, deprecated: r.deprecated === 1,
		schemas: r.schemas === null ? null : JSON.parse(r.schemas), groupName: r.group_name,
		featureFlags: r.feature_flags === null ? null : JSON.parse(r.feature_flags), createdAt: r.created_at, updatedAt: r.updated_at,
	}))
}

export function saveEventType(client: Database, t: SvixEventTypeRecord, idem: SvixIdempotentAnswer | null) {
	client.transaction(() => {
		client.prepare(`INSERT INTO svix_event_types (name, description, archived, deprecated, schemas, group_name, feature_flags, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (name) DO UPDATE SET description = excluded.description, archived = excluded.archived, deprecated = excluded.deprecated,
				schemas = excluded.schemas, group_name = excluded.group_name, feature_flags = excluded.feature_flags, updated_at = excluded.updated_at`)
			.run(t.name, t.description, t.archived ? 1 : 0, t.deprecated ? 1 : 0, t.schemas && JSON.stringify(t.schemas), t.groupName,
				t.featureFlags && JSON.stringify(t.featureFlags), t.createdAt, t.updatedAt)
		remember(client, idem, t.updatedAt)
	}).immediate()
}

export function deleteEventType(client: Database, name: string) {
	client.prepare('DELETE FROM svix_event_types WHERE name = ?').run(name)
}

/** Runs inside the write queue's transaction. */
export function resend(client: Database, app: string, msgId: string, endpoint: string, now: number, retries: number, idem: SvixIdempotentAnswer | null): 'missing' | 'queued' {
	const m = client.prepare('SELECT event_pk FROM svix_messages WHERE app = ? AND id = ?').get(app, msgId) as { event_pk: number } | null
	if (!m) return 'missing'
	const job = client.prepare(`SELECT pk, status, attempt_count FROM deliveries WHERE event_pk = ? AND endpoint = ? AND test = 0 ORDER BY pk DESC LIMIT 1`)
		.get(m.event_pk, endpoint) as { pk: number; status: string; attempt_count: number } | null
	let pk: number
	let n: number
	// the manual try counts past the end of the retry schedule, so a failure is final: one try, never retried
	if (job && job.status !== 'delivering') {
		client.prepare(`UPDATE deliveries SET status = 'pending', owner = NULL, schedule_base = attempt_count - ?, next_attempt_at = ?, updated_at = ? WHERE pk = ?`).run(retries, now, now, job.pk)
		pk = job.pk
		n = job.attempt_count + 1
	} else {
		const row = client.prepare(`INSERT INTO deliveries (id, flow, endpoint, event_pk, status, test, attempt_count, schedule_base, next_attempt_at, created_at, updated_at)
			VALUES (?, ?, ?, ?, 'pending', 0, 0, ?, ?, ?, ?) RETURNING pk`).get(newJobId(), app, endpoint, m.event_pk, -retries, now, now, now) as { pk: number }
		pk = row.pk
		n = 1
	}
	client.prepare('INSERT INTO svix_manual_tries (delivery_pk, n) VALUES (?, ?) ON CONFLICT DO NOTHING').run(pk, n)
	remember(client, idem, now)
	return 'queued'
}

export function saveTask(client: Database, t: SvixTaskRecord, idem: SvixIdempotentAnswer | null) {
	client.transaction(() => {
		client.prepare(`INSERT INTO svix_tasks (id, task, status, data, updated_at) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET status = excluded.status, data = excluded.data, updated_at = excluded.updated_at`)
			.run(t.id, t.task, t.status, JSON.stringify(t.data), t.updatedAt)
		remember(client, idem, t.updatedAt)
	}).immediate()
}

export function task(client: Database, id: string): SvixTaskRecord | null {
	const r = client.prepare('SELECT * FROM svix_tasks WHERE id = ?').get(id) as { id: string; task: string; status: string; data: string; updated_at: number } | null
	return r && { id: r.id, task: r.task, status: r.status as SvixTaskRecord['status'], data: JSON.parse(r.data), updatedAt: r.updated_at }
}

export function tasks(client: Database, q: SvixTaskPage): SvixTaskRecord[] {
	const where: string[] = [q.above !== undefined ? 'id > ?' : 'id < ?']
	const args: Array<string | number> = [q.above ?? q.below ?? '\uffff']
	if (q.status !== undefined) { where.push('status = ?'); args.push(q.status) }
	if (q.task !== undefined) { where.push('task = ?'); args.push(q.task) }
	const rows = client.prepare(`SELECT * FROM svix_tasks WHERE ${where.join(' AND ')} ORDER BY id ${q.above !== undefined ? 'ASC' : 'DESC'} LIMIT ?`)
		.all(...args, q.limit) as Array<{ id: string; task: string; status: string; data: string; updated_at: number }>
	return rows.map((r) => ({ id: r.id, task: r.task, status: r.status as SvixTaskRecord['status'], data: JSON.parse(r.data), updatedAt: r.updated_at }))
}

export function purge(client: Database, answersBefore: number, tasksBefore: number): number {
	return client.transaction(() => {
		let n = client.prepare('DELETE FROM svix_idempotency WHERE created_at < ?').run(answersBefore).changes
		n += client.prepare('DELETE FROM svix_messages WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.pk = svix_messages.event_pk)').run().changes
		n += client.prepare('DELETE FROM svix_tasks WHERE updated_at < ?').run(tasksBefore).changes
		n += client.prepare('DELETE FROM svix_manual_tries WHERE NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.pk = svix_manual_tries.delivery_pk)').run().changes
		return n
	}).immediate()
}
