// Wall-clock milliseconds with sub-millisecond resolution. Every bench process
// uses it, so times taken in the load generator and in a receiver compare.
export const clock = () => performance.timeOrigin + performance.now()

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))
