import type { DeliveryStatus, EndpointConfig } from '../../domain'
import type {
	SvixAppRecord, SvixAttemptFilter, SvixEventTypeRecord, SvixTaskRecord, SvixMessageFilter, SvixAttemptRecord, SvixIdempotentAnswer, SvixMessageRecord, SvixNewMessage, SvixPage, SvixSendOutcome, SvixTaskPage,
} from '../svix-types'
import { IDEMPOTENCY_TTL_MS, IdempotencyTaken } from '../svix-types'
import { applyAll } from './ingest'
import { newJobId } from '../ids'
import { num, type Q } from './rows'

// The Svix-compatible API's rows, as the SQLite store keeps them (sqlite/svix.ts).

const toApp = (r: Record<string, any>): SvixAppRecord => ({
	id: r.id, uid: r.uid, name: r.name, metadata: JSON.parse(r.metadata), throttleRate: r.throttle_rate,
	createdAt: num(r.created_at), updatedAt: num(r.updated_at),
})

export async function apps(sql: Q): Promise<SvixAppRecord[]> {
	return [...await sql`SELECT * FROM svix_apps ORDER BY id`].map(toApp)
}

/**
 * Stores the answer beside its effect. Two instances with one key: the second
 * insert waits on the first's row lock, then finds a live answer and rolls its
 * own effect back.
 */
async function remember(tx: Q, idem: SvixIdempotentAnswer | null, now: number) {
	if (!idem) return
	const [row] = await tx`INSERT INTO svix_idempotency (key, status, body, created_at) VALUES (${idem.key}, ${idem.status}, ${idem.body}, ${now})
		ON CONFLICT (key) DO UPDATE SET status = excluded.status, body = excluded.body, created_at = excluded.created_at
		WHERE svix_idempotency.created_at < ${now - IDEMPOTENCY_TTL_MS} RETURNING key`
	if (!row) throw new IdempotencyTaken()
}

class UidTaken extends Error {}

export async function saveApp(sql: Q, a: SvixAppRecord, idem: SvixIdempotentAnswer | null): Promise<'ok' | 'uid_taken'> {
	try {
		return await sql.begin(async (tx) => {
			if (a.uid !== null) {
				const [other] = await tx`SELECT id FROM svix_apps WHERE uid = ${a.uid} AND id <> ${a.id}`
				if (other) throw new UidTaken()
			}
			await tx`INSERT INTO svix_apps (id, uid, name, metadata, throttle_rate, created_at, updated_at)
				VALUES (${a.id}, ${a.uid}, ${a.name}, ${JSON.stringify(a.metadata)}, ${a.throttleRate}, ${a.createdAt}, ${a.updatedAt})
				ON CONFLICT (id) DO UPDATE SET uid = excluded.uid, name = excluded.name, metadata = excluded.metadata,
					throttle_rate = excluded.throttle_rate, updated_at = excluded.updated_at`
			await remember(tx, idem, a.updatedAt)
			return 'ok' as const
		})
	} catch (err) {
		// two instances saving the same uid at once: the unique index decides
		if (err instanceof UidTaken || String((err as { code?: string }).code ?? '') === '23505' || /svix_apps_uid/.test(String(err))) return 'uid_taken'
		throw err
	}
}

export async function deleteApp(sql: Q, id: string, now: number): Promise<number> {
	return sql.begin(async (tx) => {
		await tx`DELETE FROM svix_apps WHERE id = ${id}`
		await tx`DELETE FROM endpoints WHERE flow = ${id}`
		await tx`DELETE FROM endpoint_state WHERE flow = ${id}`
		const r = await tx`UPDATE deliveries SET status = 'cancelled', updated_at = ${now} WHERE flow = ${id} AND status = 'pending'`
		return r.count as number
	})
}

export async function saveEndpoint(sql: Q, flow: string, e: EndpointConfig, now: number, idem: SvixIdempotentAnswer | null) {
	await sql.begin(async (tx) => {
		await tx`INSERT INTO endpoints (flow, id, config, created_at, updated_at) VALUES (${flow}, ${e.id}, ${JSON.stringify(e)}, ${e.createdAt ?? now}, ${now})
			ON CONFLICT (flow, id) DO UPDATE SET config = excluded.config, updated_at = excluded.updated_at`
		await remember(tx, idem, now)
	})
}

export async function answer(sql: Q, key: string, since: number): Promise<{ status: number; body: string } | null> {
	const [r] = await sql`SELECT status, body FROM svix_idempotency WHERE key = ${key} AND created_at >= ${since}`
	return r ? { status: r.status, body: r.body } : null
}

class Taken extends Error {}

export async function sendMessage(sql: Q, m: SvixNewMessage, hint: { channel: string; payload: string }): Promise<SvixSendOutcome> {
	try {
		return await sql.begin(async (tx) => {
			if (m.eventId !== null) {
				const [hit] = await tx`SELECT 1 FROM svix_messages WHERE app = ${m.app} AND event_id = ${m.eventId}`
				if (hit) throw new Taken()
			}
			const [event] = await applyAll(tx, m.app, [{
				event: { id: m.id, type: m.eventType, sessionId: null, occurredAt: null, success: true, data: m.payload }, endpoints: m.endpoints,
			}], m.now)
			if (!event?.stored) throw new Error('the message could not be stored')
			await tx`INSERT INTO svix_messages (app, id, event_pk, event_id, channels, tags, deliver_at, created_at)
				VALUES (${m.app}, ${m.id}, ${event.stored.pk}, ${m.eventId}, ${m.channels && JSON.stringify(m.channels)}, ${m.tags && JSON.stringify(m.tags)}, ${m.deliverAt}, ${m.now})`
			if (m.deliverAt !== null) await tx`UPDATE deliveries SET next_attempt_at = ${m.deliverAt} WHERE event_pk = ${event.stored.pk}`
			await remember(tx, m.idem, m.now)
			if (event.deliveries.length > 0) await tx.notify(hint.channel, hint.payload)
			return { kind: 'sent' as const, event }
		})
	} catch (err) {
		if (err instanceof Taken || /svix_messages_event_id/.test(String(err))) return { kind: 'event_id_taken' }
		throw err
	}
}

const toMsg = (r: Record<string, any>): SvixMessageRecord => ({
	app: r.app, id: r.id, eventId: r.event_id, eventType: r.type, payload: JSON.parse(r.data),
	channels: r.channels === null ? null : JSON.parse(r.channels), tags: r.tags === null ? null : JSON.parse(r.tags), deliverAt: r.deliver_at === null ? null : num(r.deliver_at), createdAt: num(r.created_at),
})

/** The message filters over `m` (svix_messages) and `e` (events); `at` names the time the before/after filters read. */
function messageWhere(sql: Q, f: SvixMessageFilter | undefined, at: 'm.created_at' | 'a.started_at') {
	const x = f ?? {}
	const channel = x.channel === undefined ? null : JSON.stringify(x.channel)
	const tag = x.tag === undefined ? null : JSON.stringify(x.tag)
	const types = x.eventTypes?.length ? x.eventTypes : null
	const time = sql.unsafe(at)
	return sql`(${channel}::text IS NULL OR strpos(m.channels, ${channel}) > 0)
		AND (${tag}::text IS NULL OR strpos(m.tags, ${tag}) > 0)
		AND (${types}::text[] IS NULL OR e.type = ANY(${types}::text[]))
		AND (${x.before ?? null}::bigint IS NULL OR ${time} < ${x.before ?? null})
		AND (${x.after ?? null}::bigint IS NULL OR ${time} > ${x.after ?? null})`
}

export async function messages(sql: Q, app: string, page: SvixPage): Promise<SvixMessageRecord[]> {
	const f = messageWhere(sql, page.filter, 'm.created_at')
	const ep = page.jobFor?.endpoint ?? null
	const st = page.jobFor?.statuses ?? null
	const w = sql`${f} AND (${ep}::text IS NULL OR EXISTS (SELECT 1 FROM deliveries d WHERE d.event_pk = m.event_pk AND d.endpoint = ${ep}
		AND d.test = false AND (${st}::text[] IS NULL OR d.status = ANY(${st}::text[]))))`
	const rows = page.above !== undefined
		? await sql`SELECT m.app, m.id, m.event_id, e.type, e.data, m.channels, m.tags, m.deliver_at, m.created_at FROM svix_messages m JOIN events e ON e.pk = m.event_pk
			WHERE m.app = ${app} AND m.id > ${page.above} AND ${w} ORDER BY m.id ASC LIMIT ${page.limit}`
		: await sql`SELECT m.app, m.id, m.event_id, e.type, e.data, m.channels, m.tags, m.deliver_at, m.created_at FROM svix_messages m JOIN events e ON e.pk = m.event_pk
			WHERE m.app = ${app} AND m.id < ${page.below ?? '\uffff'} AND ${w} ORDER BY m.id DESC LIMIT ${page.limit}`
	return [...rows].map(toMsg)
}

export async function message(sql: Q, app: string, idOrEventId: string): Promise<SvixMessageRecord | null> {
	const [r] = await sql`SELECT m.app, m.id, m.event_id, e.type, e.data, m.channels, m.tags, m.deliver_at, m.created_at FROM svix_messages m JOIN events e ON e.pk = m.event_pk
		WHERE m.app = ${app} AND (m.id = ${idOrEventId} OR m.event_id = ${idOrEventId}) ORDER BY (m.id = ${idOrEventId}) DESC LIMIT 1`
	return r ? toMsg(r) : null
}

export async function attempts(sql: Q, app: string, f: SvixAttemptFilter): Promise<SvixAttemptRecord[]> {
	const rows = await sql`SELECT a.pk, e.id AS msg_id, d.endpoint, a.url, a.status, a.response_body, a.duration_ms, a.started_at,
			a.error_message, d.status AS job_status, (mt.n IS NOT NULL) AS manual
		FROM attempts a JOIN deliveries d ON d.pk = a.delivery_pk JOIN events e ON e.pk = d.event_pk
		LEFT JOIN svix_messages m ON m.event_pk = e.pk
		LEFT JOIN svix_manual_tries mt ON mt.delivery_pk = a.delivery_pk AND mt.n = a.n
		WHERE d.flow = ${app} AND d.test = false AND ${messageWhere(sql, f, 'a.started_at')}
			AND (${f.succeeded ?? null}::boolean IS NULL OR COALESCE(a.status BETWEEN 200 AND 299, false) = ${f.succeeded ?? null})
			AND (${f.statusClass ?? null}::int IS NULL OR (${f.statusClass ?? null}::int = 0 AND a.status IS NULL)
				OR a.status BETWEEN ${f.statusClass ?? null}::int AND ${f.statusClass ?? null}::int + 99)
			AND (${f.endpoint ?? null}::text IS NULL OR d.endpoint = ${f.endpoint ?? null})
			AND (${f.msgId ?? null}::text IS NULL OR e.id = ${f.msgId ?? null})
			AND (${f.belowPk ?? null}::bigint IS NULL OR a.pk < ${f.belowPk ?? null})
			AND (${f.abovePk ?? null}::bigint IS NULL OR a.pk > ${f.abovePk ?? null})
		ORDER BY CASE WHEN ${f.abovePk ?? null}::bigint IS NULL THEN -a.pk ELSE a.pk END
		LIMIT ${f.limit}`
	return [...rows].map((r) => ({
		pk: num(r.pk), msgId: r.msg_id, endpoint: r.endpoint, url: r.url, status: r.status, responseBody: r.response_body,
		durationMs: num(r.duration_ms), startedAt: num(r.started_at), errorMessage: r.error_message, jobStatus: r.job_status as DeliveryStatus, manual: r.manual === true,
	}))
}

export async function eventTypes(sql: Q): Promise<SvixEventTypeRecord[]> {
	return [...await sql`SELECT * FROM svix_event_types ORDER BY name`].map((r) => ({
		name: r.name, description: r.description, archived: r.archived, deprecated: r.deprecated,
		schemas: r.schemas === null ? null : JSON.parse(r.schemas), groupName: r.group_name,
		featureFlags: r.feature_flags === null ? null : JSON.parse(r.feature_flags), createdAt: num(r.created_at), updatedAt: num(r.updated_at),
	}))
}

export async function saveEventType(sql: Q, t: SvixEventTypeRecord, idem: SvixIdempotentAnswer | null) {
	await sql.begin(async (tx) => {
		await tx`INSERT INTO svix_event_types (name, description, archived, deprecated, schemas, group_name, feature_flags, created_at, updated_at)
			VALUES (${t.name}, ${t.description}, ${t.archived}, ${t.deprecated}, ${t.schemas && JSON.stringify(t.schemas)}, ${t.groupName},
				${t.featureFlags && JSON.stringify(t.featureFlags)}, ${t.createdAt}, ${t.updatedAt})
			ON CONFLICT (name) DO UPDATE SET description = excluded.description, archived = excluded.archived, deprecated = excluded.deprecated,
				schemas = excluded.schemas, group_name = excluded.group_name, feature_flags = excluded.feature_flags, updated_at = excluded.updated_at`
		await remember(tx, idem, t.updatedAt)
	})
}

export async function deleteEventType(sql: Q, name: string) {
	await sql`DELETE FROM svix_event_types WHERE name = ${name}`
}

export async function resend(sql: Q, app: string, msgId: string, endpoint: string, now: number, retries: number, idem: SvixIdempotentAnswer | null, hint: { channel: string; payload: string }): Promise<'missing' | 'queued'> {
	return sql.begin(async (tx) => {
		const [m] = await tx`SELECT event_pk FROM svix_messages WHERE app = ${app} AND id = ${msgId}`
		if (!m) return 'missing' as const
		// the job row is locked, so a claim by another instance waits for this change
		const [job] = await tx`SELECT pk, status, attempt_count FROM deliveries WHERE event_pk = ${m.event_pk} AND endpoint = ${endpoint} AND test = false
			ORDER BY pk DESC LIMIT 1 FOR UPDATE`
		let pk: number
		let n: number
		// the manual try counts past the end of the retry schedule, so a failure is final: one try, never retried
		if (job && job.status !== 'delivering') {
			await tx`UPDATE deliveries SET status = 'pending', owner = NULL, schedule_base = attempt_count - ${retries}, next_attempt_at = ${now}, updated_at = ${now} WHERE pk = ${job.pk}`
			pk = num(job.pk)
			n = num(job.attempt_count) + 1
		} else {
			const [row] = await tx`INSERT INTO deliveries (id, flow, endpoint, event_pk, status, test, attempt_count, schedule_base, next_attempt_at, created_at, updated_at)
				VALUES (${newJobId()}, ${app}, ${endpoint}, ${m.event_pk}, 'pending', false, 0, ${-retries}, ${now}, ${now}, ${now}) RETURNING pk`
			pk = num(row.pk)
			n = 1
		}
		await tx`INSERT INTO svix_manual_tries (delivery_pk, n) VALUES (${pk}, ${n}) ON CONFLICT DO NOTHING`
		await remember(tx, idem, now)
		await tx.notify(hint.channel, hint.payload)
		return 'queued' as const
	})
}

export async function saveTask(sql: Q, t: SvixTaskRecord, idem: SvixIdempotentAnswer | null) {
	await sql.begin(async (tx) => {
		await tx`INSERT INTO svix_tasks (id, task, status, data, updated_at) VALUES (${t.id}, ${t.task}, ${t.status}, ${JSON.stringify(t.data)}, ${t.updatedAt})
			ON CONFLICT (id) DO UPDATE SET status = excluded.status, data = excluded.data, updated_at = excluded.updated_at`
		await remember(tx, idem, t.updatedAt)
	})
}

export async function task(sql: Q, id: string): Promise<SvixTaskRecord | null> {
	const [r] = await sql`SELECT * FROM svix_tasks WHERE id = ${id}`
	return r ? { id: r.id, task: r.task, status: r.status, data: JSON.parse(r.data), updatedAt: num(r.updated_at) } : null
}

export async function tasks(sql: Q, q: SvixTaskPage): Promise<SvixTaskRecord[]> {
	const status = q.status ?? null
	const task = q.task ?? null
	const rows = q.above !== undefined
		? await sql`SELECT * FROM svix_tasks WHERE id > ${q.above} AND (${status}::text IS NULL OR status = ${status})
			AND (${task}::text IS NULL OR task = ${task}) ORDER BY id ASC LIMIT ${q.limit}`
		: await sql`SELECT * FROM svix_tasks WHERE id < ${q.below ?? '\uffff'} AND (${status}::text IS NULL OR status = ${status})
			AND (${task}::text IS NULL OR task = ${task}) ORDER BY id DESC LIMIT ${q.limit}`
	return [...rows].map((r) => ({ id: r.id, task: r.task, status: r.status, data: JSON.parse(r.data), updatedAt: num(r.updated_at) }))
}

export async function purge(sql: Q, answersBefore: number, tasksBefore: number): Promise<number> {
	return sql.begin(async (tx) => {
		const a = await tx`DELETE FROM svix_idempotency WHERE created_at < ${answersBefore}`
		const m = await tx`DELETE FROM svix_messages m WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.pk = m.event_pk)`
		const t = await tx`DELETE FROM svix_manual_tries t WHERE NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.pk = t.delivery_pk)`
		const k = await tx`DELETE FROM svix_tasks WHERE updated_at < ${tasksBefore}`
		return (a.count as number) + (m.count as number) + (t.count as number) + (k.count as number)
	})
}
