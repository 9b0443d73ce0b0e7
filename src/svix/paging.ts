// Svix lists: {data, iterator, prevIterator, done}. `iterator` is the last
// item's id, `prevIterator` "-" and the first one's; a "-" iterator travels
// back and `done` says whether anything lies further in that direction.
import { invalid } from './errors'

export interface ListQuery {
	limit: number
	/** the id to continue after, or null */
	after: string | null
	/** true: a "-" iterator, the page before it */
	back: boolean
	order: 'ascending' | 'descending'
}

export interface ListOut<T> {
	data: T[]
	iterator: string | null
	prevIterator: string | null
	done: boolean
}

export function listQuery(q: URLSearchParams, defaultOrder: 'ascending' | 'descending'): ListQuery {
	const raw = q.get('limit')
	let limit = 50
	if (raw !== null) {
		limit = Number(raw)
		if (!/^\d+$/.test(raw) || limit < 1 || limit > 250) throw invalid(['query', 'limit'], 'must be an integer from 1 to 250')
	}
	const order = q.get('order') ?? defaultOrder
	if (order !== 'ascending' && order !== 'descending') throw invalid(['query', 'order'], 'must be ascending or descending')
	const it = q.get('iterator')
	if (it === null || it === '' || it === '-') return { limit, after: null, back: false, order }
	return it.startsWith('-') ? { limit, after: it.slice(1), back: true, order } : { limit, after: it, back: false, order }
}

/**
 * One page from `fetch`, which returns up to n items next to `after` in the
 * direction of travel (`forward`: the list's own order), nearest first.
 */
export async function page<T>(q: ListQuery, idOf: (t: T) => string, fetch: (forward: boolean, after: string | null, n: number) => Promise<T[]>): Promise<ListOut<T>> {
	const got = await fetch(!q.back, q.after, q.limit + 1)
	const done = got.length <= q.limit
	const items = got.slice(0, q.limit)
	// a backward page is shown in the list's order like every page
	if (q.back) items.reverse()
	return {
		data: items,
		iterator: items.length > 0 ? idOf(items[items.length - 1]) : null,
		prevIterator: items.length > 0 ? `-${idOf(items[0])}` : null,
		done,
	}
}

/** The same over a list already in memory, sorted ascending by id. */
export function pageArray<T>(q: ListQuery, sortedAsc: T[], idOf: (t: T) => string): Promise<ListOut<T>> {
	const list = q.order === 'ascending' ? sortedAsc : [...sortedAsc].reverse()
	const beyond = (id: string, ref: string, forward: boolean) => {
		const asc = (q.order === 'ascending') === forward
		return asc ? id > ref : id < ref
	}
	return page(q, idOf, async (forward, after, n) => {
		const inOrder = forward ? list : [...list].reverse()
		return (after === null ? inOrder : inOrder.filter((t) => beyond(idOf(t), after, forward))).slice(0, n)
	})
}
