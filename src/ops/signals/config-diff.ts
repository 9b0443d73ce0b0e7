import type { Config, EndpointConfig } from '../../domain'

export type EndpointChange = { kind: 'created' | 'updated' | 'deleted' | 'enabled' | 'disabled'; flow: string; endpoint: string }

/** what a reload compares: everything written in the YAML, not when it was loaded */
const shape = (e: EndpointConfig) => JSON.stringify({ ...e, enabled: null, createdAt: null })

/**
 * What a reload changed among the YAML's endpoints, in file order: a new one is
 * created, a missing one deleted (a removed flow deletes all of its), a changed
 * one updated, and a flipped `enabled` is enabled or disabled (both when it
 * changed besides). The operations flow's own endpoints are left out.
 */
export function endpointChanges(before: Config, after: Config): EndpointChange[] {
	const skip = new Set([before.operations.flow, after.operations.flow].filter((f) => f !== ''))
	const old = new Map<string, EndpointConfig>()
	for (const f of before.flows) if (!skip.has(f.id)) for (const e of f.endpoints) old.set(`${f.id}\u0000${e.id}`, e)
	const out: EndpointChange[] = []
	const seen = new Set<string>()
	for (const f of after.flows) {
		if (skip.has(f.id)) continue
		for (const e of f.endpoints) {
			const k = `${f.id}\u0000${e.id}`
			seen.add(k)
			const was = old.get(k)
			const at = { flow: f.id, endpoint: e.id }
			if (!was) { out.push({ kind: 'created', ...at }); continue }
			if (shape(was) !== shape(e)) out.push({ kind: 'updated', ...at })
			if (was.enabled !== e.enabled) out.push({ kind: e.enabled ? 'enabled' : 'disabled', ...at })
		}
	}
	for (const [k, e] of old) if (!seen.has(k)) out.push({ kind: 'deleted', flow: k.split('\u0000')[0], endpoint: e.id })
	return out
}
