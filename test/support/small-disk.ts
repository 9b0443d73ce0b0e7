// A really full disk for tests: a small tmpfs (we run as root in CI and here),
// filled with a spare file. Where mounting is not allowed the caller falls back
// to storage.maxSize and says so: never a silent skip.
import { mkdtempSync, rmSync, statfsSync, unlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface SmallDisk {
	dir: string
	/** takes every free byte left, so the next write that needs space fails */
	fill(): void
	/** gives the space back */
	free(): void
	unmount(): void
}

export function mountSmallDisk(bytes: number): SmallDisk | null {
	// to try the fallback on a machine that can mount
	if (process.env.HOOKGATE_TEST_NO_MOUNT) return null
	const dir = mkdtempSync(join(tmpdir(), 'hookgate-disk-'))
	const r = Bun.spawnSync(['mount', '-t', 'tmpfs', '-o', `size=${bytes}`, 'tmpfs', dir], { stdout: 'ignore', stderr: 'pipe' })
	if (r.exitCode !== 0) {
		rmSync(dir, { recursive: true, force: true })
		return null
	}
	const filler = join(dir, 'filler')
	return {
		dir,
		fill() {
			// tmpfs counts whole pages: write in pieces until the disk refuses
			let chunk = Math.max(4096, Number(statfsSync(dir).bavail) * Number(statfsSync(dir).bsize))
			let i = 0
			while (chunk >= 4096) {
				try {
					writeFileSync(`${filler}.${i}`, Buffer.alloc(chunk, 1))
					i++
				} catch {
					try { unlinkSync(`${filler}.${i}`) } catch {}
					chunk = Math.floor(chunk / 2)
				}
			}
		},
		free() {
			for (const f of new Bun.Glob('filler.*').scanSync(dir)) unlinkSync(join(dir, f))
		},
		unmount() {
			Bun.spawnSync(['umount', '-l', dir])
			rmSync(dir, { recursive: true, force: true })
		},
	}
}

/** Prints which way a test met a full store, so a run shows what it really tried. */
export function sayMode(test: string, disk: SmallDisk | null) {
	console.log(`${test}: ${disk ? 'a full tmpfs disk' : 'mount not allowed here, so storage.maxSize stands in for a full disk'}`)
}
