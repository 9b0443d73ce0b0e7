import type { Config, EndpointConfig, FlowConfig } from './domain'
import type { EndpointRegistry } from './endpoint-registry'
import type { EndpointStateRecord } from './store/types'
import type { SvixAppRecord } from './store/svix-types'
import { svixEndpoints, svixFlow } from './svix/flow'

export type Health = 'healthy' | 'failing' | 'disabled'

export interface FlowView {
	flow: FlowConfig
	/** YAML endpoints first, then API ones by creation */
	endpoints: EndpointConfig[]
	/** the flow with all of them, for what judges a flow by its endpoints (URL placeholders, samples) */
	withAll: FlowConfig
}

const key = (flow: string, endpoint: string) => `${flow}\u0000${endpoint}`

// The live view of flows and endpoints: the YAML of the moment, the endpoints
// added through the API and the runtime state of each. Ingest, dispatcher and
// admin all read it, so a reload or an API change is seen by all at once.
export class Catalog {
	private flows = new Map<string, FlowView>()
	private api: Array<{ flow: string; endpoint: EndpointConfig }> = []
	/** applications of the Svix-compatible API: flows kept in the database */
	private apps: SvixAppRecord[] = []
	private states = new Map<string, EndpointStateRecord>()
	private listeners: Array<() => void> = []
	/** counts this process's own changes, so a refresh that raced one is dropped */
	private changes = 0

	constructor(public config: Config, private store: EndpointRegistry) {
		this.rebuild()
	}

	static async load(config: Config, store: EndpointRegistry): Promise<Catalog> {
		const c = new Catalog(config, store)
		c.api = await store.apiEndpoints()
		c.apps = await store.svixApps()
		for (const s of await store.endpointStates()) c.states.set(key(s.flow, s.endpoint), s)
		c.rebuild()
		return c
	}

	onChange(fn: () => void) { this.listeners.push(fn) }

	/**
	 * Re-reads the API endpoints and endpoint states that other instances may
	 * have changed (several instances on one database); listeners hear of it
	 * only when something differs. A refresh that overlapped a change made here
	 * is dropped: the next one sees both.
	 */
	async refresh(): Promise<boolean> {
		const at = this.changes
		const [api, states, apps] = await Promise.all([this.store.apiEndpoints(), this.store.endpointStates(), this.store.svixApps()])
		if (at !== this.changes) return false
		const sameApi = JSON.stringify(api) === JSON.stringify(this.api) && JSON.stringify(apps) === JSON.stringify(this.apps)
		const next = new Map(states.map((s) => [key(s.flow, s.endpoint), s]))
		const switched = [...new Set([...next.keys(), ...this.states.keys()])]
			.some((k) => (next.get(k)?.enabled ?? true) !== (this.states.get(k)?.enabled ?? true))
		this.states = next
		if (sameApi && !switched) return false
		this.api = api
		this.apps = apps
		this.rebuild()
		return true
	}

	private rebuild() {
		const flows = new Map<string, FlowView>()
		for (const flow of this.config.flows) {
			const api = this.api.filter((a) => a.flow === flow.id && !flow.endpoints.some((e) => e.id === a.endpoint.id))
			const endpoints = [...flow.endpoints, ...api.map((a) => a.endpoint)]
			flows.set(flow.id, { flow, endpoints, withAll: { ...flow, endpoints } })
		}
		for (const app of this.apps) {
			if (flows.has(app.id)) continue
			const flow = svixFlow(app, this.config.svix.whitelabelHeaders)
			const endpoints = svixEndpoints(app, this.api.filter((a) => a.flow === app.id).map((a) => a.endpoint))
			flows.set(app.id, { flow, endpoints, withAll: { ...flow, endpoints } })
		}
		this.flows = flows
		for (const l of this.listeners) l()
	}

	/** What a new config would break among the endpoints added through the API (a reload refuses it). */
	conflicts(config: Config): Array<{ path: (string | number)[]; message: string }> {
		const problems: Array<{ path: (string | number)[]; message: string }> = []
		config.flows.forEach((flow, i) => {
			const api = this.api.filter((a) => a.flow === flow.id)
			flow.endpoints.forEach((e, j) => {
				if (api.some((a) => a.endpoint.id === e.id)) problems.push({ path: ['flows', i, 'endpoints', j, 'id'], message: `endpoint id ${e.id} is already used by an endpoint added through the API` })
			})
			const total = flow.endpoints.length + api.length
			if (total > config.limits.endpointsPerFlow) problems.push({ path: ['flows', i, 'endpoints'], message: `${total} endpoints counting the ${api.length} added through the API; at most ${config.limits.endpointsPerFlow}` })
		})
		return problems
	}

	/** Swaps in a config that passed `conflicts`. */
	replaceConfig(config: Config) {
		this.config = config
		this.rebuild()
	}

	svixApps(): SvixAppRecord[] { return this.apps }
	svixApp(id: string): SvixAppRecord | undefined { return this.apps.find((a) => a.id === id) }

	/** stores the application (and the answer of the request that made it); uid_taken leaves everything as it was */
	async putSvixApp(app: SvixAppRecord, idem: Parameters<EndpointRegistry['svixSaveApp']>[1]) {
		this.changes++
		const r = await this.store.svixSaveApp(app, idem)
		if (r === 'ok') {
			this.apps = [...this.apps.filter((a) => a.id !== app.id), app].sort((a, b) => (a.id < b.id ? -1 : 1))
			this.rebuild()
		}
		return r
	}

	async deleteSvixApp(id: string, now: number) {
		this.changes++
		const cancelled = await this.store.svixDeleteApp(id, now)
		this.apps = this.apps.filter((a) => a.id !== id)
		this.api = this.api.filter((a) => a.flow !== id)
		for (const k of [...this.states.keys()]) if (k.startsWith(`${id}\u0000`)) this.states.delete(k)
		this.rebuild()
		return cancelled
	}

	async putSvixEndpoint(flow: string, e: EndpointConfig, now: number, idem: Parameters<EndpointRegistry['svixSaveEndpoint']>[3]) {
		this.changes++
		await this.store.svixSaveEndpoint(flow, e, now, idem)
		this.api = [...this.api.filter((a) => !(a.flow === flow && a.endpoint.id === e.id)), { flow, endpoint: e }]
		this.rebuild()
	}

	flowIds(): string[] { return [...this.flows.keys()] }
	flow(id: string): FlowView | undefined { return this.flows.get(id) }
	endpoint(flow: string, id: string): EndpointConfig | undefined {
		return this.flows.get(flow)?.endpoints.find((e) => e.id === id)
	}

	state(flow: string, endpoint: string): EndpointStateRecord {
		return this.states.get(key(flow, endpoint)) ?? {
			flow, endpoint, enabled: true, disabledReason: null, disabledAt: null, consecutiveFailures: 0, failingSince: null, updatedAt: 0,
		}
	}

	async saveState(s: EndpointStateRecord) {
		const before = this.states.get(key(s.flow, s.endpoint))
		this.changes++
		await this.store.saveEndpointState(s)
		this.states.set(key(s.flow, s.endpoint), s)
		// a failure count changes often and routes nothing; only switching on or off does
		if ((before?.enabled ?? true) !== s.enabled) for (const l of this.listeners) l()
	}

	/**
	 * Changes an endpoint's state under its row lock in the store (several
	 * instances: no lost update, and one caller sees each transition); returns
	 * the state before and after, as stored.
	 */
	async changeState(flow: string, endpoint: string, change: (s: EndpointStateRecord) => EndpointStateRecord | null) {
		this.changes++
		const r = await this.store.changeEndpointState(flow, endpoint, change)
		this.states.set(key(flow, endpoint), r.after)
		if (r.before.enabled !== r.after.enabled) for (const l of this.listeners) l()
		return r
	}

	/** The YAML's `enabled: false` wins over any state set through the API. */
	isEnabled(flow: string, e: EndpointConfig): boolean {
		return e.enabled && this.state(flow, e.id).enabled
	}

	disabledReason(flow: string, e: EndpointConfig): string | null {
		if (!e.enabled) return 'disabled in the configuration file'
		const s = this.state(flow, e.id)
		return s.enabled ? null : s.disabledReason ?? 'disabled'
	}

	health(flow: string, e: EndpointConfig): Health {
		if (!this.isEnabled(flow, e)) return 'disabled'
		return this.state(flow, e.id).consecutiveFailures >= this.config.delivery.failingAfter ? 'failing' : 'healthy'
	}

	async putApiEndpoint(flow: string, e: EndpointConfig, now: number) {
		this.changes++
		await this.store.saveApiEndpoint(flow, e, now)
		this.api = [...this.api.filter((a) => !(a.flow === flow && a.endpoint.id === e.id)), { flow, endpoint: e }]
		this.rebuild()
	}

	async deleteApiEndpoint(flow: string, id: string, now: number) {
		this.changes++
		const cancelled = await this.store.deleteApiEndpoint(flow, id, now)
		this.api = this.api.filter((a) => !(a.flow === flow && a.endpoint.id === id))
		this.states.delete(key(flow, id))
		this.rebuild()
		return cancelled
	}

	// Effective per-endpoint settings: endpoint, then flow, then global.
	retrySchedule(flow: FlowConfig | undefined, e: EndpointConfig | undefined): number[] {
		return e?.retryScheduleMs ?? flow?.retryScheduleMs ?? this.config.delivery.retryScheduleMs
	}
	timeout(flow: FlowConfig | undefined, e: EndpointConfig | undefined): number {
		return e?.timeoutMs ?? flow?.timeoutMs ?? this.config.delivery.timeoutMs
	}
	concurrency(e: EndpointConfig): number {
		return e.concurrency ?? this.config.delivery.endpointConcurrency
	}
}
