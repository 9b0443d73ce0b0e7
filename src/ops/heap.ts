import { heapSize } from 'bun:jsc'

const CHECK_EVERY_MS = 1000
/** heap growth since the last collection that earns a full one */
export const HEAP_GROWTH_BYTES = 16 << 20

// JavaScriptCore collects when it sees fit, and under steady work (a drain: a
// request body, a response and their promises per attempt) it lets the heap
// reach 60-90 MB between collections, which RSS then keeps. Once a second, if
// the heap grew by HEAP_GROWTH_BYTES since the last full collection, one runs:
// a few milliseconds on a heap this size, and only while work makes garbage —
// an idle process never collects here. After a burst of large events the same
// check gives their memory back within a second instead of whenever.
export function heapTrim(opts: { size?: () => number; collect?: () => void; everyMs?: number } = {}) {
	const size = opts.size ?? heapSize
	const collect = opts.collect ?? (() => Bun.gc(true))
	let base = size()
	let runs = 0
	const check = () => {
		if (size() - base < HEAP_GROWTH_BYTES) return
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
