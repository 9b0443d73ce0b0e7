import { describe, expect, test } from 'bun:test'
import { buildBody } from '../../src/envelopes'
import { renderTemplate, resolvePath } from '../../src/envelopes/template'
import { makeEndpoint, makeEvent, makeFlow } from '../support/fixtures'

describe('template safety', () => {
	test('prototype keys resolve to nothing', () => {
		const scope = { event: { data: {} } }
		for (const path of ['event.__proto__', 'event.constructor', 'event.data.constructor.name', 'event.prototype', 'event.data.toString', 'event.data.hasOwnProperty']) {
			expect(resolvePath(scope, path)).toBeUndefined()
		}
	})

	test('a producer-supplied __proto__ key in data is not reachable either', () => {
		const data = JSON.parse('{"__proto__":{"polluted":"yes"},"constructor":"c"}') as Record<string, unknown>
		expect(resolvePath({ data }, 'data.__proto__')).toBeUndefined()
		expect(resolvePath({ data }, 'data.__proto__.polluted')).toBeUndefined()
		expect(resolvePath({ data }, 'data.constructor')).toBeUndefined()
	})

	test('rendering a template with __proto__ keys pollutes nothing and keeps the key as data', () => {
		const template = JSON.parse('{"__proto__":{"polluted":"{{ event.id }}"},"a":"{{ event.__proto__ }}"}') as unknown
		const out = renderTemplate(template, { event: { id: 'e' } }) as Record<string, unknown>
		expect(({} as Record<string, unknown>).polluted).toBeUndefined()
		expect(Object.getPrototypeOf(out)).toBe(Object.prototype)
		expect(JSON.stringify(out)).toBe('{"__proto__":{"polluted":"e"},"a":null}')
	})

	test('endpoint body __proto__ stays an ordinary key', () => {
		const body = JSON.parse('{"__proto__":{"x":1}}') as Record<string, unknown>
		const out = buildBody({ flow: makeFlow(), endpoint: makeEndpoint({ body }), event: makeEvent({ type: 't' }), attempt: 1 })
		expect(out).toBe('{"type":"t","timestamp":"2026-03-14T14:55:50.094Z","data":{},"__proto__":{"x":1}}')
		expect(({} as Record<string, unknown>).x).toBeUndefined()
	})

	test('placeholders are looked up, never evaluated', () => {
		const flow = makeFlow({ envelope: { kind: 'template', template: { a: '{{ event.id + 1 }}', b: "{{ process.exit(1) }}", c: '{{ this }}' } } })
		expect(buildBody({ flow, endpoint: makeEndpoint(), event: makeEvent(), attempt: 1 })).toBe('{"a":null,"b":null,"c":null}')
	})
})
