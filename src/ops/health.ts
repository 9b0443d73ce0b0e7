import { Elysia } from 'elysia'
import { z } from 'zod'

const ok = z.object({ status: z.literal('ok') })
const down = z.object({ status: z.literal('unavailable'), reason: z.string() })
const json = (description: string, schema: z.ZodType) => ({ description, content: { 'application/json': { schema: z.toJSONSchema(schema) as object } } })

/** What readiness and error answers ask the store. */
export interface StoreHealth {
	/** a real write that commits (a heartbeat row): fails when the store cannot take writes */
	probeWrite(): Promise<void>
	/** why ingest would be refused for the store right now (damaged, nearly full), or null */
	refusal(): string | null
	/** an unexpected error from a statement: returns a message when it shows the database is damaged (then refusal() says so too) */
	noteError(err: unknown): string | null
}

export interface Readiness {
	/** null when ready, else the reason */
	check(): Promise<string | null>
}

/**
 * Ready when nothing refuses ingest (`refusal`: the store's reason, or the
 * gateway stopping), a write commits, and the dispatcher runs. A failed write
 * that shows damage says so.
 */
export function storeReadiness(store: StoreHealth, refusal: () => string | null, dispatcherAlive: () => boolean): Readiness {
	return {
		async check() {
			const refused = refusal()
			if (refused) return refused
			try { await store.probeWrite() } catch (e) {
				return store.noteError(e) ?? `store write failed: ${e instanceof Error ? e.message : String(e)}`
			}
			if (!dispatcherAlive()) return 'the dispatcher is not running'
			return null
		},
	}
}

export function healthRoutes(ready: Readiness) {
	return new Elysia({ name: 'health' })
		.get('/healthz', () => ({ status: 'ok' }), {
			detail: { tags: ['ops'], summary: 'The process is up', responses: { 200: json('the process runs', ok) } },
		})
		.get('/readyz', async ({ set }) => {
			const reason = await ready.check()
			if (reason === null) return { status: 'ok' }
			set.status = 503
			return { status: 'unavailable', reason }
		}, {
			detail: {
				tags: ['ops'], summary: 'The store takes writes, migrations are applied and the dispatcher runs',
				responses: { 200: json('ready', ok), 503: json('not ready, with the reason', down) },
			},
		})
}
