// The pure cores of operational events, as tables: what a state change means,
// what a reload changed, what the report says.
import { describe, expect, test } from 'bun:test'
import { loadConfigText } from '../../src/config/load'
import type { Config } from '../../src/domain'
import { endpointChanges } from '../../src/ops/signals/config-diff'
import { reportData } from '../../src/ops/signals/report'
import { levelOf } from '../../src/ops/signals/space'
import { transitions, type TransitionContext } from '../../src/ops/signals/transitions'
import type { EndpointStateRecord } from '../../src/store/types'

const s = (over: Partial<EndpointStateRecord> = {}): EndpointStateRecord => ({
	flow: 'f', endpoint: 'e', enabled: true, disabledReason: null, disabledAt: null, consecutiveFailures: 0, failingSince: null, episodeSince: null, updatedAt: 0, ...over,
})
const ctx: TransitionContext = { flow: 'f', endpoint: 'e', now: 5000, failingAfter: 3, disableAfterMs: 10_000, lastError: { class: 'timeout', message: 't', status: null }, by: null }
const types = (before: EndpointStateRecord, after: EndpointStateRecord, c: Partial<TransitionContext> = {}) => transitions(before, after, { ...ctx, ...c }).map((x) => x.type)

describe('what a state change means', () => {
	test.each([
		['a failure below the threshold', s({ consecutiveFailures: 1, failingSince: 1 }), s({ consecutiveFailures: 2, failingSince: 1 }), []],
		['the failure that reaches failingAfter', s({ consecutiveFailures: 2, failingSince: 1 }), s({ consecutiveFailures: 3, failingSince: 1, episodeSince: 1 }), ['endpoint.failing']],
		['a failure past it', s({ consecutiveFailures: 3, failingSince: 1, episodeSince: 1 }), s({ consecutiveFailures: 4, failingSince: 1, episodeSince: 1 }), []],
		['the failure that disables', s({ consecutiveFailures: 9, failingSince: 1, episodeSince: 1 }), s({ enabled: false, consecutiveFailures: 10, failingSince: 1, episodeSince: 1, disabledAt: 11, disabledReason: 'r' }), ['endpoint.disabled']],
		['a 410 at the first failure: disabled, not failing', s(), s({ enabled: false, consecutiveFailures: 1, failingSince: 1, episodeSince: 1, disabledAt: 1, disabledReason: '410' }), ['endpoint.disabled']],
		['an enable keeps the episode open', s({ enabled: false, episodeSince: 1 }), s({ episodeSince: 1 }), ['endpoint.enabled']],
		['the first success closes it', s({ episodeSince: 1 }), s(), ['endpoint.recovered']],
		['a success after failures short of failing', s({ consecutiveFailures: 2, failingSince: 1 }), s(), []],
		['failures while disabled', s({ enabled: false, consecutiveFailures: 5, failingSince: 1, episodeSince: 1 }), s({ enabled: false, consecutiveFailures: 6, failingSince: 1, episodeSince: 1 }), []],
	] as const)('%s', (_, before, after, expected) => {
		expect(types(before, after)).toEqual([...expected])
	})

	test('failing carries disableAt = failingSince + disableAfter, and enabled says who', () => {
		const [failing] = transitions(s({ consecutiveFailures: 2, failingSince: 1000 }), s({ consecutiveFailures: 3, failingSince: 1000 }), ctx)
		expect(failing.data).toEqual({ flow: 'f', endpoint: 'e', failingSince: '1970-01-01T00:00:01.000Z', consecutiveFailures: 3, lastError: ctx.lastError, pending: 0, disableAt: '1970-01-01T00:00:11.000Z' })
		expect(transitions(s({ enabled: false }), s(), { ...ctx, by: 'config' })[0].data).toEqual({ flow: 'f', endpoint: 'e', by: 'config' })
	})
})

const cfg = (endpoints: string, ops = ''): Config => {
	const r = loadConfigText(`${ops}flows:
  - id: ops
    ingestTokens: [t]
    endpoints:
      - { id: pager, url: "https://ops.example.com/", signing: { scheme: none } }
  - id: shop
    ingestTokens: [t]
    endpoints:
${endpoints}`, 'c.yaml', {})
	if ('errors' in r) throw new Error(r.errors.join('\n'))
	return r.config
}
const ep = (id: string, more = '') => `      - { id: ${id}, url: "https://x.example.com/${id}", signing: { scheme: none }${more} }\n`

test('a reload\'s changes among the YAML endpoints, the operations flow\'s own left out', () => {
	const before = cfg(ep('a') + ep('b') + ep('c'), 'operations: { flow: ops }\n')
	const after = cfg(ep('a', ', timeout: 3s') + ep('c', ', enabled: false') + ep('d'), 'operations: { flow: ops }\n')
	expect(endpointChanges(before, after)).toEqual([
		{ kind: 'updated', flow: 'shop', endpoint: 'a' },
		{ kind: 'disabled', flow: 'shop', endpoint: 'c' },
		{ kind: 'created', flow: 'shop', endpoint: 'd' },
		{ kind: 'deleted', flow: 'shop', endpoint: 'b' },
	])
	// loading the same file again (another createdAt) changes nothing
	expect(endpointChanges(before, cfg(ep('a') + ep('b') + ep('c'), 'operations: { flow: ops }\n'))).toEqual([])
})

test('the report keeps the top five error classes and is null on a quiet day', () => {
	expect(reportData([], 0, 1)).toBeNull()
	const errors = { a: 1, b: 7, c: 3, d: 9, e: 2, f: 5 }
	const r = reportData([{ flow: 'f', endpoint: 'e', failed: 27, pendingOverAnHour: 0, errors }], 0, 86_400_000)!
	expect(r.endpoints[0].errors).toEqual({ d: 9, b: 7, f: 5, c: 3, e: 2 })
	expect(Object.keys(r.endpoints[0].errors)).toEqual(['d', 'b', 'f', 'c', 'e'])
	expect([r.since, r.until]).toEqual(['1970-01-01T00:00:00.000Z', '1970-01-02T00:00:00.000Z'])
})

test('store.nearly_full levels: 80 from 80%, 95 at the ingest limit or 95%, held until back under 80%', () => {
	const below = (ratio: number) => ({ ratio, atIngestLimit: false })
	expect([0.5, 0.79, 0.8, 0.94, 0.95, 1].map((r) => levelOf(0, below(r)))).toEqual([0, 0, 80, 80, 95, 95])
	// ingest refused for the cap just short of 95%
	expect(levelOf(80, { ratio: 0.947, atIngestLimit: true })).toBe(95)
	// a purge that frees a little does not re-arm 95; one under 80% re-arms both
	expect([0.94, 0.85, 0.8, 0.79].map((r) => levelOf(95, below(r)))).toEqual([95, 95, 95, 0])
	expect(levelOf(0, below(0.85))).toBe(80)
})
