// /ui/portal: one flow's owner manages its endpoints and sees its deliveries.
// The link carries the token in the fragment (never sent to a server); it is
// moved to sessionStorage and the fragment cleared before anything else runs.
import { useEffect, useMemo, useState } from 'preact/hooks'
import { api, ApiError, getToken, onPortalExpired, setToken } from '../api'
import type { Loc } from '../router'
import { type Scope, ScopeContext } from '../scope'
import type { Capability, Me } from '../types'
import { Time } from '../ui'
import { EndpointsView } from './endpoints'
import { JobsView } from './jobs'

export function takeFragmentToken() {
	const m = location.hash.match(/(?:^#|&)token=(hgp_[A-Za-z0-9_-]+)/)
	if (location.hash) history.replaceState(null, '', location.pathname + location.search)
	if (m) setToken(m[1], true)
}

function Expired() {
	return (
		<main class="signin">
			<div class="card" role="alert"><h1>This link has expired or was revoked</h1><p class="muted">Ask for a new link.</p></div>
		</main>
	)
}

export function PortalApp({ loc }: { loc: Loc }) {
	useState(takeFragmentToken)
	const [me, setMe] = useState<Me | null>(null)
	const [expired, setExpired] = useState(() => !getToken())
	const [error, setError] = useState<string | null>(null)
	useEffect(() => {
		onPortalExpired(() => setExpired(true))
		if (expired) return
		api<Me>('GET', '/me').then(setMe).catch((e) => {
			if (e instanceof ApiError && e.status === 401) setExpired(true)
			else setError((e as Error).message)
		})
	}, [])
	const scope = useMemo<Scope | null>(() => me && me.flow ? {
		portal: true, flow: me.flow, base: '/ui/portal',
		can: (c: Capability) => me.capabilities.includes(c),
	} : null, [me])
	if (expired) return <Expired />
	if (error) return <main class="signin"><div class="card" role="alert"><h1>The portal cannot load</h1><p>{error}</p></div></main>
	if (!me) return <main class="page"><p class="muted">Loading…</p></main>
	if (!scope) return <main class="signin"><div class="card" role="alert"><h1>This page opens with a portal link</h1><p>An operator token belongs on <a href="/ui/jobs">the job viewer</a>.</p></div></main>
	const tab = loc.query.get('tab') === 'endpoints' ? 'endpoints' : 'jobs'
	return (
		<ScopeContext.Provider value={scope}>
			<header class="top">
				<span class="brand">Webhooks · <span class="mono">{scope.flow}</span></span>
				<nav aria-label="Views">
					<a href="/ui/portal" class={tab === 'jobs' ? 'active' : ''} aria-current={tab === 'jobs' ? 'page' : undefined}>Deliveries</a>
					<a href="/ui/portal?tab=endpoints" class={tab === 'endpoints' ? 'active' : ''} aria-current={tab === 'endpoints' ? 'page' : undefined}>Endpoints</a>
				</nav>
				{me.expiresAt && <span class="muted small">link valid until <Time iso={me.expiresAt} /></span>}
			</header>
			{tab === 'jobs' ? <JobsView loc={loc} /> : <EndpointsView />}
		</ScopeContext.Provider>
	)
}
