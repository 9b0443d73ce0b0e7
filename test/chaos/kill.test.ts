// The short version of `make chaos`'s kill part: a few kill -9s under load,
// one during a retention purge and one right after a SIGHUP reload.
import { afterAll, expect, test } from 'bun:test'
import { killAll } from '../../bench/lib/children'
import { killPart } from '../../chaos/parts/kill'
import { SMOKE } from '../../chaos/profile'
import { ensureBinary } from '../support/process'

afterAll(killAll)

test('kill -9 under load, mid-purge and after a reload loses no accepted event', async () => {
	ensureBinary()
	const r = await killPart(SMOKE.kill)
	console.log(r.figures)
	expect(r.failures).toEqual([])
	expect(r.figures.lost).toBe(0)
	expect(r.figures['after reload']).toBe(1)
	expect(String(r.figures['during purge'])).toStartWith('1 (')
}, 60_000)
