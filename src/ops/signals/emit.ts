import { ulid } from 'ulid'
import type { Catalog } from '../../catalog'
import { acceptEvents } from '../../ingest/accept'
import type { IngestStore } from '../../ingest/store'

export type OpsEventType =
	| 'endpoint.failing' | 'endpoint.recovered' | 'endpoint.disabled' | 'endpoint.enabled'
	| 'endpoint.created' | 'endpoint.updated' | 'endpoint.deleted'
	| 'delivery.exhausted' | 'config.reload_refused' | 'store.nearly_full' | 'report.undelivered'

export interface EmitDeps {
	store: IngestStore
	catalog: Catalog
	now: () => number
	log: { warn(o: object, m: string): void; debug(o: object, m: string): void }
}

// hookgate's own events go through the same ingest as a producer's, into
// operations.flow: stored, signed, retried and listed like any other, sent to
// the endpoints whose `events` filter matches, and shaped by the flow's
// envelope. A refusal (a full store, a flow that does not declare the type) is
// logged, never thrown at whoever noticed the transition.
export class OpsEmitter {
	constructor(private deps: EmitDeps) {}

	/** operations.flow of the moment, or null when none is set */
	get flow(): string | null {
		const f = this.deps.catalog.config.operations.flow
		return f !== '' && this.deps.catalog.flow(f) ? f : null
	}

	/** Whether an endpoint of `flow` is reported on: never the operations flow's own (no loops). */
	watches(flow: string): boolean {
		const ops = this.flow
		return ops !== null && flow !== ops
	}

	async emit(type: OpsEventType, data: Record<string, unknown>): Promise<string | null> {
		const ops = this.flow
		if (ops === null) return null
		const view = this.deps.catalog.flow(ops)!
		const id = `op_${ulid()}`
		try {
			await acceptEvents({ ...this.deps, reserve: true }, view, [{ id, type, occurredAt: new Date(this.deps.now()).toISOString(), data }], null, false)
			this.deps.log.debug({ type, id }, 'operational event emitted')
			return id
		} catch (err) {
			this.deps.log.warn({ type, err: err instanceof Error ? err.message : String(err) }, 'could not emit an operational event')
			return null
		}
	}
}
