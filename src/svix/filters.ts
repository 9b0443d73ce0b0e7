// List filters from the query string (the SDK joins arrays with commas and
// sends dates as ISO strings); a bad one is 422 at ["query", name].
import type { SvixAttemptFilter, SvixMessageFilter } from '../store/svix-types'
import { invalid } from './errors'

function time(q: URLSearchParams, name: string): number | undefined {
	const v = q.get(name)
	if (v === null || v === '') return undefined
	const t = Date.parse(v)
	if (Number.isNaN(t)) throw invalid(['query', name], 'must be an RFC 3339 date-time')
	return t
}

export function messageFilter(q: URLSearchParams): SvixMessageFilter {
	const types = q.get('event_types')
	return {
		channel: q.get('channel') || undefined,
		tag: q.get('tag') || undefined,
		eventTypes: types ? types.split(',').filter(Boolean) : undefined,
		before: time(q, 'before'),
		after: time(q, 'after'),
	}
}

/** null: a status no attempt can have (pending, sending, canceled are job states) */
export function attemptFilter(q: URLSearchParams): Omit<SvixAttemptFilter, 'limit'> | null {
	const out: Omit<SvixAttemptFilter, 'limit'> = messageFilter(q)
	const status = q.get('status')
	if (status !== null && status !== '') {
		if (!/^[0-4]$/.test(status)) throw invalid(['query', 'status'], 'must be 0, 1, 2, 3 or 4')
		if (status !== '0' && status !== '2') return null
		out.succeeded = status === '0'
	}
	const cls = q.get('status_code_class')
	if (cls !== null && cls !== '') {
		if (!['0', '100', '200', '300', '400', '500'].includes(cls)) throw invalid(['query', 'status_code_class'], 'must be 0, 100, 200, 300, 400 or 500')
		out.statusClass = Number(cls)
	}
	return out
}
