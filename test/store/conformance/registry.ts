// Conformance: the endpoint registry the Catalog keeps API endpoints and
// endpoint state in; a state changes under its row lock, so no instance's
// update is lost and one caller sees each transition.
import { beforeAll, describe, expect, test } from 'bun:test'
import type { AdminStore } from '../../../src/admin/store'
import type { EndpointRegistry } from '../../../src/endpoint-registry'
import type { IngestStore } from '../../../src/ingest/store'
import type { EndpointStateRecord } from '../../../src/store/types'
import type { Harness } from './harness'
import { makeEndpoint } from '../../support/fixtures'
import { ingestMany, newFlow } from './values'

/** what is tested, and what makes and counts the jobs a deletion cancels */
type Subject = EndpointRegistry & IngestStore & Pick<AdminStore, 'jobCounts'>

export function registryTests(harness: () => Harness) {
	let store: Subject
	let peer: Subject
	beforeAll(() => { ({ store, peer } = harness()) })

	const fail = (s: EndpointStateRecord): EndpointStateRecord => ({ ...s, consecutiveFailures: s.consecutiveFailures + 1, failingSince: s.failingSince ?? 100, updatedAt: 100 })

	describe('endpoints', () => {
		test('API endpoints and endpoint state are saved, read back and deleted; deleting cancels pending jobs', async () => {
			const flow = newFlow()
			const e = makeEndpoint({ id: 'api1', url: 'http://127.0.0.1:9/x', managedBy: 'api', createdAt: 500 })
			await store.saveApiEndpoint(flow, e, 1000)
			expect((await peer.apiEndpoints()).filter((r) => r.flow === flow)).toEqual([{ flow, endpoint: e }])
			const state = { flow, endpoint: 'api1', enabled: false, disabledReason: 'failing', disabledAt: 900, consecutiveFailures: 3, failingSince: 800, updatedAt: 1000 }
			await store.saveEndpointState(state)
			await store.saveEndpointState({ ...state, consecutiveFailures: 4 })
			expect((await peer.endpointStates()).filter((s) => s.flow === flow)).toEqual([{ ...state, consecutiveFailures: 4, episodeSince: null }])
			await ingestMany(store, flow, 3, ['api1'], 1000)
			expect(await store.deleteApiEndpoint(flow, 'api1', 2000)).toBe(3)
			expect((await store.apiEndpoints()).filter((r) => r.flow === flow)).toEqual([])
			expect((await store.endpointStates()).filter((s) => s.flow === flow)).toEqual([])
			expect(await store.jobCounts(flow)).toEqual([{ flow, endpoint: 'api1', status: 'cancelled', count: 3 }])
		})

		test('concurrent failure counts from two instances lose no update, and one caller sees each threshold crossed', async () => {
			const flow = newFlow()
			const results = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? store : peer).changeEndpointState(flow, 'x', fail)))
			const final = (await store.endpointStates()).find((s) => s.flow === flow && s.endpoint === 'x')
			expect(final?.consecutiveFailures).toBe(40)
			expect(results.filter((r) => r.before.consecutiveFailures < 3 && r.after.consecutiveFailures >= 3)).toHaveLength(1)
			expect(results.map((r) => r.after.consecutiveFailures).sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1))
		})

		test('a change that returns null leaves the state alone; a new endpoint starts enabled and healthy', async () => {
			const flow = newFlow()
			const r = await store.changeEndpointState(flow, 'y', () => null)
			expect(r.before).toMatchObject({ enabled: true, consecutiveFailures: 0, failingSince: null })
			expect(r.after).toEqual(r.before)
		})
	})
}
