import { statfsSync } from 'node:fs'
import { dirname } from 'node:path'

/** Room the disk must have again before ingest is let back in: a few WAL checkpoints' worth. */
const ROOM_BYTES = 1 << 20
const RECHECK_MS = 500

const isDiskFull = (err: unknown) => {
	const code = String((err as { code?: unknown })?.code ?? '')
	return code.startsWith('SQLITE_FULL') || code === 'ENOSPC' || /database or disk is full/i.test(err instanceof Error ? err.message : String(err))
}

/**
 * Remembers that a write met a full disk. A later small write may still
 * succeed (a heartbeat rewrites a page the WAL already holds), while every
 * ingest, which needs the file to grow, fails: so one success says nothing,
 * and the store counts as full until the disk really has room again.
 */
export class DiskFull {
	private reason: string | null = null
	private checkedAt = 0

	constructor(private file: string, private now: () => number = Date.now) {}

	note(err: unknown) {
		if (!isDiskFull(err)) return
		this.reason = `the disk holding ${this.file} is full: free space there (hookgate takes writes again by itself)`
		this.checkedAt = this.now()
	}

	problem(): string | null {
		if (!this.reason || this.now() - this.checkedAt < RECHECK_MS) return this.reason
		this.checkedAt = this.now()
		try {
			const s = statfsSync(dirname(this.file))
			if (s.bavail * s.bsize >= ROOM_BYTES) this.reason = null
		} catch {}
		return this.reason
	}
}
