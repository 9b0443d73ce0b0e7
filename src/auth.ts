import { timingSafeEqual, createHash } from 'node:crypto'

// Hashing first gives equal-length inputs, so the comparison time says nothing
// about the token's length or content.
const digest = (s: string) => createHash('sha256').update(s).digest()

// Digests of configured tokens, computed once per token list (a reload makes a new list).
const accepted = new WeakMap<readonly string[], Buffer[]>()

export function tokenMatches(presented: string | null, tokens: readonly string[]): boolean {
	if (!presented) return false
	let digests = accepted.get(tokens)
	if (!digests) {
		digests = tokens.map(digest)
		accepted.set(tokens, digests)
	}
	const p = digest(presented)
	let ok = false
	for (const d of digests) if (timingSafeEqual(p, d)) ok = true
	return ok
}

export function bearer(header: string | null): string | null {
	if (!header) return null
	const m = /^Bearer\s+(\S+)\s*$/i.exec(header)
	return m ? m[1] : null
}
