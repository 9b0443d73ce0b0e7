// Messages: events of an application's flow, fanned out as Svix does it.
import type { z } from 'zod'
import type { EndpointConfig } from '../../domain'
import type { SvixMessageRecord } from '../../store/svix-types'
import { conflict, notFound } from '../errors'
import type { Ctx } from '../http'
import { newSvixId } from '../ids'
import type { messageIn } from '../model'
import { findApp, iso } from './apps'
import { appEndpoints } from './endpoints'

export const withContent = (ctx: Ctx) => ctx.query.get('with_content') !== 'false'

export const messageOut = (m: SvixMessageRecord, content: boolean) => ({
	id: m.id, eventId: m.eventId, eventType: m.eventType, payload: content ? m.payload : {},
	channels: m.channels ?? undefined, tags: m.tags ?? undefined, timestamp: iso(m.createdAt),
})

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

export async function createMessage(ctx: Ctx, appIdOrUid: string, input: z.infer<typeof messageIn>) {
	const app = findApp(ctx, appIdOrUid)
	const now = ctx.deps.now()
	const channels = input.channels ?? null
	const record: SvixMessageRecord = {
		app: app.id, id: newSvixId('msg'), eventId: input.eventId ?? null, eventType: input.eventType, payload: input.payload,
		channels, tags: input.tags ?? null, createdAt: now,
	}
	const body = messageOut(record, withContent(ctx))
	const outcome = await ctx.deps.store.svixSendMessage({
		...record, now, endpoints: recipients(ctx, app.id, input.eventType, channels).map((e) => e.id), idem: ctx.answer(202, body),
	})
	if (outcome.kind === 'event_id_taken') throw conflict('A message with that eventId already exists')
	return { status: 202, body }
}

export async function findMessage(ctx: Ctx, appId: string, idOrEventId: string): Promise<SvixMessageRecord> {
	const m = await ctx.deps.store.svixMessage(appId, idOrEventId)
	if (!m) throw notFound('Message not found')
	return m
}
