// The home page: jobs newest first, filters in the URL, new rows within 2 s.
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks'
import { api, ApiError, qs } from '../api'
import { duration, errorWords } from '../format'
import { type Loc, setQuery } from '../router'
import { useScope } from '../scope'
import { type Counts, type Flow, type Job, type Page, STATUSES } from '../types'
import { Copy, ErrorBox, StatusBadge, Time } from '../ui'
import { Filters } from './job-filters'
import { JobDetailBody } from './job'

const FILTERS = ['flow', 'endpoint', 'status', 'type', 'session', 'event', 'since', 'until'] as const
const POLL_MS = 1500

function filterQuery(loc: Loc, fixedFlow: string | null): Record<string, string> {
	const out: Record<string, string> = {}
	for (const k of FILTERS) { const v = loc.query.get(k); if (v) out[k] = v }
	if (fixedFlow) out.flow = fixedFlow
	return out
}

function sumCounts(flows: Flow[]): Counts {
	const c: Counts = { pending: 0, delivering: 0, succeeded: 0, failed: 0, cancelled: 0 }
	for (const f of flows) for (const s of STATUSES) c[s] += f.jobs[s]
	return c
}

export function JobsView({ loc }: { loc: Loc }) {
	const scope = useScope()
	const filters = filterQuery(loc, scope.flow)
	const key = JSON.stringify(filters)
	const [items, setItems] = useState<Job[]>([])
	const [cursor, setCursor] = useState<string | null>(null)
	const [loading, setLoading] = useState(true)
	const [error, setError] = useState<unknown>(null)
	const [flows, setFlows] = useState<Flow[]>([])
	// no figure beats a wrong one: the chips show counts only once flows have loaded
	const [flowsLoaded, setFlowsLoaded] = useState(false)
	const [selected, setSelected] = useState(-1)
	const [fresh, setFresh] = useState(0)
	const [notice, setNotice] = useState<string | null>(null)
	const itemsRef = useRef<Job[]>([])
	itemsRef.current = items
	const since = useRef('1970-01-01T00:00:00.000Z')
	const heightBefore = useRef<number | null>(null)
	const openId = loc.query.get('job')

	// flows carry the job counts of the chips: a count over every job, so it
	// waits until the rows are shown and runs at most every 10 s
	const flowsAt = useRef(0)
	const loadFlows = useCallback((force = false) => {
		if (!force && Date.now() - flowsAt.current < 10_000) return
		flowsAt.current = Date.now()
		const p = scope.flow ? api<Flow>('GET', `/flows/${encodeURIComponent(scope.flow)}`).then((f) => [f]) : api<{ items: Flow[] }>('GET', '/flows').then((r) => r.items)
		p.then((f) => { setFlows(f); setFlowsLoaded(true) }).catch(() => {})
	}, [scope.flow])

	const load = useCallback(async () => {
		setLoading(true)
		setError(null)
		try {
			const page = await api<Page<Job>>('GET', `/jobs${qs({ ...filters, limit: 50 })}`)
			since.current = page.items.reduce((m, j) => (j.updatedAt > m ? j.updatedAt : m), '1970-01-01T00:00:00.000Z')
			setItems(page.items)
			setCursor(page.nextCursor)
			setFresh(0)
			setSelected(-1)
		} catch (e) {
			if (!(e instanceof ApiError && e.status === 401)) setError(e)
		} finally { setLoading(false) }
	}, [key])

	// a layout effect runs right after the first render, not a frame later: the first screen is the figure that counts
	useLayoutEffect(() => { load().then(() => loadFlows(true)) }, [key])

	// New and changed rows: poll with updatedSince; rows above the reader keep the reader's place.
	useEffect(() => {
		let stopped = false
		let timer: ReturnType<typeof setTimeout>
		const tick = async () => {
			try {
				const page = await api<Page<Job>>('GET', `/jobs${qs({ ...filters, updatedSince: since.current, limit: 500 })}`)
				if (stopped || page.items.length === 0) return
				for (const j of page.items) if (j.updatedAt > since.current) since.current = j.updatedAt
				const current = itemsRef.current
				const byId = new Map(current.map((j) => [j.id, j]))
				// new means newer than the top row; a change to a job older than the
				// loaded page (a retry far down, or a sibling of the top row created in
				// the same millisecond) is not news at the top
				const top = current[0]?.createdAt ?? ''
				const added = page.items.filter((j) => !byId.has(j.id) && j.createdAt > top)
				let changed = added.length > 0
				const updated = current.map((j) => {
					const u = page.items.find((x) => x.id === j.id)
					if (u && u.updatedAt !== j.updatedAt) { changed = true; return u }
					return j
				})
				if (!changed) return
				added.sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1))
				if (added.length > 0 && window.scrollY > 40) {
					heightBefore.current = document.documentElement.scrollHeight
					setFresh((n) => n + added.length)
				}
				if (added.length > 0) setSelected((s) => (s >= 0 ? s + added.length : s))
				setItems([...added, ...updated])
				loadFlows()
			} catch {} finally {
				if (!stopped) timer = setTimeout(tick, POLL_MS)
			}
		}
		timer = setTimeout(tick, POLL_MS)
		return () => { stopped = true; clearTimeout(timer) }
	}, [key])

	useLayoutEffect(() => {
		if (heightBefore.current === null) return
		window.scrollBy(0, document.documentElement.scrollHeight - heightBefore.current)
		heightBefore.current = null
	}, [items])

	const more = async () => {
		if (!cursor) return
		try {
			const page = await api<Page<Job>>('GET', `/jobs${qs({ ...filters, limit: 50, cursor })}`)
			const have = new Set(itemsRef.current.map((j) => j.id))
			setItems([...itemsRef.current, ...page.items.filter((j) => !have.has(j.id))])
			setCursor(page.nextCursor)
		} catch (e) { setError(e) }
	}

	const open = (id: string | null) => {
		const q = new URLSearchParams(location.search)
		if (id) q.set('job', id); else q.delete('job')
		setQuery(q, { replace: false })
	}

	const replay = async (id: string) => {
		if (!scope.can('replay')) return
		if (!confirm(`Replay job ${id} now?`)) return
		try {
			const j = await api<Job>('POST', `/jobs/${encodeURIComponent(id)}/replay`)
			setItems(itemsRef.current.map((x) => (x.id === j.id ? j : x)))
			setNotice(`Replayed ${id}`)
		} catch (e) { setNotice(`Replay failed: ${(e as Error).message}`) }
	}

	// Keyboard: / filter, j/k move, Enter open, Esc close, r replay (confirmed).
	useEffect(() => {
		const onKey = (e: KeyboardEvent) => {
			const t = e.target as HTMLElement
			const typing = t.closest('input, textarea, select, [contenteditable]')
			if (e.key === 'Escape') { if (typing) (t as HTMLElement).blur(); else if (new URLSearchParams(location.search).get('job')) open(null); return }
			if (typing || e.metaKey || e.ctrlKey || e.altKey) return
			const list = itemsRef.current
			if (e.key === '/') { e.preventDefault(); document.getElementById('filter-event')?.focus() }
			else if (e.key === 'j' || e.key === 'k') {
				e.preventDefault()
				setSelected((s) => {
					const n = Math.max(0, Math.min(list.length - 1, s + (e.key === 'j' ? 1 : -1)))
					document.getElementById(`job-${n}`)?.scrollIntoView({ block: 'nearest' })
					return n
				})
			} else if (e.key === 'Enter') {
				const sel = document.querySelector<HTMLElement>('tr.selected')?.dataset.id
				if (sel) { e.preventDefault(); open(sel) }
			} else if (e.key === 'r') {
				const id = new URLSearchParams(location.search).get('job') ?? document.querySelector<HTMLElement>('tr.selected')?.dataset.id
				if (id) { e.preventDefault(); replay(id) }
			}
		}
		document.addEventListener('keydown', onKey)
		return () => document.removeEventListener('keydown', onKey)
	}, [scope])

	const counts = useMemo(() => flowsLoaded ? sumCounts(filters.flow ? flows.filter((f) => f.id === filters.flow) : flows) : null, [flows, flowsLoaded, filters.flow])

	return (
		<main class={`page jobs ${openId ? 'with-panel' : ''}`}>
			<div class="list-side">
				<h1 class={scope.portal ? 'sr-only' : ''}>Jobs</h1>
				<Filters loc={loc} flows={flows} counts={counts} />
				{notice && <p class="notice" role="status">{notice} <button type="button" class="link" onClick={() => setNotice(null)}>dismiss</button></p>}
				{fresh > 0 && <button type="button" class="pill" onClick={() => { window.scrollTo({ top: 0 }); setFresh(0) }}>{fresh} new ↑</button>}
				{error ? <ErrorBox error={error} retry={load} /> : null}
				{!error && !loading && items.length === 0 && <Empty filtered={Object.keys(filters).length > (scope.flow ? 1 : 0)} flow={filters.flow ?? flows[0]?.id ?? 'FLOW'} />}
				{items.length > 0 && (
					<table class="jobs-table">
						<thead><tr>
							<th scope="col">Status</th><th scope="col">Event type</th><th scope="col">Event id</th><th scope="col">Flow → endpoint</th>
							<th scope="col">Attempts</th><th scope="col">Last</th><th scope="col">Latency</th><th scope="col">Next try</th><th scope="col">Created</th>
						</tr></thead>
						<tbody>
							{items.map((j, i) => <JobRow key={j.id} job={j} index={i} selected={i === selected} open={j.id === openId} onOpen={() => { setSelected(i); open(j.id) }} />)}
						</tbody>
					</table>
				)}
				{cursor && <button type="button" class="more" onClick={more}>Load older jobs</button>}
				{loading && items.length === 0 && <p class="muted">Loading…</p>}
			</div>
			{openId && (
				<aside class="panel" aria-label="Job detail">
					<button type="button" class="close" aria-label="Close the panel (Esc)" onClick={() => open(null)}>×</button>
					<JobDetailBody id={openId} onChange={(j) => setItems(itemsRef.current.map((x) => (x.id === j.id ? { ...x, ...j } : x)))} />
				</aside>
			)}
		</main>
	)
}

function JobRow({ job: j, index, selected, open, onOpen }: { job: Job; index: number; selected: boolean; open: boolean; onOpen: () => void }) {
	const scope = useScope()
	const jobHref = scope.portal ? `/ui/portal?job=${encodeURIComponent(j.id)}` : `/ui/jobs/${encodeURIComponent(j.id)}`
	return (
		<tr id={`job-${index}`} data-id={j.id} class={`${selected ? 'selected' : ''} ${open ? 'open' : ''}`} onClick={(e) => {
			if ((e.target as Element).closest('a, button')) return
			onOpen()
		}}>
			<td data-label="Status"><a href={jobHref} class="rowlink" onClick={(e) => { e.preventDefault(); onOpen() }}><StatusBadge status={j.status} /></a>{j.test && <span class="tag">test</span>}</td>
			<td data-label="Type" class="mono">{j.eventType}</td>
			<td data-label="Event" class="mono id">
				{scope.portal ? <span>{j.eventId}</span> : <a href={`/ui/events/${encodeURIComponent(j.eventId)}?flow=${encodeURIComponent(j.flow)}`}>{j.eventId}</a>}
				<Copy text={j.eventId} what="event id" />
			</td>
			<td data-label="Flow → endpoint"><span class="mono">{j.flow}</span> → <span class="mono">{j.endpoint}</span></td>
			<td data-label="Attempts" class="num">{j.attemptCount} / {j.maxAttempts}</td>
			<td data-label="Last" class="num" title={j.lastError ? errorWords(j.lastError, j.lastStatus, j.lastDurationMs) : undefined}>
				{j.lastStatus ?? (j.lastError ? j.lastError.class : '—')}
			</td>
			<td data-label="Latency" class="num">{duration(j.lastDurationMs)}</td>
			<td data-label="Next try">{j.nextAttemptAt ? <Time iso={j.nextAttemptAt} rel /> : <span class="muted">—</span>}</td>
			<td data-label="Created"><Time iso={j.createdAt} /></td>
		</tr>
	)
}

function Empty({ filtered, flow }: { filtered: boolean; flow: string }) {
	if (filtered) return <p class="empty">No job matches these filters. <a href={location.pathname}>Clear the filters</a>.</p>
	return (
		<div class="empty">
			<p>No jobs yet. Send an event with:</p>
			<pre class="mono">{`curl -X POST ${location.origin}/v1/flows/${flow}/events \\\n  -H 'authorization: Bearer <ingest token>' -H 'content-type: application/json' \\\n  -d '{"type": "<event type>", "data": {}}'`}</pre>
		</div>
	)
}
