// What the figures were measured on: they mean little without it.
import { readFileSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'

export interface Machine {
	nproc: number
	cpu: string
	bun: string
	kernel: string
	tmpdir: string
	tmpFs: string
	loadAvg: string
}

/** The filesystem type holding `path` (longest mount point that prefixes it). */
export function filesystemOf(path: string): string {
	let best = { point: '', type: 'unknown' }
	for (const line of readFileSync('/proc/mounts', 'utf8').split('\n')) {
		const [, point, type] = line.split(' ')
		if (!point || !type) continue
		const covers = path === point || path.startsWith(point.endsWith('/') ? point : `${point}/`)
		if (covers && point.length >= best.point.length) best = { point, type }
	}
	return best.type
}

export function machine(dataDir = tmpdir()): Machine {
	const nproc = Number(Bun.spawnSync(['nproc']).stdout.toString().trim()) || cpus().length
	return {
		nproc,
		cpu: cpus()[0]?.model ?? 'unknown',
		bun: Bun.version,
		kernel: readFileSync('/proc/sys/kernel/osrelease', 'utf8').trim(),
		tmpdir: dataDir,
		tmpFs: filesystemOf(dataDir),
		loadAvg: readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' '),
	}
}
