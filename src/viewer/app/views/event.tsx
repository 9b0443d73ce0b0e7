// One event and its job per endpoint: the fan-out at a glance.
import { useEffect, useState } from 'preact/hooks'
import { api, ApiError, qs } from '../api'
import { duration, errorWords } from '../format'
import type { EventRecord, Job } from '../types'
import { Code, Copy, ErrorBox, StatusBadge, Time } from '../ui'

type EventWithJobs = EventRecord & { deliveries: Job[] }

export function EventView({ id, flow }: { id: string; flow: string | null }) {
	const [ev, setEv] = useState<EventWithJobs | null>(null)
	const [error, setError] = useState<unknown>(null)
	const load = () => {
		setError(null)
		api<EventWithJobs>('GET', `/events/${encodeURIComponent(id)}${qs({ flow })}`).then(setEv).catch((e) => { if (!(e instanceof ApiError && e.status === 401)) setError(e) })
	}
	useEffect(load, [id, flow])
	if (error) return <main class="page narrow"><h1>Event</h1><ErrorBox error={error} retry={load} /></main>
	if (!ev) return <main class="page narrow"><p class="muted">Loading event…</p></main>
	return (
		<main class="page narrow">
			<h1>Event <span class="mono">{ev.id}</span> <Copy text={ev.id} what="event id" /></h1>
			<dl class="facts">
				<dt>Flow</dt><dd class="mono">{ev.flow}</dd>
				<dt>Type</dt><dd class="mono">{ev.type}</dd>
				<dt>Session</dt><dd class="mono">{ev.sessionId ?? '—'}</dd>
				<dt>Occurred</dt><dd><Time iso={ev.occurredAt} /></dd>
				<dt>Accepted</dt><dd><Time iso={ev.acceptedAt} /></dd>
				{ev.route && <><dt>Route</dt><dd class="mono">{ev.route.group} / {ev.route.name}</dd></>}
			</dl>
			<h2>Deliveries ({ev.deliveries.length})</h2>
			{ev.deliveries.length === 0 && <p class="empty">No endpoint of this flow takes this event type.</p>}
			<ul class="fanout">
				{ev.deliveries.map((j) => (
					<li key={j.id}>
						<StatusBadge status={j.status} />
						<a class="mono" href={`/ui/jobs/${encodeURIComponent(j.id)}`}>{j.endpoint}</a>
						<span class="muted">{j.attemptCount} / {j.maxAttempts} attempts</span>
						<span>{j.lastStatus ?? ''} {j.lastError ? errorWords(j.lastError, j.lastStatus, j.lastDurationMs) : ''}</span>
						<span class="muted">{duration(j.lastDurationMs)}</span>
					</li>
				))}
			</ul>
			<Code body={JSON.stringify(ev.data)} label="Event data" />
		</main>
	)
}
