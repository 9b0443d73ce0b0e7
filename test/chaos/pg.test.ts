// The short version of `make chaos`'s pg part (issue 15): three compiled
// binaries on one PostgreSQL database, 1,500 events to three endpoints spread
// over them (10,000 in `make chaos`), one instance SIGKILLed twice and
// restarted, the same id sent to two instances at once 100 times, every
// hookgate connection terminated under load and the database away for a while.
import { afterAll, expect, test } from 'bun:test'
import { killAll } from '../../bench/lib/children'
import { pgPart } from '../../chaos/parts/pg'
import { SMOKE } from '../../chaos/profile'
import { ensureBinary } from '../support/process'

afterAll(killAll)

test('three binaries on one database: kills, same-id races and a lost database lose and double nothing beyond the leases taken back', async () => {
	ensureBinary()
	const r = await pgPart(SMOKE.pg)
	console.log(r.figures, r.failures)
	expect(r.failures).toEqual([])
	expect(r.figures.lost).toBe(0)
	expect(r.figures['left delivering']).toBe(0)
	expect(r.figures['twin events']).toBe('100/100')
}, 90_000)
