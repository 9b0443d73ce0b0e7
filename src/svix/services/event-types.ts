// The event-type catalog: what endpoints may filter on. Archiving keeps a
// type (messages of it are still accepted); expunge removes it.
import type { z } from 'zod'
import type { SvixEventTypeRecord } from '../../store/svix-types'
import { invalid, notFound, SvixError } from '../errors'
import type { Ctx } from '../http'
import { pathNameProblem, type eventTypeIn, type eventTypePatch, type eventTypeUpsertIn } from '../model'
import { iso } from './apps'

export const eventTypeOut = (t: SvixEventTypeRecord, content: boolean) => ({
	name: t.name, description: t.description, archived: t.archived, deprecated: t.deprecated,
	schemas: content ? t.schemas : undefined, groupName: t.groupName ?? undefined, featureFlags: t.featureFlags ?? undefined,
	createdAt: iso(t.createdAt), updatedAt: iso(t.updatedAt),
})

export async function findType(ctx: Ctx, name: string): Promise<SvixEventTypeRecord> {
	const t = (await ctx.deps.store.svixEventTypes()).find((x) => x.name === name)
	if (!t) throw notFound('Event type not found')
	return t
}

/** Endpoint filters name existing, unarchived types only (422 otherwise; the names are not repeated back). */
export async function checkEndpointTypes(ctx: Ctx, names: string[] | null | undefined) {
	if (!names) return
	const live = new Set((await ctx.deps.store.svixEventTypes()).filter((t) => !t.archived).map((t) => t.name))
	if (names.some((n) => !live.has(n))) throw invalid(['body', 'eventTypes'], 'names event types that do not exist or are archived')
}

async function save(ctx: Ctx, t: SvixEventTypeRecord, status: number) {
	const body = eventTypeOut(t, true)
	await ctx.deps.store.svixSaveEventType(t, ctx.answer(status, body))
	return { status, body }
}

type Fields = z.infer<typeof eventTypeUpsertIn>
const record = (name: string, f: Fields, createdAt: number, now: number): SvixEventTypeRecord => ({
	name, description: f.description, archived: f.archived ?? false, deprecated: f.deprecated ?? false, schemas: f.schemas ?? null,
	groupName: f.groupName ?? null, featureFlags: f.featureFlags ?? null, createdAt, updatedAt: now,
})

export async function createType(ctx: Ctx, input: z.infer<typeof eventTypeIn>) {
	const existing = (await ctx.deps.store.svixEventTypes()).find((x) => x.name === input.name)
	if (existing && !existing.archived) throw new SvixError(409, 'event_type_exists', 'An event type with this name already exists')
	// an archived type of the name comes back, overwritten
	const now = ctx.deps.now()
	return save(ctx, record(input.name, input, existing?.createdAt ?? now, now), 201)
}

export async function upsertType(ctx: Ctx, name: string, input: Fields) {
	const existing = (await ctx.deps.store.svixEventTypes()).find((x) => x.name === name)
	const problem = existing ? null : pathNameProblem(name, null)
	if (problem) throw invalid(['path', 'event_type_name'], problem)
	const now = ctx.deps.now()
	return save(ctx, record(name, input, existing?.createdAt ?? now, now), existing ? 200 : 201)
}

export async function patchType(ctx: Ctx, name: string, input: z.infer<typeof eventTypePatch>) {
	const t = await findType(ctx, name)
	const pick = <T>(v: T | undefined, old: T) => (v === undefined ? old : v)
	return save(ctx, {
		...t, description: input.description ?? t.description, archived: input.archived ?? t.archived, deprecated: input.deprecated ?? t.deprecated,
		schemas: pick(input.schemas, t.schemas), groupName: pick(input.groupName, t.groupName), featureFlags: pick(input.featureFlags, t.featureFlags),
		updatedAt: ctx.deps.now(),
	}, 200)
}

export async function deleteType(ctx: Ctx, name: string, expunge: boolean) {
	const t = await findType(ctx, name)
	if (expunge) await ctx.deps.store.svixDeleteEventType(name)
	else await ctx.deps.store.svixSaveEventType({ ...t, archived: true, updatedAt: ctx.deps.now() }, null)
	return { status: 204 }
}
