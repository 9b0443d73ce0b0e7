// Messages: events of an application's flow, fanned out as Svix does it.
import type { z } from 'zod'
import type { EndpointConfig } from '../../domain'
import type { SvixMessageRecord } from '../../store/svix-types'
import { conflict, invalid, notFound } from '../errors'
import type { Ctx } from '../http'
import { newSvixId } from '../ids'
import type { messageIn } from '../model'
import { findApp, iso, lookupApp } from './apps'
import { appEndpoints } from './endpoints'

export const withContent = (ctx: Ctx) => ctx.query.get('with_content') !== 'false'

export const messageOut = (m: SvixMessageRecord, content: boolean) => ({
	id: m.id, eventId: m.eventId, eventType: m.eventType, payload: content ? m.payload : {},
	channels: m.channels ?? undefined, tags: m.tags ?? undefined, timestamp: iso(m.createdAt),
	deliverAt: m.deliverAt === null ? undefined : iso(m.deliverAt),
})

const MIN_DELAY_MS = 60_000
const MAX_DELAY_MS = 24 * 3600_000

/** The app of the path; an unknown uid with `application` in the body creates it, as Svix does. */
async function appFor(ctx: Ctx, idOrUid: string, input: z.infer<typeof messageIn>) {
	const found = lookupApp(ctx, idOrUid)
	if (found || !input.application) return findApp(ctx, idOrUid)
	if (idOrUid.startsWith('app_')) throw notFound('Application not found')
	if (input.application.uid == null) throw invalid(['body', 'application', 'uid'], 'must be the uid named in the path', 'application_uid_missing')
	if (input.application.uid !== idOrUid) throw invalid(['body', 'application', 'uid'], 'must be the uid named in the path', 'application_uid_mismatch')
	const now = ctx.deps.now()
	const app = {
		id: newSvixId('app'), uid: idOrUid, name: input.application.name, metadata: input.application.metadata ?? {},
		throttleRate: input.application.throttleRate ?? null, createdAt: now, updatedAt: now,
	}
	if (await ctx.deps.catalog.putSvixApp(app, null) === 'uid_taken') return findApp(ctx, idOrUid)
	return app
}

/**
 * Who gets a message: enabled endpoints whose eventTypes (if any) name its
 * type and whose channels (if any) share one of its channels; a message
 * without channels reaches only endpoints without them. A disabled endpoint
 * gets no job at all (no backlog), unlike a YAML endpoint's waiting jobs.
 */
export function recipients(ctx: Ctx, app: string, type: string, channels: string[] | null): EndpointConfig[] {
	return appEndpoints(ctx, app).filter((e) => {
		if (!ctx.deps.catalog.isEnabled(app, e)) return false
		const s = e.svix
		if (s?.eventTypes && !s.eventTypes.includes(type)) return false
		if (s?.channels && !(channels ?? []).some((c) => s.channels!.includes(c))) return false
		return true
	})
}

export async function createMessage(ctx: Ctx, appIdOrUid: string, input: z.infer<typeof messageIn>, only?: EndpointConfig) {
	const now = ctx.deps.now()
	let deliverAt: number | null = null
	if (input.deliverAt != null) {
		deliverAt = Date.parse(input.deliverAt)
		if (deliverAt < now + MIN_DELAY_MS - 5000 || deliverAt > now + MAX_DELAY_MS) throw invalid(['body', 'deliverAt'], 'must be 1 minute to 24 hours ahead')
	}
	const app = await appFor(ctx, appIdOrUid, input)
	const channels = input.channels ?? null
	const record: SvixMessageRecord = {
		app: app.id, id: newSvixId('msg'), eventId: input.eventId ?? null, eventType: input.eventType, payload: input.payload,
		channels, tags: input.tags ?? null, deliverAt, createdAt: now,
	}
	const body = messageOut(record, withContent(ctx))
	const outcome = await ctx.deps.store.svixSendMessage({
		...record, now, idem: ctx.answer(202, body),
		endpoints: only ? [only.id] : recipients(ctx, app.id, input.eventType, channels).map((e) => e.id),
	})
	if (outcome.kind === 'event_id_taken') throw conflict('A message with that eventId already exists')
	return { status: 202, body }
}

export async function findMessage(ctx: Ctx, appId: string, idOrEventId: string): Promise<SvixMessageRecord> {
	const m = await ctx.deps.store.svixMessage(appId, idOrEventId)
	if (!m) throw notFound('Message not found')
	return m
}
