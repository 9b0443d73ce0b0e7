import type { StoredEvent } from '../domain'
import type { AttemptRecord, ClaimedJob, Completion } from '../store/types'
import type { CompletionWriter } from './completions'
import { attemptDelivery } from './deliver'
import type { DueHints } from './due'
import { afterAttempt, verdict, type AttemptResult, type JobVerdict } from './health'
import type { AttemptOutcome } from './http'
import { nextDelay } from './retry'
import { key } from './sweep'
import type { DispatcherDeps } from './dispatcher'

/** a finished try on its way to the store: `hint` names its endpoint, `delayMs` its retry's delay, `exhausted` a job out of tries */
export type PendingCompletion = Completion & { hint: string; delayMs: number; exhausted?: [string, string] }

/** What health and the verdict look at in a try's outcome. */
export function resultOf(outcome: AttemptOutcome): AttemptResult {
	return { ok: outcome.ok, status: outcome.status, errorClass: outcome.error?.class ?? null, errorMessage: outcome.error?.message ?? null, producerFault: outcome.producerFault }
}

/** The completion a try's verdict makes of its job; a real job that failed for good is marked exhausted. */
export function completionOf(job: ClaimedJob, record: AttemptRecord, v: JobVerdict, now: number): PendingCompletion {
	const delayMs = v.status === 'pending' ? v.delayMs : 0
	const c: PendingCompletion = { pk: job.pk, attempt: record, status: v.status, nextAttemptAt: now + delayMs, now, hint: key(job.flow, job.endpoint), delayMs }
	if (v.status === 'failed' && !job.test) c.exhausted = [job.flow, job.endpoint]
	return c
}

/**
 * Times a completion just before it is written, so a retry's due time counts
 * from the clock as it is then (see CompletionWriter).
 */
export function stamp(c: PendingCompletion, now: number) {
	c.now = now
	c.nextAttemptAt = c.status === 'pending' ? now + c.delayMs : now
}

/**
 * What a written batch makes due: each retry at its time, and an endpoint
 * whose claim was held back by shared caps at once (the try no longer counts
 * against the cap now that it is written). `heldBack` loses those endpoints.
 */
export function afterWritten(batch: PendingCompletion[], heldBack: Set<string>): Array<[string, number]> {
	const lower: Array<[string, number]> = []
	for (const c of batch) {
		if (c.status === 'pending') lower.push([c.hint, c.nextAttemptAt])
		else if (heldBack.delete(c.hint)) lower.push([c.hint, c.now])
	}
	return lower
}

// One try of a claimed job, outside the loop: deliver → verdict → health →
// completion queue. A try abandoned by stop (its job already released) records
// nothing; a failed health write does not lose the try.
export class Tries {
	constructor(
		private deps: DispatcherDeps,
		private due: DueHints,
		private completions: CompletionWriter<PendingCompletion>,
		private abandoned: Set<number>,
	) {}

	async run(job: ClaimedJob, event: StoredEvent | undefined) {
		const { catalog } = this.deps
		const view = catalog.flow(job.flow)
		const endpoint = catalog.endpoint(job.flow, job.endpoint)
		if (!view || !endpoint || !event) {
			// the endpoint left the config while the job was claimed: it waits, visible
			await this.deps.store.release([job.pk], this.deps.now())
			this.due.forgetOne(key(job.flow, job.endpoint))
			return
		}
		const n = job.attemptCount + 1
		const { record, outcome } = await attemptDelivery(this.deps, { flow: view.flow, endpoint, event, n, timeoutMs: catalog.timeout(view.flow, endpoint) })
		if (this.abandoned.has(job.pk)) { this.abandoned.delete(job.pk); return }
		const now = this.deps.now()
		const cfg = catalog.config.delivery
		const result = resultOf(outcome)
		const v = verdict(result, job.test, () => nextDelay({
			schedule: catalog.retrySchedule(view.flow, endpoint), attemptsMade: n - job.scheduleBase, jitter: cfg.jitter,
			random: this.deps.random, retryAfterMs: outcome.retryAfterMs, maxRetryAfterMs: cfg.maxRetryAfterMs,
		}))
		const c = completionOf(job, record, v, now)
		// a failed health write must not lose the try itself: that is recorded below either way
		await this.health(job.flow, job.endpoint, result, now).catch((err) => this.deps.log.error({ err: String(err) }, 'could not save endpoint health'))
		this.deps.onAttempt?.(job.flow, job.endpoint, c, { delivery: job.id, event: event.id })
		this.completions.push(c)
	}

	// The cached state says whether anything changes (most successes change
	// nothing and write nothing); a change is decided again under the row's lock,
	// where another instance's tries are counted too.
	private async health(flow: string, endpoint: string, result: AttemptResult, now: number) {
		const { catalog } = this.deps
		const cfg = catalog.config.delivery
		if (!afterAttempt(catalog.state(flow, endpoint), result, now, cfg.disableAfterMs, cfg.failingAfter).changed) return
		const { before, after } = await catalog.changeState(flow, endpoint, (s) => {
			const h = afterAttempt(s, result, now, cfg.disableAfterMs, cfg.failingAfter)
			return h.changed ? h.state : null
		})
		if (before.enabled && !after.enabled) this.deps.log.warn({ flow, endpoint, reason: after.disabledReason }, 'endpoint disabled')
		this.deps.onHealth?.(flow, endpoint, before, after, result)
	}
}
