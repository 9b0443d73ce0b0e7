// The platform-action table of seeds/05: an action name maps to a route whose
// group may carry slugs taken from the event's data.

import type { FlowConfig, Route } from '../domain'

type Slug = 'kappSlug' | 'formSlug' | 'datastoreFormSlug'

interface Action {
	slugs: Slug[]
	group: (s: Record<Slug, string>) => string
	name: string
}

const ACTIONS: Record<string, Action> = {}

function add(names: string[], slugs: Slug[], group: Action['group']): void {
	for (const full of names) {
		const name = full.slice(full.lastIndexOf(' ') + 1)
		ACTIONS[full] = { slugs, group, name }
	}
}

add(['Users Created', 'Users Updated', 'Users Deleted'], [], () => 'Users')
add(['Team Created', 'Team Updated', 'Team Deleted'], [], () => 'Teams')
add(['Datastore Form Created', 'Datastore Form Updated'], ['datastoreFormSlug'],
	(s) => `Datastore Forms > ${s.datastoreFormSlug}`)
add(['Datastore Submission Created', 'Datastore Submission Submitted'], ['datastoreFormSlug'],
	(s) => `Datastore Submissions > ${s.datastoreFormSlug}`)
add(['Form Created', 'Form Updated'], ['kappSlug', 'formSlug'], (s) => `${s.kappSlug} > ${s.formSlug}`)
add(['Submission Created', 'Submission Submitted'], ['kappSlug', 'formSlug'],
	(s) => `Submissions > ${s.kappSlug} > ${s.formSlug}`)

export const PLATFORM_ACTIONS: readonly string[] = Object.freeze(Object.keys(ACTIONS))

function actionOf(type: string): Action | null {
	return Object.hasOwn(ACTIONS, type) ? ACTIONS[type]! : null
}

function slugValue(data: Record<string, unknown>, slug: Slug): string | null {
	const v = Object.hasOwn(data, slug) ? data[slug] : undefined
	return typeof v === 'string' && v !== '' ? v : null
}

/** The data fields a route of this type needs; null when the type is not an action. */
export function slugsFor(type: string): readonly string[] | null {
	return actionOf(type)?.slugs ?? null
}

export function missingSlug(type: string, data: Record<string, unknown>): string | null {
	return actionOf(type)?.slugs.find((s) => slugValue(data, s) === null) ?? null
}

export function routeFor(type: string, data: Record<string, unknown>): Route | null {
	const action = actionOf(type)
	if (!action) return null
	const values: Partial<Record<Slug, string>> = {}
	for (const slug of action.slugs) {
		const v = slugValue(data, slug)
		if (v === null) return null
		values[slug] = v
	}
	return { group: action.group(values as Record<Slug, string>), name: action.name }
}

/** The event types a flow takes: its `events` list, else the 14 actions for platform-action, else any (null). */
export function acceptedTypes(flow: FlowConfig): readonly string[] | null {
	return flow.events ?? (flow.envelope.kind === 'builtin' && flow.envelope.name === 'platform-action' ? PLATFORM_ACTIONS : null)
}
