// The short version of `make chaos`'s full-disk part: a small tmpfs fills
// under load, then space comes back. What holds on the code of today is
// asserted here; `make chaos` also checks /readyz, delivery while full and
// SIGTERM while full (issue 13 §3), and reports what fails.
import { afterAll, expect, test } from 'bun:test'
import { killAll } from '../../bench/lib/children'
import { diskPart } from '../../chaos/parts/disk'
import { SMOKE } from '../../chaos/profile'
import { ensureBinary } from '../support/process'

afterAll(killAll)

test('a disk that fills refuses ingest with 503 and, once freed, loses nothing accepted', async () => {
	ensureBinary()
	const r = await diskPart(SMOKE.disk)
	console.log(r.figures, r.failures)
	const failed = (what: string) => r.failures.filter((f) => f.includes(what))
	expect(failed('did not fill')).toEqual([])
	expect(failed('only 503 may refuse')).toEqual([])
	expect(failed('after freeing space')).toEqual([])
	expect(failed('never delivered')).toEqual([])
	expect(r.figures.lost).toBe(0)
	expect(r.figures.integrity).toBe('ok')
}, 60_000)
