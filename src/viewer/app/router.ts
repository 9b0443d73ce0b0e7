// A tiny history router: the location is the state, links are plain <a>
// elements to /ui paths that this module turns into pushState.
import { useEffect, useState } from 'preact/hooks'

export interface Loc { path: string; query: URLSearchParams }

const listeners = new Set<() => void>()
const read = (): Loc => ({ path: location.pathname.replace(/\/+$/, '') || '/', query: new URLSearchParams(location.search) })

export function navigate(to: string, opts: { replace?: boolean } = {}) {
	if (opts.replace) history.replaceState(null, '', to)
	else history.pushState(null, '', to)
	for (const l of listeners) l()
}

/** Replaces the query (filters live there) without a new history entry per keystroke. */
export function setQuery(q: URLSearchParams, opts: { replace?: boolean } = { replace: true }) {
	for (const [k, v] of [...q]) if (v === '') q.delete(k)
	const s = q.toString()
	navigate(location.pathname + (s ? `?${s}` : ''), opts)
}

export function useLocation(): Loc {
	const [loc, setLoc] = useState(read)
	useEffect(() => {
		const update = () => setLoc(read())
		listeners.add(update)
		addEventListener('popstate', update)
		return () => { listeners.delete(update); removeEventListener('popstate', update) }
	}, [])
	return loc
}

// Same-origin /ui links navigate in the page; everything else is left to the browser.
export function interceptLinks() {
	document.addEventListener('click', (e) => {
		if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return
		const a = (e.target as Element | null)?.closest?.('a')
		if (!a || a.target || a.origin !== location.origin || !a.pathname.startsWith('/ui')) return
		e.preventDefault()
		navigate(a.pathname + a.search)
	})
}
