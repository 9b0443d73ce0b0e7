// The short version of `make chaos`'s soak: seconds instead of minutes, so it
// shows the harness works and nothing leaks file descriptors or events; RSS
// needs the long run (caches fill during the first minute).
import { afterAll, expect, test } from 'bun:test'
import { killAll } from '../../bench/lib/children'
import { soakPart } from '../../chaos/parts/soak'
import { SMOKE } from '../../chaos/profile'
import { ensureBinary } from '../support/process'

afterAll(killAll)

test('steady ingest with 5% failing tries: every event delivered, descriptors flat, backlog bounded', async () => {
	ensureBinary()
	const r = await soakPart(SMOKE.soak)
	console.log(r.figures)
	expect(r.figures['ingest errors']).toBe(0)
	expect(r.figures.lost).toBe(0)
	expect(r.failures.filter((f) => f.startsWith('open file descriptors'))).toEqual([])
	expect(r.failures.filter((f) => f.startsWith('backlog'))).toEqual([])
	expect(Number(r.figures['receiver 503s'])).toBeGreaterThan(0)
}, 60_000)
