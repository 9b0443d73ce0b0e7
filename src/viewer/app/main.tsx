import { render } from 'preact'
import { useEffect, useState } from 'preact/hooks'
import { clearToken, getToken, onConnection } from './api'
import { interceptLinks, navigate, useLocation } from './router'
import { operatorScope, ScopeContext } from './scope'
import { EndpointsView } from './views/endpoints'
import { EventView } from './views/event'
import { JobPage } from './views/job'
import { JobsView } from './views/jobs'
import { PortalApp } from './views/portal'
import { SignIn } from './views/signin'

function ConnectionBanner() {
	const [online, setOnline] = useState(true)
	useEffect(() => onConnection(setOnline), [])
	if (online) return null
	return <div class="banner" role="status">The gateway cannot be reached. Retrying by itself…</div>
}

function Nav({ path }: { path: string }) {
	const link = (href: string, label: string, active: boolean) =>
		<a href={href} class={active ? 'active' : ''} aria-current={active ? 'page' : undefined}>{label}</a>
	return (
		<header class="top">
			<a href="/ui" class="brand">hookgate</a>
			<nav aria-label="Views">
				{link('/ui/jobs', 'Jobs', path === '/ui' || path.startsWith('/ui/jobs'))}
				{link('/ui/endpoints', 'Endpoints', path.startsWith('/ui/endpoints'))}
			</nav>
			<button type="button" class="link" onClick={() => { clearToken(); navigate('/ui/signin') }}>Sign out</button>
		</header>
	)
}

function OperatorApp() {
	const loc = useLocation()
	const { path } = loc
	const signedIn = getToken() !== null
	// an effect, so useLocation has subscribed before the redirect is announced
	useEffect(() => {
		if (!signedIn && path !== '/ui/signin') navigate(`/ui/signin?next=${encodeURIComponent(path + location.search)}`, { replace: true })
	}, [signedIn, path])
	if (path === '/ui/signin') return <SignIn next={loc.query.get('next')} />
	if (!signedIn) return null
	let view
	const job = path.match(/^\/ui\/jobs\/([^/]+)$/)
	const event = path.match(/^\/ui\/events\/([^/]+)$/)
	if (job) view = <JobPage id={decodeURIComponent(job[1])} />
	else if (event) view = <EventView id={decodeURIComponent(event[1])} flow={loc.query.get('flow')} />
	else if (path === '/ui/endpoints') view = <EndpointsView />
	else if (path === '/ui' || path === '/ui/jobs') view = <JobsView loc={loc} />
	else view = <main class="page"><h1>Not found</h1><p>No view at this address. <a href="/ui/jobs">Go to the jobs</a>.</p></main>
	return (
		<ScopeContext.Provider value={operatorScope}>
			<Nav path={path} />
			<ConnectionBanner />
			{view}
		</ScopeContext.Provider>
	)
}

function Root() {
	const loc = useLocation()
	if (loc.path.startsWith('/ui/portal')) return <><ConnectionBanner /><PortalApp loc={loc} /></>
	return <OperatorApp />
}

interceptLinks()
render(<Root />, document.getElementById('app')!)
