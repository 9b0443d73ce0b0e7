// Finding what a path names, and the 409s every resource shares.
import type { FlowView } from '../../catalog'
import type { EndpointConfig } from '../../domain'
import { HttpError, notFound } from '../../errors'
import type { AdminDeps } from '../deps'

export const conflict = (code: string, message: string, extra: Record<string, unknown> = {}) =>
	new HttpError(409, code, message, extra)

export const managedByConfig = (what: string) =>
	conflict('managed_by_config', `endpoint is declared in the configuration file: ${what} it there`)

/** Endpoints of a Svix application carry Svix's fields and limit: they change through /api/v1 only. */
export const managedBySvix = (what: string) =>
	conflict('managed_by_svix', `the flow is an application of the Svix-compatible API: ${what} the endpoint through /api/v1`)

export function findFlow(deps: AdminDeps, flowId: string): FlowView {
	const view = deps.catalog.flow(flowId)
	if (!view) throw notFound('flow')
	return view
}

export function findEndpoint(deps: AdminDeps, flowId: string, id: string): { view: FlowView; endpoint: EndpointConfig } {
	const view = findFlow(deps, flowId)
	const endpoint = view.endpoints.find((e) => e.id === id)
	if (!endpoint) throw notFound('endpoint')
	return { view, endpoint }
}

/** Runs endpoint changes one at a time, so two adds cannot both pass the limit check. */
export function serial() {
	let tail: Promise<unknown> = Promise.resolve()
	return <T>(fn: () => Promise<T>): Promise<T> => {
		const run = tail.then(fn, fn)
		tail = run.catch(() => {})
		return run
	}
}
