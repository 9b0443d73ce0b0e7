/** Polls until `check` returns a truthy value (tests only; bounded). */
export async function waitFor<T>(check: () => T | Promise<T>, timeoutMs = 5000, what = 'condition'): Promise<T> {
	const until = Date.now() + timeoutMs
	for (;;) {
		const v = await check()
		if (v) return v
		if (Date.now() > until) throw new Error(`timed out waiting for ${what}`)
		await Bun.sleep(10)
	}
}
