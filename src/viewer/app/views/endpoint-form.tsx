// Add or edit an API endpoint: URL, event filter, custom headers, extra body fields.
// Sensitive header values arrive redacted; an unchanged one is never sent back.
import { useState } from 'preact/hooks'
import { api } from '../api'
import type { Endpoint, HeaderValue } from '../types'

export interface Row { name: string; value: string; sensitive: boolean; deleted?: boolean; orig: { name: string; value: string; sensitive: boolean } | null }

const rowsOf = (h: Record<string, HeaderValue> | null): Row[] => Object.entries(h ?? {}).map(([name, v]) => {
	const value = typeof v === 'string' ? v : v.value
	const sensitive = typeof v !== 'string'
	return { name, value, sensitive, orig: { name, value, sensitive } }
})

export interface Saved { endpoint: Endpoint; secret: string | null }

/** The PATCH or POST body from the form; unchanged headers are left out, removed ones sent as null. */
export function endpointPayload(form: { url: string; events: string; rows: Row[]; body: string }, editing: boolean): Record<string, unknown> | string {
	const url = form.url.trim()
	if (!/^https?:\/\//i.test(url)) return 'The URL must start with http:// or https://'
	const events = form.events.split(',').map((s) => s.trim()).filter(Boolean)
	let body: Record<string, unknown> | null = null
	if (form.body.trim()) {
		try { body = JSON.parse(form.body) } catch { return 'Extra body fields must be a JSON object' }
		if (!body || typeof body !== 'object' || Array.isArray(body)) return 'Extra body fields must be a JSON object'
	}
	const headers: Record<string, HeaderValue | null> = {}
	const kept = new Set<string>()
	for (const r of form.rows) {
		const name = r.name.trim()
		if (!name || r.deleted) continue
		if (kept.has(name.toLowerCase())) return `The header ${name} is listed twice`
		kept.add(name.toLowerCase())
		const same = r.orig && r.orig.name === name && r.orig.value === r.value && r.orig.sensitive === r.sensitive
		if (editing && same) continue
		headers[name] = r.sensitive ? { value: r.value, sensitive: true } : r.value
	}
	if (editing) for (const r of form.rows) if (r.orig && (r.deleted || r.name.trim() !== r.orig.name) && !kept.has(r.orig.name.toLowerCase())) headers[r.orig.name] = null
	const out: Record<string, unknown> = { url, events: events.length ? events : null, body }
	if (Object.keys(headers).length) out.headers = headers
	return out
}

export function EndpointForm({ flow, endpoint, onDone }: { flow: string; endpoint: Endpoint | null; onDone: (s: Saved | null) => void }) {
	const [url, setUrl] = useState(endpoint?.url ?? '')
	const [events, setEvents] = useState((endpoint?.events ?? []).join(', '))
	const [rows, setRows] = useState<Row[]>(rowsOf(endpoint?.headers ?? null))
	const [body, setBody] = useState(endpoint?.body ? JSON.stringify(endpoint.body, null, 2) : '')
	const [error, setError] = useState<string | null>(null)
	const [busy, setBusy] = useState(false)
	const editing = endpoint !== null
	const upd = (i: number, patch: Partial<Row>) => setRows(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)))
	const submit = async (e: Event) => {
		e.preventDefault()
		const payload = endpointPayload({ url, events, rows, body }, editing)
		if (typeof payload === 'string') { setError(payload); return }
		setBusy(true)
		setError(null)
		try {
			const path = `/flows/${encodeURIComponent(flow)}/endpoints`
			const r = editing
				? await api<Endpoint>('PATCH', `${path}/${encodeURIComponent(endpoint.id)}`, payload)
				: await api<Endpoint & { secret: string | null }>('POST', path, payload)
			onDone({ endpoint: r, secret: editing ? null : (r as Endpoint & { secret: string | null }).secret })
		} catch (err) { setError((err as Error).message) }
		finally { setBusy(false) }
	}
	const id = endpoint?.id ?? 'new'
	return (
		<form class="endpoint-form" onSubmit={submit} aria-label={editing ? `Edit endpoint ${endpoint.id}` : 'Add an endpoint'}>
			<label class="field"><span>URL</span>
				<input name="url" type="url" class="mono" required value={url} onInput={(e) => setUrl((e.target as HTMLInputElement).value)} placeholder="https://example.com/webhooks" />
			</label>
			<label class="field"><span>Event types (comma-separated; empty = all)</span>
				<input name="events" class="mono" value={events} onInput={(e) => setEvents((e.target as HTMLInputElement).value)} />
			</label>
			<fieldset>
				<legend>Custom headers</legend>
				{rows.map((r, i) => !r.deleted && (
					<div class="header-row" key={i}>
						<input aria-label="Header name" class="mono" value={r.name} onInput={(e) => upd(i, { name: (e.target as HTMLInputElement).value })} />
						<input aria-label={`Value of ${r.name || 'header'}`} class="mono" value={r.value} onInput={(e) => upd(i, { value: (e.target as HTMLInputElement).value })} />
						<label class="inline"><input type="checkbox" checked={r.sensitive} onChange={(e) => upd(i, { sensitive: (e.target as HTMLInputElement).checked })} /> sensitive</label>
						<button type="button" class="link" onClick={() => upd(i, { deleted: true })}>Remove</button>
					</div>
				))}
				<button type="button" onClick={() => setRows([...rows, { name: '', value: '', sensitive: false, orig: null }])}>Add a header</button>
				{rows.some((r) => r.sensitive && r.orig) && <p class="muted small">Sensitive values show redacted; leave them as they are to keep them.</p>}
			</fieldset>
			<label class="field"><span>Extra body fields (JSON object)</span>
				<textarea id={`body-${id}`} name="body" class="mono" rows={3} value={body} onInput={(e) => setBody((e.target as HTMLTextAreaElement).value)} />
			</label>
			{error && <p class="error" role="alert">{error}</p>}
			<div class="actions">
				<button type="submit" class="primary" disabled={busy}>{editing ? 'Save' : 'Add endpoint'}</button>
				<button type="button" onClick={() => onDone(null)}>Cancel</button>
			</div>
		</form>
	)
}
