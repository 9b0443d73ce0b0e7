// Conformance: portal signing keys, one per flow, agreed on by every instance.
import { beforeAll, describe, expect, test } from 'bun:test'
import type { PortalKeys } from '../../../src/admin/store'
import type { Harness } from './harness'
import { newFlow } from './values'

/** what is tested */
type Subject = PortalKeys

export function portalTests(harness: () => Harness) {
	let store: Subject
	let peer: Subject
	beforeAll(() => { ({ store, peer } = harness()) })

	describe('portal keys', () => {
		test('two instances minting at once agree on one key; replacing it is seen by both', async () => {
			const flow = newFlow()
			expect(await store.portalKey(flow)).toBeNull()
			const [a, b] = await Promise.all([store.ensurePortalKey(flow, 'key-a', 1), peer.ensurePortalKey(flow, 'key-b', 1)])
			expect(a).toBe(b)
			expect(['key-a', 'key-b']).toContain(a)
			await store.replacePortalKey(flow, 'key-c', 2)
			expect(await peer.portalKey(flow)).toBe('key-c')
			expect(await store.ensurePortalKey(flow, 'key-d', 3)).toBe('key-c')
		})
	})
}
