// Endpoints through the admin API. API endpoints are validated by the same
// normalizeEndpoint as the YAML loader and stored through the catalog; YAML
// ones can only be switched and tested. Enabled/disabled is runtime state
// (catalog.changeState), for both kinds.
import { ulid } from 'ulid'
import { endpointToInput } from '../../config/endpoint-input'
import { normalizeEndpoint } from '../../config/endpoint'
import type { EndpointInput } from '../../config/schema'
import type { Catalog, FlowView } from '../../catalog'
import type { EndpointConfig } from '../../domain'
import { generateSecret } from '../../signing/secret'
import type { AdminDeps, ChangedBy } from '../deps'
import { invalidRequest } from '../validate'
import { endpointView, iso } from '../views'
import { applyPatch, type EndpointPatch } from './endpoint-patch'
import { conflict, findEndpoint, findFlow, managedByConfig, managedBySvix, serial } from './lookup'

const locks = new WeakMap<Catalog, ReturnType<typeof serial>>()
const locked = <T>(deps: AdminDeps, fn: () => Promise<T>): Promise<T> => {
	let lock = locks.get(deps.catalog)
	if (!lock) locks.set(deps.catalog, (lock = serial()))
	return lock(fn)
}

const defaults = (view: FlowView) => ({ envelope: view.flow.envelope, signing: view.flow.signing })
const newEndpointId = () => `ep_${ulid().toLowerCase()}`

export function listEndpoints(deps: AdminDeps, flowId: string) {
	const view = findFlow(deps, flowId)
	return { items: view.endpoints.map((e) => endpointView(deps.catalog, flowId, e)) }
}

export function getEndpoint(deps: AdminDeps, flowId: string, id: string) {
	const { endpoint } = findEndpoint(deps, flowId, id)
	return endpointView(deps.catalog, flowId, endpoint)
}

/** The secret to show once: ours or the caller's, never one inherited from the flow's YAML. */
function shownSecret(e: EndpointConfig, view: FlowView, sent: string | undefined, before: string | null): string | null {
	const s = e.signing.secret
	if (s === null || s === before) return null
	if (sent === undefined && s === view.flow.signing.secret) return null
	return s
}

export function createEndpoint(deps: AdminDeps, flowId: string, input: EndpointInput, by: ChangedBy = 'api') {
	return locked(deps, async () => {
		const view = findFlow(deps, flowId)
		if (view.flow.managedBy === 'svix') throw managedBySvix('add')
		const now = deps.now()
		const r = normalizeEndpoint(input, defaults(view), { managedBy: 'api', now, generateId: newEndpointId })
		if ('issues' in r) throw invalidRequest(r.issues)
		const limit = deps.catalog.config.limits.endpointsPerFlow
		if (view.endpoints.length >= limit) {
			throw conflict('endpoint_limit', `flow already has ${limit} endpoints (limits.endpointsPerFlow, configuration and API endpoints together)`)
		}
		if (view.endpoints.some((e) => e.id === r.endpoint.id)) throw conflict('id_conflict', 'the flow already has an endpoint with this id')
		const endpoint: EndpointConfig = { ...r.endpoint, enabled: true }
		await deps.catalog.putApiEndpoint(flowId, endpoint, now)
		deps.signals?.endpointChanged('created', flowId, endpoint.id, by)
		if (input.enabled === false) await switchState(deps, flowId, endpoint.id, false, 'disabled when added', now, by)
		return { ...endpointView(deps.catalog, flowId, endpoint), secret: shownSecret(endpoint, view, input.signing?.secret, null) }
	})
}

export function updateEndpoint(deps: AdminDeps, flowId: string, id: string, patch: EndpointPatch, by: ChangedBy = 'api') {
	return locked(deps, async () => {
		const { view, endpoint } = findEndpoint(deps, flowId, id)
		if (endpoint.managedBy === 'config') throw managedByConfig('change')
		if (view.flow.managedBy === 'svix') throw managedBySvix('change')
		if (patch.id != null && patch.id !== id) throw invalidRequest([{ path: ['id'], message: 'cannot be changed' }])
		const now = deps.now()
		const input = applyPatch(endpointToInput(endpoint), patch, endpoint)
		const r = normalizeEndpoint(input, defaults(view), { managedBy: 'api', now: endpoint.createdAt ?? now })
		if ('issues' in r) throw invalidRequest(r.issues)
		const next: EndpointConfig = { ...r.endpoint, enabled: true }
		await deps.catalog.putApiEndpoint(flowId, next, now)
		deps.signals?.endpointChanged('updated', flowId, id, by)
		if (patch.enabled != null) await switchState(deps, flowId, id, patch.enabled, null, now, by)
		const secret = shownSecret(next, view, patch.signing?.secret ?? undefined, endpoint.signing.secret)
		return { ...endpointView(deps.catalog, flowId, next), ...(secret !== null ? { secret } : {}) }
	})
}

export function deleteEndpoint(deps: AdminDeps, flowId: string, id: string, by: ChangedBy = 'api') {
	return locked(deps, async () => {
		const { endpoint } = findEndpoint(deps, flowId, id)
		if (endpoint.managedBy === 'config') throw managedByConfig('remove')
		const cancelledJobs = await deps.catalog.deleteApiEndpoint(flowId, id, deps.now())
		deps.signals?.endpointChanged('deleted', flowId, id, by)
		deps.log.info({ flow: flowId, endpoint: id, cancelledJobs }, 'endpoint deleted through the admin API')
		return { flow: flowId, id, deleted: true as const, cancelledJobs }
	})
}

// Under the row's lock (several instances: one of two racing switches makes the
// transition). The episode (episodeSince) stays open across an enable, so the
// first success afterwards still says endpoint.recovered.
async function switchState(deps: AdminDeps, flowId: string, id: string, enabled: boolean, reason: string | null, now: number, by: ChangedBy) {
	const { before, after } = await deps.catalog.changeState(flowId, id, (s) => enabled
		// a fresh start: an endpoint enabled after an automatic disable is not disabled again by its old failures
		? { ...s, enabled: true, disabledReason: null, disabledAt: null, consecutiveFailures: 0, failingSince: null, updatedAt: now }
		: { ...s, enabled: false, disabledReason: reason ?? 'disabled through the admin API', disabledAt: now, episodeSince: s.episodeSince ?? now, updatedAt: now })
	deps.signals?.stateChanged(flowId, id, before, after, by)
	// its waiting jobs are due again
	if (enabled) deps.dispatcher.notify()
}

export function setEnabled(deps: AdminDeps, flowId: string, id: string, enabled: boolean, reason: string | null, by: ChangedBy = 'api') {
	return locked(deps, async () => {
		const { endpoint } = findEndpoint(deps, flowId, id)
		if (enabled && !endpoint.enabled) throw managedByConfig('enable')
		await switchState(deps, flowId, id, enabled, reason, deps.now(), by)
		deps.log.info({ flow: flowId, endpoint: id, enabled, reason }, enabled ? 'endpoint enabled' : 'endpoint disabled')
		return endpointView(deps.catalog, flowId, endpoint)
	})
}

export function rotateSecret(deps: AdminDeps, flowId: string, id: string, graceSeconds: number) {
	return locked(deps, async () => {
		const { view, endpoint } = findEndpoint(deps, flowId, id)
		if (endpoint.managedBy === 'config') throw managedByConfig('rotate the secret in')
		if (view.flow.managedBy === 'svix') throw managedBySvix('rotate the secret of')
		const { scheme, secret: old } = endpoint.signing
		if (scheme === 'none' || old === null) throw conflict('no_secret', 'the endpoint signs with scheme none: there is no secret to rotate')
		const now = deps.now()
		const secret = generateSecret(scheme)
		const until = now + graceSeconds * 1000
		const previous = graceSeconds > 0 ? { secret: old, until } : null
		await deps.catalog.putApiEndpoint(flowId, { ...endpoint, signing: { ...endpoint.signing, secret, previous } }, now)
		deps.log.info({ flow: flowId, endpoint: id, graceSeconds }, 'endpoint secret rotated')
		return { secret, previousValidUntil: previous ? iso(until) : null }
	})
}
