import { expect, test } from 'bun:test'
import { eventInput, quickEvent } from '../../src/ingest/model'

// quickEvent is the hot path's hand-written check; it must never accept what
// the zod schema (the documented contract) refuses.
const inputs: unknown[] = [
	{ type: 't' }, { type: '' }, { type: 'x'.repeat(256) }, { type: 'x'.repeat(257) }, { type: 1 },
	{ id: 'a:b.c-d_e', type: 't' }, { id: 'a b', type: 't' }, { id: '', type: 't' }, { id: 'x'.repeat(128), type: 't' }, { id: 'x'.repeat(129), type: 't' },
	{ id: 5, type: 't' }, { type: 't', sessionId: null }, { type: 't', sessionId: 's-1' }, { type: 't', sessionId: 's 1' }, { type: 't', sessionId: 7 },
	{ type: 't', occurredAt: '2026-03-14T14:55:50.094Z' }, { type: 't', occurredAt: '2026-03-14T14:55:50+02:00' }, { type: 't', occurredAt: '2026-03-14' },
	{ type: 't', occurredAt: 'yesterday' }, { type: 't', occurredAt: 1773500150 }, { type: 't', success: false }, { type: 't', success: 'no' },
	{ type: 't', data: {} }, { type: 't', data: { a: [1, { b: null }] } }, { type: 't', data: [] }, { type: 't', data: null }, { type: 't', data: 'x' },
	{ type: 't\u0000' }, { type: 'a\tb' }, { type: 'a\u007fb' }, { type: 'a\ud800' }, { type: 'émoji 😀' },
	{ type: 't', sessionID: 'x' }, { type: 't', extra: undefined }, [], null, 'event', 42, { type: 't', id: undefined }, Object.create(null),
	JSON.parse('{"type":"t","__proto__":{"x":1}}'), JSON.parse('{"type":"t","data":{"__proto__":{"x":1}}}'),
]

test.each(inputs.map((i) => [JSON.stringify(i) ?? String(i), i]))('quick and zod agree on %s', (_name, input) => {
	const quick = quickEvent(input)
	const zod = eventInput.safeParse(input)
	if (quick !== null) expect(zod.success).toBe(true)
	// the quick path may defer to zod, never be looser; for plain valid events it must answer
	if (zod.success && typeof input === 'object' && input !== null && !('occurredAt' in input)) expect(quick).not.toBeNull()
})
