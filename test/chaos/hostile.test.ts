// The short version of `make chaos`'s hostile-producer part: every hostile
// kind is sent beside well-behaved clients, who get only 2xx, and no hostile
// kind gets a 5xx. The p99 within 2× of the figure alone is `make chaos`'s:
// over two-second windows on a shared machine it measures the neighbours.
import { afterAll, expect, test } from 'bun:test'
import { killAll } from '../../bench/lib/children'
import { hostilePart } from '../../chaos/parts/hostile'
import { SMOKE } from '../../chaos/profile'
import { ensureBinary } from '../support/process'

afterAll(killAll)

test('hostile producers beside well-behaved ones: the gateway stays up and answers each kind', async () => {
	ensureBinary()
	const r = await hostilePart(SMOKE.hostile)
	console.log(r.figures, r.failures)
	expect(r.failures.filter((f) => !f.includes('p99'))).toEqual([])
	expect(r.figures['alone errors']).toBe(0)
	expect(r.figures['beside errors']).toBe(0)
	for (const kind of ['deep', 'backtrack', 'huge', 'unsendable']) expect(String(r.figures[kind])).toMatch(/\d+×\d{3}/)
}, 60_000)
