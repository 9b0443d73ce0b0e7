// The README's Slack receiver example: the events a real gateway sends become
// Slack messages that name the endpoint and what happened.
import { expect, test } from 'bun:test'
import { toSlack } from '../../scripts/ops-to-slack'

const at = '2026-12-07T08:00:00.000Z'
const base = { flow: 'shop', endpoint: 'crm' }

test('every documented type becomes a Slack message naming the endpoint and what happened', () => {
	const cases: Array<[string, Record<string, unknown>, RegExp]> = [
		['endpoint.failing', { ...base, failingSince: at, consecutiveFailures: 3, lastError: { class: 'http_status', message: '503', status: 503 }, pending: 12, disableAt: at }, /`shop\/crm` is failing.*12 jobs wait/],
		['endpoint.recovered', { ...base, failingSince: at, recoveredAt: at }, /`shop\/crm` delivers again/],
		['endpoint.disabled', { ...base, reason: 'the receiver answered 410 Gone', disabledAt: at, pending: 4 }, /disabled.*410 Gone.*4 jobs/],
		['endpoint.enabled', { ...base, by: 'api' }, /enabled \(by api\)/],
		['endpoint.deleted', { ...base, by: 'config' }, /was deleted \(by config\)/],
		['delivery.exhausted', { ...base, count: 250, jobs: ['j1', 'j2'], lastError: { class: 'timeout', message: 'no answer', status: null }, since: at }, /250 job\(s\).*j1, j2/],
		['config.reload_refused', { errors: ['c.yaml:3:9 operations.flow: names no flow of this file: x'] }, /refused[\s\S]*c\.yaml:3:9/],
		['store.nearly_full', { usedBytes: 820, maxBytes: 1000, ratio: 0.82 }, /82% of storage\.maxSize/],
		['report.undelivered', { since: at, until: at, endpoints: [{ ...base, failed: 3, pendingOverAnHour: 1, errors: { timeout: 3 } }] }, /`shop\/crm`: 3 failed, 1 pending over an hour \(timeout 3\)/],
	]
	for (const [type, data, expected] of cases) expect(toSlack({ type, timestamp: at, data }).text).toMatch(expected)
})
