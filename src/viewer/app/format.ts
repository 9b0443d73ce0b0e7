// Pure helpers: words, times and the curl line. No DOM here, so they are tested directly.
import type { Attempt, AttemptError, Job } from './types'

export function localTime(iso: string | null): string {
	if (!iso) return '—'
	const d = new Date(iso)
	return Number.isNaN(d.getTime()) ? iso : d.toLocaleString(undefined, { year: 'numeric', month: 'short', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })
}

export function utcTitle(iso: string | null): string {
	return iso ? `${iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z').replace('Z', ' UTC')}` : ''
}

export function relative(iso: string | null, now = Date.now()): string {
	if (!iso) return '—'
	const diff = Math.round((new Date(iso).getTime() - now) / 1000)
	const abs = Math.abs(diff)
	const [n, unit] = abs < 60 ? [abs, 's'] : abs < 3600 ? [Math.round(abs / 60), 'min'] : abs < 86400 ? [Math.round(abs / 3600), 'h'] : [Math.round(abs / 86400), 'd']
	if (abs < 1) return 'now'
	return diff > 0 ? `in ${n} ${unit}` : `${n} ${unit} ago`
}

export function duration(ms: number | null): string {
	if (ms === null || ms === undefined) return '—'
	return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`
}

export function seconds(s: number | null): string {
	if (s === null) return '—'
	if (s < 60) return `${s} s`
	if (s < 3600) return `${Math.round(s / 60)} min`
	if (s < 86400) return `${(s / 3600).toFixed(1)} h`
	return `${(s / 86400).toFixed(1)} d`
}

/** An attempt's error class in words, as an operator would say it. */
export function errorWords(e: AttemptError | null, status: number | null = null, durationMs: number | null = null): string {
	if (!e) return status === null ? '' : `answered ${status}`
	const m = e.message
	switch (e.class) {
		case 'timeout': return durationMs !== null ? `timed out after ${duration(durationMs)}` : `timed out${m ? ` (${m})` : ''}`
		case 'connect': return `connection refused or host unreachable${m ? ` (${m})` : ''}`
		case 'dns': return `the host name could not be resolved${m ? ` (${m})` : ''}`
		case 'tls': return `the TLS handshake failed${m ? ` (${m})` : ''}`
		case 'network': return `the connection broke after connecting${m ? ` (${m})` : ''}`
		case 'blocked': return `blocked: ${m || 'the address is not allowed'}`
		case 'redirect': return `answered a redirect${status !== null ? ` (${status})` : ''}, which is not followed`
		case 'http_status': return status !== null ? `answered ${status}` : `answered ${m || 'an error status'}`
		default: return `internal error${m ? `: ${m}` : ''}`
	}
}

/** The one sentence at the top of a failed job. */
export function failedReason(job: Pick<Job, 'status' | 'attemptCount' | 'lastError' | 'lastStatus' | 'lastDurationMs' | 'test'>): string | null {
	if (job.status !== 'failed') return null
	const why = errorWords(job.lastError, job.lastStatus, job.lastError?.class === 'timeout' ? job.lastDurationMs : null) || 'the last attempt did not succeed'
	if (job.test) return `The test send failed: the receiver ${why.startsWith('answered') ? why : `— ${why}`}.`
	const tries = job.attemptCount === 1 ? '1 attempt' : `${job.attemptCount} attempts`
	return `Gave up after ${tries}: the last one ${why.startsWith('answered') || why.startsWith('timed') ? why : `failed — ${why}`}.`
}

const SECRET_HEADER = /^(authorization|proxy-authorization|cookie|set-cookie|x-api-key|api-key|x-auth-token|x-access-token)$|token|secret|password|key/i

export function isSecretHeader(name: string, value: string): boolean {
	return SECRET_HEADER.test(name) || value.includes('…')
}

const shellQuote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`

/** The exact request of an attempt as a curl line; secret headers become placeholders. */
export function curlFor(a: Pick<Attempt, 'url' | 'requestHeaders' | 'requestBody'>): string {
	const parts = ['curl', '-X', 'POST', shellQuote(a.url)]
	for (const [name, value] of Object.entries(a.requestHeaders)) {
		if (/^(content-length|host|connection)$/i.test(name)) continue
		const v = isSecretHeader(name, value) ? `<${name.toLowerCase()}>` : value
		parts.push('-H', shellQuote(`${name}: ${v}`))
	}
	parts.push('--data-raw', shellQuote(a.requestBody))
	return parts.join(' ')
}

/** JSON bodies pretty-printed; anything else as it came. */
export function pretty(body: string): string {
	try { return JSON.stringify(JSON.parse(body), null, 2) } catch { return body }
}

export function percent(r: number | null): string {
	return r === null ? '—' : `${(r * 100).toFixed(r >= 0.999 || r === 0 ? 0 : 1)}%`
}

/** datetime-local value ↔ ISO */
export function toLocalInput(iso: string | null): string {
	if (!iso) return ''
	const d = new Date(iso)
	if (Number.isNaN(d.getTime())) return ''
	const p = (n: number) => String(n).padStart(2, '0')
	return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`
}
export function fromLocalInput(v: string): string {
	if (!v) return ''
	const d = new Date(v)
	return Number.isNaN(d.getTime()) ? '' : d.toISOString()
}
