// The filters above the jobs: status chips with counts, flow, endpoint, ids and
// a time range. They live in the URL query, so a filtered view can be shared.
import { fromLocalInput, toLocalInput } from '../format'
import { type Loc, setQuery } from '../router'
import { useScope } from '../scope'
import { type Counts, type Flow, STATUSES, type Status } from '../types'

export function Filters({ loc, flows, counts }: { loc: Loc; flows: Flow[]; counts: Counts | null }) {
	const scope = useScope()
	const q = loc.query
	const set = (k: string, v: string) => {
		const n = new URLSearchParams(location.search)
		n.delete('job')
		if (v) n.set(k, v); else n.delete(k)
		if (k === 'flow') n.delete('endpoint')
		setQuery(n)
	}
	const statuses = new Set((q.get('status') ?? '').split(',').filter(Boolean))
	const toggle = (s: Status) => {
		if (statuses.has(s)) statuses.delete(s); else statuses.add(s)
		set('status', [...statuses].join(','))
	}
	const flow = scope.flow ?? q.get('flow') ?? ''
	const endpoints = flows.filter((f) => !flow || f.id === flow).flatMap((f) => f.endpoints.map((e) => e.id))
	const text = (k: string, label: string, id?: string) => (
		<label class="field"><span>{label}</span>
			<input id={id} type="search" value={q.get(k) ?? ''} class="mono" onChange={(e) => set(k, (e.target as HTMLInputElement).value.trim())} />
		</label>
	)
	return (
		<form class="filters" role="search" onSubmit={(e) => e.preventDefault()}>
			<div class="chips" role="group" aria-label="Status">
				{STATUSES.map((s) => (
					<button type="button" key={s} class={`chip s-${s}`} aria-pressed={statuses.has(s)} onClick={() => toggle(s)}>
						{s} {counts && <span class="count">{counts[s]}</span>}
					</button>
				))}
			</div>
			<div class="filter-row">
				{!scope.flow && (
					<label class="field"><span>Flow</span>
						<select value={flow} onChange={(e) => set('flow', (e.target as HTMLSelectElement).value)}>
							<option value="">all flows</option>
							{flows.map((f) => <option key={f.id} value={f.id}>{f.id}</option>)}
						</select>
					</label>
				)}
				<label class="field"><span>Endpoint</span>
					<select value={q.get('endpoint') ?? ''} onChange={(e) => set('endpoint', (e.target as HTMLSelectElement).value)}>
						<option value="">all endpoints</option>
						{[...new Set(endpoints)].map((id) => <option key={id} value={id}>{id}</option>)}
					</select>
				</label>
				{text('event', 'Event id (/)', 'filter-event')}
				{text('type', 'Type')}
				{text('session', 'Session')}
				<label class="field"><span>From</span>
					<input type="datetime-local" value={toLocalInput(q.get('since'))} onChange={(e) => set('since', fromLocalInput((e.target as HTMLInputElement).value))} />
				</label>
				<label class="field"><span>To</span>
					<input type="datetime-local" value={toLocalInput(q.get('until'))} onChange={(e) => set('until', fromLocalInput((e.target as HTMLInputElement).value))} />
				</label>
			</div>
		</form>
	)
}

