// An endpoint's concurrency cap and rate limit held by every instance together.
// One transaction per claim, serialized per endpoint by a transaction advisory
// lock (two-key form, so it never meets the one-key locks of Store.exclusive):
// it counts the endpoint's jobs in flight under a live lease, refills the
// endpoint's token bucket on the database's clock (instances' clocks may
// disagree), and claims no more than both allow. Claims for different
// endpoints never wait for each other; for one endpoint they wait a few
// milliseconds at most, the length of this transaction.
import type { ClaimedJob, ClaimLimits } from '../types'
import { claim } from './dispatch'
import type { Q } from './rows'

export async function claimWithin(sql: Q, flow: string, endpoint: string, limit: number, now: number, leaseUntil: number, owner: string, limits: ClaimLimits): Promise<ClaimedJob[]> {
	return sql.begin(async (tx) => {
		await tx`SELECT pg_advisory_xact_lock(hashtext(${flow}), hashtext(${endpoint}))`
		// a lease that ran out is a dead try, not one in flight: it must not hold a slot until it is taken back
		const [held] = await tx`SELECT count(*)::int AS n FROM deliveries
			WHERE flow = ${flow} AND endpoint = ${endpoint} AND status = 'delivering' AND next_attempt_at >= ${now}`
		let take = Math.min(limit, limits.cap - Number(held.n))
		if (take <= 0) return []
		const rate = limits.rate
		if (rate) {
			// a full bucket holds one second of requests, as the in-process bucket does
			const [b] = await tx`INSERT INTO endpoint_tokens AS t (flow, endpoint, tokens, refilled_at)
				VALUES (${flow}, ${endpoint}, ${rate}::float8, extract(epoch FROM clock_timestamp()) * 1000)
				ON CONFLICT (flow, endpoint) DO UPDATE SET
					tokens = LEAST(${rate}::float8, t.tokens + GREATEST(0, excluded.refilled_at - t.refilled_at) / 1000 * ${rate}::float8),
					refilled_at = excluded.refilled_at
				RETURNING tokens`
			take = Math.min(take, Math.floor(Number(b.tokens)))
			if (take <= 0) return []
		}
		const jobs = await claim(tx, flow, endpoint, take, now, leaseUntil, owner)
		if (rate && jobs.length > 0) {
			await tx`UPDATE endpoint_tokens SET tokens = tokens - ${jobs.length} WHERE flow = ${flow} AND endpoint = ${endpoint}`
		}
		return jobs
	})
}
