// One suite every store must pass unchanged, written against the Store
// interface only: no table is read here (tests that read tables live in
// test/store/sqlite/ and test/store/postgres/). Each test works in a flow of
// its own, so the tests of one run share a database without seeing each other.
import { afterAll, beforeAll, describe } from 'bun:test'
import { adminTests } from './admin'
import type { Harness, NewHarness } from './harness'
import { ingestTests } from './ingest'
import { portalTests } from './portal'
import { queueTests } from './queue'
import { svixTests } from './svix'
import { signalsTests } from './signals'

export function runConformance(driver: string, newHarness: NewHarness) {
	describe(`${driver} store conformance`, () => {
		let h: Harness
		beforeAll(async () => { h = await newHarness() })
		afterAll(async () => { await h?.close() })
		const harness = () => h
		ingestTests(harness)
		queueTests(harness)
		adminTests(harness)
		portalTests(harness)
		svixTests(harness)
		signalsTests(harness)
	})
}
