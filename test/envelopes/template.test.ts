import { describe, expect, test } from 'bun:test'
import { buildBody } from '../../src/envelopes'
import { makeEndpoint, makeEvent, makeFlow, SESSION } from '../support/fixtures'

const orderTemplate = {
	kind: 'order',
	eventId: '{{ event.id }}',
	count: '{{ event.data.count }}',
	label: 'n={{ event.data.count }}',
	tier: '{{ session.metadata.tier }}',
}

function render(template: unknown, eventOverrides: Parameters<typeof makeEvent>[0] = {}, attempt = 1): string {
	const flow = makeFlow({ id: 'orders', name: 'Orders', envelope: { kind: 'template', template } })
	return buildBody({ flow, endpoint: makeEndpoint({ id: 'shop' }), event: makeEvent(eventOverrides), attempt })
}

describe('template envelope', () => {
	test('builds the ENVELOPES.md example body byte for byte', () => {
		const body = render(orderTemplate, {
			id: 'o-1',
			type: 'order.created',
			sessionId: SESSION.id,
			metadata: SESSION.metadata,
			data: { count: 42 },
		})
		expect(body).toBe('{"kind":"order","eventId":"o-1","count":42,"label":"n=42","tier":"gold"}')
	})

	test('keeps the JSON type of a whole placeholder and gives null when missing', () => {
		const body = render(
			{ a: '{{event.data.obj}}', b: '{{ event.data.flag }}', c: '{{ event.data.nope }}', d: ['{{ event.data.list.1 }}'] },
			{ data: { obj: { x: [1] }, flag: false, list: ['p', 'q'] } },
		)
		expect(body).toBe('{"a":{"x":[1]},"b":false,"c":null,"d":["q"]}')
	})

	test('writes text inside longer strings: objects as compact JSON, missing and null as empty', () => {
		const body = render(
			{ s: 'o={{ event.data.obj }};m={{ event.data.nope }};n={{ event.data.nil }};b={{ event.success }}' },
			{ data: { obj: { x: 1 }, nil: null } },
		)
		expect(body).toBe('{"s":"o={\\"x\\":1};m=;n=;b=true"}')
	})

	test('fills every listed placeholder', () => {
		const body = render(
			{
				id: '{{ event.id }}', type: '{{ event.type }}', sid: '{{ event.sessionId }}', ok: '{{ event.success }}',
				at: '{{ event.occurredAt }}', unix: '{{ event.occurredAtUnix }}', data: '{{ event.data }}',
				session: '{{ session.id }}', meta: '{{ session.metadata }}', flow: '{{ flow.id }}', name: '{{ flow.name }}',
				endpoint: '{{ endpoint.id }}', attempt: '{{ attempt }}',
			},
			{ id: 'e', type: 't', sessionId: 's', metadata: { m: 1 }, occurredAt: '2026-03-14T14:55:50.094Z', data: { d: 2 } },
			3,
		)
		expect(body).toBe(
			'{"id":"e","type":"t","sid":"s","ok":true,"at":"2026-03-14T14:55:50.094Z","unix":1773500150,"data":{"d":2},"session":"s","meta":{"m":1},"flow":"orders","name":"Orders","endpoint":"shop","attempt":3}',
		)
	})

	test('gives session.metadata {} and session.id null without a session', () => {
		expect(render({ m: '{{ session.metadata }}', s: '{{ session.id }}' }, { metadata: { stale: 1 } })).toBe('{"m":{},"s":null}')
	})

	test('leaves non-string values as they are', () => {
		expect(render({ n: 1, b: true, z: null, nested: { list: [1, 'x'] } })).toBe('{"n":1,"b":true,"z":null,"nested":{"list":[1,"x"]}}')
	})

	test('appends endpoint body fields after the template keys', () => {
		const flow = makeFlow({ envelope: { kind: 'template', template: { kind: 'x' } } })
		const body = buildBody({ flow, endpoint: makeEndpoint({ body: { source: 'hookgate' } }), event: makeEvent(), attempt: 1 })
		expect(body).toBe('{"kind":"x","source":"hookgate"}')
	})
})
