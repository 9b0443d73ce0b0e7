// Event type filters: `*` matches any run of characters (dots and nothing
// included); every other character is literal.

const compiled = new Map<string, RegExp>()
// filters come from config and the admin API, so the cache stays small; the cap guards against churn
const MAX_CACHED = 10_000

function compile(pattern: string): RegExp {
	let re = compiled.get(pattern)
	if (!re) {
		const source = pattern.split('*').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')
		re = new RegExp(`^${source}$`, 's')
		if (compiled.size >= MAX_CACHED) compiled.clear()
		compiled.set(pattern, re)
	}
	return re
}

export function matchesFilter(type: string, filter: string[] | null): boolean {
	if (filter === null) return true
	return filter.some((pattern) => (pattern.includes('*') ? compile(pattern).test(type) : pattern === type))
}
