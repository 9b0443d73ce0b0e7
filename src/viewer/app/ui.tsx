// Small shared pieces. Every data value goes in as a text child: Preact
// escapes it, and no HTML is ever built from a string here.
import type { ComponentChildren } from 'preact'
import { useState } from 'preact/hooks'
import { localTime, pretty, relative, utcTitle } from './format'
import type { Status } from './types'

export function StatusBadge({ status }: { status: Status | string }) {
	return <span class={`badge s-${status}`}>{status}</span>
}

export async function copyText(text: string): Promise<boolean> {
	try {
		await navigator.clipboard.writeText(text)
		return true
	} catch {
		const t = document.createElement('textarea')
		t.value = text
		t.setAttribute('readonly', '')
		t.className = 'offscreen'
		document.body.append(t)
		t.select()
		const ok = document.execCommand('copy')
		t.remove()
		return ok
	}
}

export function Copy({ text, label = 'Copy', what }: { text: string; label?: string; what?: string }) {
	const [done, setDone] = useState<null | boolean>(null)
	return (
		<button type="button" class="copy" aria-label={what ? `${label} ${what}` : label}
			onClick={async (e) => { e.stopPropagation(); setDone(await copyText(text)); setTimeout(() => setDone(null), 1500) }}>
			{done === null ? label : done ? 'Copied' : 'Copy failed'}
		</button>
	)
}

export function Time({ iso, rel = false }: { iso: string | null; rel?: boolean }) {
	if (!iso) return <span class="muted">—</span>
	return <time dateTime={iso} title={rel ? `${localTime(iso)} · ${utcTitle(iso)}` : utcTitle(iso)}>{rel ? relative(iso) : localTime(iso)}</time>
}

export function Code({ body, label }: { body: string; label: string }) {
	const text = pretty(body)
	return (
		<details class="code" open={text.length < 4000}>
			<summary>{label} <span class="muted">({body.length} bytes)</span></summary>
			<div class="code-tools"><Copy text={body} what={label} /></div>
			<pre class="mono">{text}</pre>
		</details>
	)
}

export function Headers({ headers, label }: { headers: Record<string, string>; label: string }) {
	const rows = Object.entries(headers)
	return (
		<details class="code">
			<summary>{label} <span class="muted">({rows.length})</span></summary>
			<table class="kv mono"><tbody>
				{rows.map(([k, v]) => <tr key={k}><th scope="row">{k}</th><td>{v}</td></tr>)}
			</tbody></table>
		</details>
	)
}

export function ErrorBox({ error, retry }: { error: unknown; retry?: () => void }) {
	const msg = error instanceof Error ? error.message : String(error)
	return (
		<div class="error-box" role="alert">
			<span>Could not load: {msg}</span>
			{retry && <button type="button" onClick={retry}>Retry</button>}
		</div>
	)
}

export function Field({ label, children }: { label: string; children: ComponentChildren }) {
	return <label class="field"><span>{label}</span>{children}</label>
}
