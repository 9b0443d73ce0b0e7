// One suite every store must pass unchanged, written against the interfaces
// the code that uses a store declares (each file types its subject as the one
// it tests, with what it sets up rows with): no table is read here (tests that read tables live in
// test/store/sqlite/ and test/store/postgres/). Each test works in a flow of
// its own, so the tests of one run share a database without seeing each other.
import { afterAll, beforeAll, describe } from 'bun:test'
import { adminTests } from './admin'
import { healthTests } from './health'
import { housekeepingTests } from './housekeeping'
import type { Harness, NewHarness } from './harness'
import { ingestTests } from './ingest'
import { jobCountTests } from './job-counts'
import { portalTests } from './portal'
import { queueTests } from './queue'
import { registryTests } from './registry'
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
		registryTests(harness)
		adminTests(harness)
		jobCountTests(harness)
		portalTests(harness)
		healthTests(harness)
		svixTests(harness)
		signalsTests(harness)
		// last: a whole retention run purges every flow's old rows
		housekeepingTests(harness)
	})
}
