import type { EndpointConfig } from './domain'
import type { EndpointStateRecord } from './store/types'
import type { SvixAppRecord, SvixIdempotentAnswer } from './store/svix-types'

/**
 * Where the Catalog keeps what is not in the YAML: endpoints added through the
 * API, the Svix-compatible API's applications, and every endpoint's state.
 */
export interface EndpointRegistry {
	endpointStates(): Promise<EndpointStateRecord[]>
	saveEndpointState(s: EndpointStateRecord): Promise<void>
	/**
	 * Reads, changes and writes one endpoint's state under its row lock, so no
	 * instance's change is lost and each transition (healthy → failing,
	 * enabled → disabled) is seen by exactly one caller. `change` returns null to
	 * leave the row alone; it may run again (keep it pure).
	 */
	changeEndpointState(flow: string, endpoint: string, change: (s: EndpointStateRecord) => EndpointStateRecord | null): Promise<{ before: EndpointStateRecord; after: EndpointStateRecord }>
	apiEndpoints(): Promise<Array<{ flow: string; endpoint: EndpointConfig }>>
	saveApiEndpoint(flow: string, e: EndpointConfig, now: number): Promise<void>
	/** removes the endpoint and cancels its pending jobs; returns how many */
	deleteApiEndpoint(flow: string, id: string, now: number): Promise<number>

	svixApps(): Promise<SvixAppRecord[]>
	/** inserts or replaces the app (and stores the answer in the same transaction); uid_taken when another app has its uid */
	svixSaveApp(app: SvixAppRecord, idem: SvixIdempotentAnswer | null): Promise<'ok' | 'uid_taken'>
	/** removes the app and its endpoints, cancels its pending jobs; returns how many */
	svixDeleteApp(id: string, now: number): Promise<number>
	/** an API endpoint saved with the answer of the request that made it */
	svixSaveEndpoint(flow: string, e: EndpointConfig, now: number, idem: SvixIdempotentAnswer | null): Promise<void>
}
