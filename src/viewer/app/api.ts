// The only way the viewer reaches data: /admin/v1 on this same origin, with
// the token from sessionStorage as a bearer header (never in a URL).
import { navigate } from './router'

const OPERATOR_KEY = 'hookgate.token'
const PORTAL_KEY = 'hookgate.portal'

export const isPortal = () => location.pathname.startsWith('/ui/portal')
const key = () => (isPortal() ? PORTAL_KEY : OPERATOR_KEY)

export const getToken = () => sessionStorage.getItem(key())
export const setToken = (t: string, portal = isPortal()) => sessionStorage.setItem(portal ? PORTAL_KEY : OPERATOR_KEY, t)
export const clearToken = () => sessionStorage.removeItem(key())

export class ApiError extends Error {
	constructor(readonly status: number, readonly code: string, message: string) { super(message) }
}

type Listener = (online: boolean) => void
const connection = new Set<Listener>()
export const onConnection = (l: Listener) => { connection.add(l); return () => { connection.delete(l) } }
let online = true
function setOnline(v: boolean) {
	if (v === online) return
	online = v
	for (const l of connection) l(v)
	if (!v) probe()
}

// While the gateway is unreachable, look every 2 s (its health route holds no
// data); the banner goes away by itself when it answers again.
function probe() {
	setTimeout(async () => {
		if (online) return
		try { if ((await fetch('/healthz', { cache: 'no-store', credentials: 'omit' })).ok) { setOnline(true); return } } catch {}
		probe()
	}, 2000)
}

let expired: (() => void) | null = null
/** The portal shows one page for a 401: this link has expired or was revoked. */
export const onPortalExpired = (f: () => void) => { expired = f }

/** A 401 sends an operator to sign-in, keeping the page wanted (path and query only). */
function unauthorized() {
	clearToken()
	if (isPortal()) { expired?.(); return }
	if (location.pathname === '/ui/signin') return
	const next = location.pathname + location.search
	navigate(`/ui/signin?next=${encodeURIComponent(next)}`, { replace: true })
}

export function qs(params: Record<string, string | number | null | undefined>): string {
	const q = new URLSearchParams()
	for (const [k, v] of Object.entries(params)) if (v !== null && v !== undefined && v !== '') q.set(k, String(v))
	const s = q.toString()
	return s ? `?${s}` : ''
}

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
	const token = getToken()
	if (!token) { unauthorized(); throw new ApiError(401, 'unauthorized', 'not signed in') }
	const headers: Record<string, string> = { authorization: `Bearer ${token}` }
	if (body !== undefined) headers['content-type'] = 'application/json'
	let res: Response
	try {
		res = await fetch(`/admin/v1${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store', credentials: 'omit' })
	} catch {
		setOnline(false)
		throw new ApiError(0, 'offline', 'the gateway cannot be reached')
	}
	setOnline(true)
	if (res.status === 204) return undefined as T
	const text = await res.text()
	let json: unknown = null
	try { json = text ? JSON.parse(text) : null } catch {}
	if (!res.ok) {
		const err = (json as { error?: { code?: string; message?: string } } | null)?.error
		if (res.status === 401) unauthorized()
		throw new ApiError(res.status, err?.code ?? `http_${res.status}`, err?.message ?? `the gateway answered ${res.status}`)
	}
	return json as T
}

/** Checks a token before keeping it: the operator list answers only to an admin token. */
export async function checkToken(token: string): Promise<'ok' | 'bad' | 'offline'> {
	try {
		const r = await fetch('/admin/v1/flows', { headers: { authorization: `Bearer ${token}` }, cache: 'no-store', credentials: 'omit' })
		setOnline(true)
		return r.ok ? 'ok' : 'bad'
	} catch {
		setOnline(false)
		return 'offline'
	}
}
