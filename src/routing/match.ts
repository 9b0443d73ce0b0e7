// Event type filters: `*` matches any run of characters (dots and nothing
// included); every other character is literal.
//
// Matching never backtracks: a pattern is its literal pieces between stars;
// the first must start the type, the last must end it, and each one between
// is found at its leftmost place after the previous one. Taking the leftmost
// place never loses a match (a later piece only has more room), so each
// piece is searched once and the cost is linear in the type for a given
// pattern. A regular expression (`^a.*b.*c$`) backtracked: a filter like
// `*.*.*.*.*.created` against a type of 256 dots held the event loop 10 s.

const compiled = new Map<string, string[]>()
// filters come from config and the admin API, so the cache stays small; the cap guards against churn
const MAX_CACHED = 10_000

function piecesOf(pattern: string): string[] {
	let pieces = compiled.get(pattern)
	if (!pieces) {
		pieces = pattern.split('*')
		if (compiled.size >= MAX_CACHED) compiled.clear()
		compiled.set(pattern, pieces)
	}
	return pieces
}

/** `pieces` is a pattern split at its stars (at least two pieces: one star or more). */
function matchesPieces(type: string, pieces: string[]): boolean {
	const first = pieces[0]!
	const last = pieces[pieces.length - 1]!
	if (type.length < first.length + last.length) return false
	if (!type.startsWith(first) || !type.endsWith(last)) return false
	const end = type.length - last.length
	let at = first.length
	for (let i = 1; i < pieces.length - 1; i++) {
		const piece = pieces[i]!
		if (piece === '') continue
		const found = type.indexOf(piece, at)
		if (found < 0 || found + piece.length > end) return false
		at = found + piece.length
	}
	return true
}

export function matchesGlob(type: string, pattern: string): boolean {
	return pattern.includes('*') ? matchesPieces(type, piecesOf(pattern)) : pattern === type
}

export function matchesFilter(type: string, filter: string[] | null): boolean {
	if (filter === null) return true
	return filter.some((pattern) => matchesGlob(type, pattern))
}
