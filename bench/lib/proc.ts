// CPU time and memory of another process, read from /proc (Linux only).
import { readFileSync } from 'node:fs'

let ticksPerSecond = 0

/** USER_HZ: the unit of utime/stime in /proc/<pid>/stat (almost always 100). */
function clockTicks(): number {
	if (ticksPerSecond > 0) return ticksPerSecond
	const r = Bun.spawnSync(['getconf', 'CLK_TCK'])
	ticksPerSecond = Number(r.stdout.toString().trim()) || 100
	return ticksPerSecond
}

/** User + system CPU seconds the process has used so far. */
export function cpuSeconds(pid: number): number {
	const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
	// the command name (field 2) may hold spaces: count fields after its closing paren
	const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
	// fields[0] is field 3 (state), so utime (14) and stime (15) are at 11 and 12
	return (Number(fields[11]) + Number(fields[12])) / clockTicks()
}

/** VmRSS and VmHWM (peak resident set) in MiB. */
export function memory(pid: number): { rssMb: number; hwmMb: number } {
	const status = readFileSync(`/proc/${pid}/status`, 'utf8')
	const kb = (name: string) => Number(status.match(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm'))?.[1] ?? NaN)
	return { rssMb: kb('VmRSS') / 1024, hwmMb: kb('VmHWM') / 1024 }
}

/** Measures a process's CPU share (percent of one core) over a stretch of time. */
export class CpuMeter {
	private startCpu: number
	private startWall = performance.now()
	constructor(private pid: number) { this.startCpu = cpuSeconds(pid) }
	/** percent of one core since construction */
	percent(): number {
		const wall = (performance.now() - this.startWall) / 1000
		return wall > 0 ? ((cpuSeconds(this.pid) - this.startCpu) / wall) * 100 : NaN
	}
}

/** Resident and anonymous memory in MiB from /proc/<pid>/smaps_rollup: anonymous is what the heap and allocator hold, RSS adds the mapped binary and files. */
export function rollup(pid: number): { rssMb: number; anonMb: number; fileMb: number } {
	const text = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8')
	const kb = (name: string) => Number(text.match(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm'))?.[1] ?? NaN)
	const rss = kb('Rss')
	const anon = kb('Anonymous')
	return { rssMb: rss / 1024, anonMb: anon / 1024, fileMb: (rss - anon) / 1024 }
}
