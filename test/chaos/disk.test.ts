// The short version of `make chaos`'s full-disk part: a small tmpfs fills
// under load, then space comes back: /readyz says why while full, only 503s
// refuse, SIGTERM exits while full, ingest comes back and nothing accepted is lost.
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
	expect(r.failures).toEqual([])
	expect(r.figures.lost).toBe(0)
	expect(r.figures.integrity).toBe('ok')
}, 60_000)
