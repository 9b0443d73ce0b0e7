import { heapSize } from 'bun:jsc'

const CHECK_EVERY_MS = 1000
/** heap growth since the last full collection that earns one */
export const HEAP_GROWTH_BYTES = 16 << 20

// JavaScriptCore lets the heap reach 60-90 MB between its own collections
// under steady work (a drain: a request body, a response and their promises
// per attempt), and RSS keeps that peak; when allocation stops after a burst
// (3,000 events of 250 KB) no collection comes at all and the garbage stays
// resident. Once a second, if the heap grew by HEAP_GROWTH_BYTES since the
// last full collection (ours or the engine's), one full collection runs.
// It costs a pause of a few tens of milliseconds, so it must stay rare where
// latency counts: at a steady 1,000 events/s to one endpoint it ran once in
// 10 s; only a full-speed drain makes it run every second. An idle process
// never collects here.
export function heapTrim(opts: { size?: () => number; collect?: () => void; everyMs?: number } = {}) {
	const size = opts.size ?? heapSize
	const collect = opts.collect ?? (() => Bun.gc(true))
	let base = size()
	let runs = 0
	const check = () => {
		const now = size()
		// the engine collected on its own since: that is the new floor
		if (now < base) base = now
		if (now - base < HEAP_GROWTH_BYTES) return
		collect()
		runs++
		base = size()
	}
	const timer = setInterval(check, opts.everyMs ?? CHECK_EVERY_MS)
	timer.unref?.()
	return {
		check,
		get collections() { return runs },
		stop() { clearInterval(timer) },
	}
}
