// One job: the event, the attempt timeline with run numbers, and what can be done about it.
import { useEffect, useState } from 'preact/hooks'
import { api, ApiError } from '../api'
import { curlFor, duration, errorWords, failedReason, pretty } from '../format'
import { useScope } from '../scope'
import type { Attempt, Job, JobDetail } from '../types'
import { Code, Copy, ErrorBox, Headers, StatusBadge, Time } from '../ui'

export function JobPage({ id }: { id: string }) {
	return <main class="page narrow"><p><a href="/ui/jobs">← Jobs</a></p><JobDetailBody id={id} heading={1} /></main>
}

export function JobDetailBody({ id, onChange, heading = 2 }: { id: string; onChange?: (j: Job) => void; heading?: 1 | 2 }) {
	const scope = useScope()
	const [job, setJob] = useState<JobDetail | null>(null)
	const [error, setError] = useState<unknown>(null)
	const [notice, setNotice] = useState<string | null>(null)
	const [busy, setBusy] = useState(false)
	const load = () => {
		setError(null)
		return api<JobDetail>('GET', `/jobs/${encodeURIComponent(id)}`).then(setJob).catch((e) => { if (!(e instanceof ApiError && e.status === 401)) setError(e) })
	}
	useEffect(() => { setJob(null); load() }, [id])
	// a job still moving is followed until it settles
	useEffect(() => {
		if (!job || (job.status !== 'pending' && job.status !== 'delivering')) return
		const t = setTimeout(load, 1500)
		return () => clearTimeout(t)
	}, [job])

	const act = async (what: 'replay' | 'cancel') => {
		if (!confirm(what === 'replay' ? `Replay job ${id} now? It starts a fresh retry schedule.` : `Cancel job ${id}? It will not be tried again.`)) return
		setBusy(true)
		try {
			const j = await api<Job>('POST', `/jobs/${encodeURIComponent(id)}/${what}`)
			onChange?.(j)
			setNotice(what === 'replay' ? 'Replayed: a new attempt is on its way.' : 'Cancelled.')
			await load()
		} catch (e) { setNotice(`${what === 'replay' ? 'Replay' : 'Cancel'} failed: ${(e as Error).message}`) }
		finally { setBusy(false) }
	}

	if (error) return <ErrorBox error={error} retry={load} />
	if (!job) return <p class="muted">Loading job…</p>
	const H = heading === 1 ? 'h1' : 'h2'
	const reason = failedReason(job)
	const last = job.attempts[job.attempts.length - 1]
	const ev = job.event
	return (
		<article class="job">
			<H class="job-title"><StatusBadge status={job.status} /> <span class="mono">{job.id}</span></H>
			{reason && <p class="reason" role="note">{reason}</p>}
			{job.status === 'pending' && job.nextAttemptAt && <p>Next try <Time iso={job.nextAttemptAt} rel /> (run {job.attemptCount + 1} of {job.maxAttempts}).</p>}
			<div class="actions">
				{scope.can('replay') && job.status !== 'delivering' && <button type="button" class="primary" disabled={busy} onClick={() => act('replay')}>Replay</button>}
				{scope.can('replay') && (job.status === 'pending' || job.status === 'delivering') && <button type="button" disabled={busy} onClick={() => act('cancel')}>Cancel</button>}
				{last && <Copy text={curlFor(last)} label="Copy as curl" />}
			</div>
			{notice && <p class="notice" role="status">{notice}</p>}
			<dl class="facts">
				<dt>Flow → endpoint</dt><dd><span class="mono">{job.flow}</span> → <span class="mono">{job.endpoint}</span></dd>
				<dt>URL now</dt><dd class="mono">{job.url ?? '(endpoint removed)'}</dd>
				<dt>Attempts</dt><dd>{job.attemptCount} / {job.maxAttempts}</dd>
				<dt>Created</dt><dd><Time iso={job.createdAt} /></dd>
			</dl>
			<section>
				<h3>Event</h3>
				<dl class="facts">
					<dt>Id</dt><dd class="mono">{scope.portal ? ev.id : <a href={`/ui/events/${encodeURIComponent(ev.id)}?flow=${encodeURIComponent(ev.flow)}`}>{ev.id}</a>} <Copy text={ev.id} what="event id" /></dd>
					<dt>Type</dt><dd class="mono">{ev.type}</dd>
					<dt>Session</dt><dd class="mono">{ev.sessionId ?? '—'}</dd>
					<dt>Occurred</dt><dd><Time iso={ev.occurredAt} /></dd>
					{ev.route && <><dt>Route</dt><dd class="mono">{ev.route.group} / {ev.route.name}</dd></>}
				</dl>
				<Code body={JSON.stringify(ev.data)} label="Event data" />
			</section>
			<section>
				<h3>Attempts</h3>
				{job.attempts.length === 0 && <p class="muted">No attempt yet.</p>}
				<ol class="timeline">
					{job.attempts.map((a) => <AttemptItem key={a.n} a={a} />)}
				</ol>
			</section>
		</article>
	)
}

function AttemptItem({ a }: { a: Attempt }) {
	const ok = a.error === null && a.status !== null && a.status >= 200 && a.status < 300
	return (
		<li class={`attempt ${ok ? 'ok' : 'bad'}`}>
			<div class="attempt-head">
				<strong>Run {a.n}</strong>
				<Time iso={a.startedAt} />
				<span class={`code-pill ${ok ? 's-succeeded' : 's-failed'}`}>{a.status ?? a.error?.class ?? '—'}</span>
				<span class="muted">{duration(a.durationMs)}</span>
			</div>
			<div class="mono url">{a.url}</div>
			{!ok && <p class="err">{errorWords(a.error, a.status, a.durationMs) || `answered ${a.status}`}</p>}
			<Headers headers={a.requestHeaders} label="Request headers" />
			<Code body={a.requestBody} label="Request body" />
			<Headers headers={a.responseHeaders} label="Response headers" />
			<details class="code">
				<summary>Response body <span class="muted">({a.responseBody.length} bytes{a.responseTruncated ? ', truncated at 16 KiB' : ''})</span></summary>
				<pre class="mono">{pretty(a.responseBody) || '(empty)'}</pre>
			</details>
			<details class="code">
				<summary>As curl</summary>
				<pre class="mono">{curlFor(a)}</pre>
			</details>
		</li>
	)
}
