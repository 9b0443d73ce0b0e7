import { describe, expect, test } from 'bun:test'
import { buildBody, PLATFORM_ACTIONS, renderUrl, routeFor } from '../../src/envelopes'
import { makeEndpoint, makeEvent, makeFlow } from '../support/fixtures'

const flow = makeFlow({ envelope: { kind: 'builtin', name: 'platform-action' } })
const endpoint = makeEndpoint({ url: 'https://workflow.example.com/run-tree/{{ route.group }}/{{ route.name }}' })
const event = makeEvent({
	id: '4f1c9e',
	type: 'Submission Submitted',
	occurredAt: '2026-03-14T14:55:50.094Z',
	data: { kappSlug: 'services', formSlug: 'onboarding', submission: { id: 'sub-123', values: { Name: 'Ada' } } },
})

describe('platform-action envelope', () => {
	test('builds the ENVELOPES.md example body byte for byte', () => {
		expect(buildBody({ flow, endpoint, event, attempt: 1 })).toBe(
			'{"id":"4f1c9e","action":"Submission Submitted","route":{"group":"Submissions > services > onboarding","name":"Submitted"},"timestamp":"2026-03-14T14:55:50.094Z","data":{"kappSlug":"services","formSlug":"onboarding","submission":{"id":"sub-123","values":{"Name":"Ada"}}}}',
		)
	})

	test('places the route in the URL path, encoded with encodeURIComponent', () => {
		expect(renderUrl({ flow, endpoint, event, attempt: 1 })).toBe(
			'https://workflow.example.com/run-tree/Submissions%20%3E%20services%20%3E%20onboarding/Submitted',
		)
	})

	test('knows the 14 action names', () => {
		expect(PLATFORM_ACTIONS).toHaveLength(14)
		expect(new Set(PLATFORM_ACTIONS).size).toBe(14)
	})

	test.each([
		['Users Created', {}, 'Users', 'Created'],
		['Users Updated', {}, 'Users', 'Updated'],
		['Users Deleted', {}, 'Users', 'Deleted'],
		['Team Created', {}, 'Teams', 'Created'],
		['Team Updated', {}, 'Teams', 'Updated'],
		['Team Deleted', {}, 'Teams', 'Deleted'],
		['Datastore Form Created', { datastoreFormSlug: 'ds' }, 'Datastore Forms > ds', 'Created'],
		['Datastore Form Updated', { datastoreFormSlug: 'ds' }, 'Datastore Forms > ds', 'Updated'],
		['Datastore Submission Created', { datastoreFormSlug: 'ds' }, 'Datastore Submissions > ds', 'Created'],
		['Datastore Submission Submitted', { datastoreFormSlug: 'ds' }, 'Datastore Submissions > ds', 'Submitted'],
		['Form Created', { kappSlug: 'k', formSlug: 'f' }, 'k > f', 'Created'],
		['Form Updated', { kappSlug: 'k', formSlug: 'f' }, 'k > f', 'Updated'],
		['Submission Created', { kappSlug: 'k', formSlug: 'f' }, 'Submissions > k > f', 'Created'],
		['Submission Submitted', { kappSlug: 'k', formSlug: 'f' }, 'Submissions > k > f', 'Submitted'],
	])('routes %s', (type, data, group, name) => {
		expect(PLATFORM_ACTIONS).toContain(type)
		expect(routeFor(type, data)).toEqual({ group, name })
	})

	test('has no route for other types, missing slugs or inherited keys', () => {
		expect(routeFor('invoice.paid', {})).toBeNull()
		expect(routeFor('constructor', {})).toBeNull()
		expect(routeFor('Form Created', { kappSlug: 'k' })).toBeNull()
		expect(routeFor('Form Created', { kappSlug: 'k', formSlug: '' })).toBeNull()
		expect(routeFor('Datastore Form Created', { datastoreFormSlug: 7 })).toBeNull()
	})
})
