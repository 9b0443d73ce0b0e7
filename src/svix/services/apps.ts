// Applications: flows created through /api/v1, found by id or uid.
import type { SvixAppRecord } from '../../store/svix-types'
import { conflict, invalid, notFound } from '../errors'
import type { Ctx } from '../http'
import { newSvixId } from '../ids'
import { pathNameProblem, type applicationIn, type applicationPatch } from '../model'
import type { z } from 'zod'

export const iso = (ms: number) => new Date(ms).toISOString()

export const appOut = (a: SvixAppRecord) => ({
	id: a.id, uid: a.uid, name: a.name, throttleRate: a.throttleRate, metadata: a.metadata, createdAt: iso(a.createdAt), updatedAt: iso(a.updatedAt),
})

export function lookupApp(ctx: Ctx, idOrUid: string): SvixAppRecord | undefined {
	const apps = ctx.deps.catalog.svixApps()
	return idOrUid.startsWith('app_') ? apps.find((a) => a.id === idOrUid) : apps.find((a) => a.uid === idOrUid)
}

export function findApp(ctx: Ctx, idOrUid: string): SvixAppRecord {
	const app = lookupApp(ctx, idOrUid)
	if (!app) throw notFound('Application not found')
	return app
}

const APP_CONFLICT = 'An application with that id or uid already exists'

/** Stores the app and the answer in one transaction; a uid another app holds is 409. */
export async function saveApp(ctx: Ctx, app: SvixAppRecord, status: number) {
	const body = appOut(app)
	const r = await ctx.deps.catalog.putSvixApp(app, ctx.answer(status, body))
	if (r === 'uid_taken') throw conflict(APP_CONFLICT)
	return { status, body }
}

export async function createApp(ctx: Ctx, input: z.infer<typeof applicationIn>, getIfExists: boolean) {
	if (input.uid != null) {
		const existing = lookupApp(ctx, input.uid)
		if (existing && getIfExists) return { status: 200, body: appOut(existing) }
		if (existing) throw conflict(APP_CONFLICT)
	}
	const now = ctx.deps.now()
	return saveApp(ctx, {
		id: newSvixId('app'), uid: input.uid ?? null, name: input.name, metadata: input.metadata ?? {},
		throttleRate: input.throttleRate ?? null, createdAt: now, updatedAt: now,
	}, 201)
}

export async function upsertApp(ctx: Ctx, idOrUid: string, input: z.infer<typeof applicationIn>) {
	const existing = lookupApp(ctx, idOrUid)
	const now = ctx.deps.now()
	if (existing) {
		return saveApp(ctx, {
			...existing, name: input.name, uid: input.uid ?? existing.uid, metadata: input.metadata ?? {}, throttleRate: input.throttleRate ?? null, updatedAt: now,
		}, 200)
	}
	// an unknown uid names the new application; an unknown id cannot be chosen
	if (idOrUid.startsWith('app_')) throw notFound('Application not found')
	const problem = pathNameProblem(idOrUid, 'app_')
	if (problem) throw invalid(['path', 'app_id'], problem)
	return saveApp(ctx, {
		id: newSvixId('app'), uid: idOrUid, name: input.name, metadata: input.metadata ?? {}, throttleRate: input.throttleRate ?? null, createdAt: now, updatedAt: now,
	}, 201)
}

export async function patchApp(ctx: Ctx, idOrUid: string, input: z.infer<typeof applicationPatch>) {
	const app = findApp(ctx, idOrUid)
	return saveApp(ctx, {
		...app,
		name: input.name ?? app.name,
		uid: input.uid !== undefined ? input.uid : app.uid,
		metadata: input.metadata ?? app.metadata,
		throttleRate: input.throttleRate !== undefined ? input.throttleRate : app.throttleRate,
		updatedAt: ctx.deps.now(),
	}, 200)
}
