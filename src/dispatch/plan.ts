// How many jobs to claim for each endpoint in one pass of the dispatcher.
// Pure: the dispatcher hands in what it knows of each endpoint.

export interface Candidate {
	/** per-endpoint cap on tries in flight */
	cap: number
	/** tries in flight plus jobs claimed ahead */
	held: number
	/** the endpoint's next due time as far as is known; undefined = unknown */
	due: number | undefined
	/** whole requests its rate limit allows now; null = no limit */
	tokens: number | null
	/** when the rate limit next allows one, if tokens < 1 */
	tokenWaitMs: number
}

export interface PassPlan {
	/** [candidate index, how many to claim] */
	claims: Array<[number, number]>
	/** when to look again if no claim fills up and nothing wakes the loop */
	earliest: number
	/** some endpoint got less than it could take: the next pass should come at once if slots stay unused */
	starved: boolean
}

/**
 * Endpoints known to have nothing due are skipped; the rest share the free
 * slots (`budget`) evenly, each up to a round in flight plus one claimed ahead.
 * Under load an endpoint claims only once a quarter of a round is free, so
 * claims come in chunks rather than one per finished try (a finished try
 * always wakes the loop, so nothing is stranded).
 */
export function planClaims(cands: Candidate[], budget: number, now: number, maxSleepMs: number, chunk: number): PassPlan {
	let earliest = now + maxSleepMs
	const eligible: Array<{ index: number; room: number; c: Candidate }> = []
	cands.forEach((c, index) => {
		if (c.due !== undefined && c.due > now) { earliest = Math.min(earliest, c.due); return }
		const room = 2 * c.cap - c.held
		if (room <= 0 || (c.held > 0 && room < Math.ceil(c.cap / 4))) return
		if (c.tokens !== null && c.tokens < 1) { earliest = Math.min(earliest, now + c.tokenWaitMs); return }
		eligible.push({ index, room, c })
	})
	const share = Math.max(1, Math.ceil(budget / Math.max(eligible.length, 1)))
	const claims: Array<[number, number]> = []
	let starved = false
	for (const { index, room, c } of eligible) {
		if (budget <= 0) { starved = true; break }
		const free = Math.min(budget, room, chunk, share, c.tokens ?? Infinity)
		claims.push([index, free])
		budget -= free
		// held back by its share alone: it may well have more to do
		if (free === share && share < Math.min(chunk, room)) starved = true
	}
	return { claims, earliest, starved }
}

/** An endpoint whose claim came back short while jobs were due is held by others (shared caps, another instance's claim): look again this soon. */
export const HELD_RETRY_MS = 100

export interface ShortClaim {
	/** the endpoint's hint: when it is due next (null: nothing pending) */
	due: number | null
	/** jobs were due but not given: other instances hold its shared slots or tokens */
	heldBack: boolean
}

/**
 * After a claim that did not fill up, from the endpoint's next due time read
 * just after it. Due but not given: other instances hold the endpoint's shared
 * slots or tokens (or just locked these rows); retrying at once would spin, so
 * look again shortly (or when a try here is written).
 */
export function afterShortClaim(due: number | null, now: number): ShortClaim {
	if (due !== null && due <= now) return { due: now + HELD_RETRY_MS, heldBack: true }
	return { due, heldBack: false }
}

/** When the loop looks again: slots planned for an endpoint with less to do than its share go to the others at once. */
export function nextLook(earliest: number, starved: boolean, unused: number, now: number): number {
	return starved && unused > 0 ? now : earliest
}
