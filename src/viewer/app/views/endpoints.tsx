// Endpoints grouped by flow: health, 24 h figures, hourly chart and every action.
import { useEffect, useState } from 'preact/hooks'
import { api, ApiError, qs } from '../api'
import { HourlyChart } from '../chart'
import { duration, errorWords, fromLocalInput, percent, pretty, seconds, toLocalInput } from '../format'
import { useScope } from '../scope'
import type { Endpoint, Flow, Job, Page, StatsItem, TestResult } from '../types'
import { Copy, ErrorBox } from '../ui'
import { EndpointForm } from './endpoint-form'

export function EndpointsView() {
	const scope = useScope()
	const [flows, setFlows] = useState<Flow[] | null>(null)
	const [stats, setStats] = useState<StatsItem[]>([])
	const [error, setError] = useState<unknown>(null)
	const load = async () => {
		setError(null)
		try {
			const f = scope.flow ? [await api<Flow>('GET', `/flows/${encodeURIComponent(scope.flow)}`)] : (await api<{ items: Flow[] }>('GET', '/flows')).items
			setFlows(f)
			const s = await api<{ items: StatsItem[] }>('GET', `/stats${qs({ flow: scope.flow })}`)
			setStats(s.items)
		} catch (e) { if (!(e instanceof ApiError && e.status === 401)) setError(e) }
	}
	useEffect(() => { load() }, [scope.flow])
	if (error) return <main class="page"><h1>Endpoints</h1><ErrorBox error={error} retry={load} /></main>
	if (!flows) return <main class="page"><h1>Endpoints</h1><p class="muted">Loading…</p></main>
	return (
		<main class="page">
			<h1 class={scope.portal ? 'sr-only' : ''}>Endpoints</h1>
			{flows.length === 0 && <p class="empty">No flow is configured. Add one under <code>flows:</code> in the config file.</p>}
			{flows.map((f) => <FlowGroup key={f.id} flow={f} stats={stats} reload={load} />)}
		</main>
	)
}

function FlowGroup({ flow, stats, reload }: { flow: Flow; stats: StatsItem[]; reload: () => void }) {
	const scope = useScope()
	const [adding, setAdding] = useState(false)
	const [created, setCreated] = useState<{ id: string; secret: string } | null>(null)
	const full = flow.endpoints.length >= flow.endpointLimit
	return (
		<section class="flow" aria-labelledby={`flow-${flow.id}`}>
			<div class="flow-head">
				<h2 id={`flow-${flow.id}`}>{flow.name} <span class="mono muted">{flow.id}</span></h2>
				<span class="muted">{flow.endpoints.length} of {flow.endpointLimit} endpoints</span>
				{scope.can('manage_endpoints') && !adding && (
					<button type="button" disabled={full} title={full ? 'The flow has reached its endpoint limit' : undefined} onClick={() => setAdding(true)}>Add endpoint</button>
				)}
			</div>
			{created && <SecretOnce secret={created.secret} what={`Endpoint ${created.id} was added. Its signing secret`} onClose={() => setCreated(null)} />}
			{adding && <div class="card"><EndpointForm flow={flow.id} endpoint={null} onDone={(s) => {
				setAdding(false)
				if (s?.secret) setCreated({ id: s.endpoint.id, secret: s.secret })
				if (s) reload()
			}} /></div>}
			{flow.endpoints.length === 0 && <p class="empty">No endpoint yet{scope.can('manage_endpoints') ? ': add one to start delivering.' : '.'}</p>}
			<div class="cards">
				{flow.endpoints.map((e) => <EndpointCard key={e.id} e={e} stat={stats.find((s) => s.flow === flow.id && s.endpoint === e.id)} reload={reload} />)}
			</div>
		</section>
	)
}

function SecretOnce({ secret, what, onClose }: { secret: string; what: string; onClose: () => void }) {
	return (
		<div class="secret" role="status">
			<p>{what} is shown this once; copy it now:</p>
			<code class="mono secret-value">{secret}</code> <Copy text={secret} what="secret" />
			<button type="button" onClick={onClose}>I have saved it</button>
		</div>
	)
}

function EndpointCard({ e, stat, reload }: { e: Endpoint; stat: StatsItem | undefined; reload: () => void }) {
	const scope = useScope()
	const [mode, setMode] = useState<'none' | 'edit' | 'bulk'>('none')
	const [test, setTest] = useState<TestResult | null>(null)
	const [secret, setSecret] = useState<string | null>(null)
	const [msg, setMsg] = useState<string | null>(null)
	const [busy, setBusy] = useState(false)
	const path = `/flows/${encodeURIComponent(e.flow)}/endpoints/${encodeURIComponent(e.id)}`
	const config = e.managedBy === 'config'
	const run = async (f: () => Promise<void>) => {
		setBusy(true); setMsg(null)
		try { await f() } catch (err) { setMsg((err as Error).message) } finally { setBusy(false) }
	}
	const toggle = () => run(async () => {
		if (e.enabled) {
			if (!confirm(`Disable ${e.id}? Its deliveries wait until it is enabled again.`)) return
			await api('POST', `${path}/disable`, { reason: 'disabled in the viewer' })
		} else await api('POST', `${path}/enable`)
		reload()
	})
	const sendTest = () => run(async () => { setTest(await api<TestResult>('POST', `${path}/test`)) })
	const rotate = () => run(async () => {
		if (!confirm(`Rotate the signing secret of ${e.id}? The old one keeps signing for 24 hours.`)) return
		const r = await api<{ secret: string }>('POST', `${path}/rotate-secret`)
		setSecret(r.secret)
		reload()
	})
	const remove = () => run(async () => {
		if (!confirm(`Delete ${e.id}? Its pending jobs are cancelled.`)) return
		await api('DELETE', path)
		reload()
	})
	const health = e.health
	return (
		<article class="card endpoint" aria-label={`Endpoint ${e.id}`}>
			<div class="ep-head">
				<span class={`dot h-${health}`} aria-hidden="true" />
				<strong class="mono">{e.id}</strong>
				<span class={`health h-${health}`}>{health}</span>
				{config && <span class="tag">managed by config</span>}
			</div>
			<div class="mono url">{e.url}</div>
			{e.events && <div class="small">events: <span class="mono">{e.events.join(', ')}</span></div>}
			{e.disabledReason && <p class="warn">Disabled: {e.disabledReason}</p>}
			<dl class="figures">
				<div><dt>Success 24 h</dt><dd>{percent(stat?.successRate ?? null)}</dd></div>
				<div><dt>p95</dt><dd>{duration(stat?.latencyMs.p95 ?? null)}</dd></div>
				<div><dt>Backlog</dt><dd>{stat?.backlog ?? 0}</dd></div>
				<div><dt>Oldest pending</dt><dd>{seconds(stat?.oldestPendingSeconds ?? null)}</dd></div>
			</dl>
			{stat && <HourlyChart series={stat.series} label={`Deliveries per hour to ${e.id}`} />}
			<div class="actions">
				{scope.can('manage_endpoints') && <button type="button" disabled={busy} onClick={toggle}>{e.enabled ? 'Disable' : 'Enable'}</button>}
				{scope.can('test') && <button type="button" disabled={busy} onClick={sendTest}>Test</button>}
				{scope.can('rotate_secret') && !config && <button type="button" disabled={busy} onClick={rotate}>Rotate secret</button>}
				{scope.can('replay') && <button type="button" disabled={busy} onClick={() => setMode(mode === 'bulk' ? 'none' : 'bulk')}>Replay failed…</button>}
				{scope.can('manage_endpoints') && !config && <button type="button" disabled={busy} onClick={() => setMode(mode === 'edit' ? 'none' : 'edit')}>Edit</button>}
				{scope.can('manage_endpoints') && !config && <button type="button" class="danger" disabled={busy} onClick={remove}>Delete</button>}
			</div>
			{msg && <p class="error" role="alert">{msg}</p>}
			{secret && <SecretOnce secret={secret} what="The new signing secret" onClose={() => setSecret(null)} />}
			{test && (
				<div class="test-result" role="status">
					<strong>Test: {test.status !== null ? `answered ${test.status}` : errorWords(test.error ?? null, null, test.durationMs)}</strong>
					<span class="muted"> in {duration(test.durationMs)}</span>
					{test.error && test.status !== null && <p>{errorWords(test.error, test.status, test.durationMs)}</p>}
					<pre class="mono">{pretty(test.body) || '(empty body)'}</pre>
					<button type="button" class="link" onClick={() => setTest(null)}>Close</button>
				</div>
			)}
			{mode === 'edit' && <EndpointForm flow={e.flow} endpoint={e} onDone={(s) => { setMode('none'); if (s) reload() }} />}
			{mode === 'bulk' && <BulkReplay e={e} onDone={() => setMode('none')} />}
		</article>
	)
}

function BulkReplay({ e, onDone }: { e: Endpoint; onDone: () => void }) {
	const [since, setSince] = useState(toLocalInput(new Date(Date.now() - 86_400_000).toISOString()))
	const [count, setCount] = useState<string | null>(null)
	const [msg, setMsg] = useState<string | null>(null)
	const iso = fromLocalInput(since)
	const countThem = async () => {
		setMsg(null)
		try {
			const r = await api<Page<Job>>('GET', `/jobs${qs({ flow: e.flow, endpoint: e.id, status: 'failed', since: iso, limit: 500 })}`)
			setCount(r.nextCursor ? '500 or more' : String(r.items.length))
		} catch (err) { setMsg((err as Error).message) }
	}
	const replay = async () => {
		if (!confirm(`Replay ${count} failed jobs of ${e.id} created since ${new Date(iso).toLocaleString()}?`)) return
		try {
			const r = await api<{ replayed: number }>('POST', '/jobs/replay', { flow: e.flow, endpoint: e.id, status: 'failed', since: iso })
			setMsg(`Replayed ${r.replayed} jobs.`)
			setCount(null)
		} catch (err) { setMsg((err as Error).message) }
	}
	return (
		<div class="bulk">
			<label class="field"><span>Failed jobs created since</span>
				<input type="datetime-local" value={since} onInput={(ev) => { setSince((ev.target as HTMLInputElement).value); setCount(null) }} />
			</label>
			{count === null ? <button type="button" disabled={!iso} onClick={countThem}>Count them</button>
				: count === '0' ? <p>No failed job since then.</p>
				: <button type="button" class="primary" onClick={replay}>Replay {count} failed jobs</button>}
			<button type="button" class="link" onClick={onDone}>Close</button>
			{msg && <p role="status">{msg}</p>}
		</div>
	)
}
