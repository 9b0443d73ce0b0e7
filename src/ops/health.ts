import { Elysia } from 'elysia'

export interface Readiness {
	/** null when ready, else the reason */
	check(): Promise<string | null>
}

export function healthRoutes(ready: Readiness) {
	return new Elysia({ name: 'health' })
		.get('/healthz', () => ({ status: 'ok' }), { detail: { tags: ['ops'], summary: 'The process is up' } })
		.get('/readyz', async ({ set }) => {
			const reason = await ready.check()
			if (reason === null) return { status: 'ok' }
			set.status = 503
			return { status: 'unavailable', reason }
		}, { detail: { tags: ['ops'], summary: 'The store takes writes, migrations are applied and the dispatcher runs' } })
}
