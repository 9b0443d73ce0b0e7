import { readdirSync, readFileSync } from 'node:fs'
import { Counter, Gauge, type Registry } from 'prom-client'

const LAG_SAMPLE_MS = 500

// prom-client's collectDefaultMetrics names some gauges `…_total`, which the
// Prometheus linter rejects, and none of them would carry the hookgate_
// prefix: the few process figures an operator needs are registered by hand.
export function processMetrics(registry: Registry) {
	const registers = [registry]
	const rss = new Gauge({ name: 'hookgate_process_resident_memory_bytes', help: 'Resident memory size in bytes', registers })
	const cpu = new Counter({ name: 'hookgate_process_cpu_seconds_total', help: 'User and system CPU time spent, in seconds', registers })
	const start = new Gauge({ name: 'hookgate_process_start_time_seconds', help: 'Start time of the process since the Unix epoch, in seconds', registers })
	const lag = new Gauge({ name: 'hookgate_process_event_loop_lag_seconds', help: 'Largest event-loop delay seen since the previous scrape, in seconds (sampled every 500 ms)', registers })
	const hasProc = (() => { try { readdirSync('/proc/self/fd'); return true } catch { return false } })()
	const hasRollup = (() => { try { readFileSync('/proc/self/smaps_rollup', 'utf8'); return true } catch { return false } })()
	// RSS counts the mapped executable too (about 50 MB of clean, shared pages);
	// anonymous memory is what the heap, the allocator and SQLite's cache hold
	const anon = hasRollup ? new Gauge({ name: 'hookgate_process_anonymous_memory_bytes', help: 'Anonymous (private, not file-backed) resident memory in bytes, from /proc/self/smaps_rollup', registers }) : null
	let anonReadAt = -Infinity
	const fds = hasProc ? new Gauge({ name: 'hookgate_process_open_fds', help: 'Number of open file descriptors', registers }) : null
	const maxFds = hasProc ? new Gauge({ name: 'hookgate_process_max_fds', help: 'Maximum number of open file descriptors', registers }) : null

	start.set(Math.round(Date.now() / 1000 - process.uptime()))

	// A timer that should fire every 500 ms measures how late it fires.
	let worst = 0
	let expected = performance.now() + LAG_SAMPLE_MS
	const sampler = setInterval(() => {
		const t = performance.now()
		worst = Math.max(worst, t - expected)
		expected = t + LAG_SAMPLE_MS
	}, LAG_SAMPLE_MS)
	sampler.unref?.()

	return {
		refresh() {
			rss.set(process.memoryUsage().rss)
			// the kernel walks every mapping for this file: at most once a second
			if (anon && performance.now() - anonReadAt >= 1000) {
				anonReadAt = performance.now()
				try {
					const m = /^Anonymous:\s+(\d+) kB/m.exec(readFileSync('/proc/self/smaps_rollup', 'utf8'))
					if (m) anon.set(Number(m[1]) * 1024)
				} catch {}
			}
			const u = process.cpuUsage()
			cpu.reset()
			cpu.inc((u.user + u.system) / 1e6)
			lag.set(Math.max(0, worst) / 1000)
			worst = 0
			if (fds) {
				// the listing itself holds one descriptor
				try { fds.set(readdirSync('/proc/self/fd').length - 1) } catch {}
			}
			if (maxFds) {
				try {
					const m = /^Max open files\s+(\d+)/m.exec(readFileSync('/proc/self/limits', 'utf8'))
					if (m) maxFds.set(Number(m[1]))
				} catch {}
			}
		},
		close() { clearInterval(sampler) },
	}
}
