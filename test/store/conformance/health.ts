// Conformance: what readiness and /metrics ask the store.
import { beforeAll, describe, expect, test } from 'bun:test'
import type { EndpointRegistry } from '../../../src/endpoint-registry'
import type { MetricsStore } from '../../../src/ops/metrics'
import type { StoreHealth } from '../../../src/ops/health'
import type { Harness } from './harness'

/** what is tested, and where a probe could leave a row behind */
type Subject = StoreHealth & MetricsStore & Pick<EndpointRegistry, 'endpointStates'>

export function healthTests(harness: () => Harness) {
	let store: Subject
	beforeAll(() => { ({ store } = harness()) })

	describe('health', () => {
		test('the readiness probe commits a write and a healthy store refuses nothing', async () => {
			await store.probeWrite()
			await store.probeWrite()
			expect(store.refusal()).toBeNull()
		})

		test('a write probe succeeds on a healthy store and leaves nothing behind', async () => {
			await store.probeWrite()
			expect((await store.endpointStates()).filter((s) => s.flow === '')).toEqual([])
			// a capability: a store that knows its size says one
			if (store.sizeBytes) expect((await store.sizeBytes()).db).toBeGreaterThan(0)
		})
	})
}
