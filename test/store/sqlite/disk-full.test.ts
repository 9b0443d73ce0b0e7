import { expect, test } from 'bun:test'
import { join } from 'node:path'
import { DiskFull } from '../../../src/store/sqlite/disk-full'
import { tempDir } from '../../support/gateway'

const full = Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' })

test('a full disk counts until the folder has room again, whatever a small write did meanwhile', () => {
	let now = 0
	const disk = new DiskFull(join(tempDir(), 'hookgate.db'), () => now)
	expect(disk.problem()).toBeNull()
	disk.note(new Error('UNIQUE constraint failed'))
	expect(disk.problem()).toBeNull()
	disk.note(full)
	expect(disk.problem()).toContain('is full')
	now += 100
	// looked at again only after a pause: a stat per request would cost more than it tells
	expect(disk.problem()).toContain('is full')
	now += 1000
	// the temp folder has room: ingest may come back
	expect(disk.problem()).toBeNull()
})
