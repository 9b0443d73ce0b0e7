import { useState } from 'preact/hooks'
import { checkToken, setToken } from '../api'
import { navigate } from '../router'

/** Only /ui paths are followed after sign-in, so `next` cannot lead elsewhere. */
export function safeNext(next: string | null): string {
	return next && /^\/ui(\/|$|\?)/.test(next) && !next.startsWith('/ui/signin') ? next : '/ui/jobs'
}

export function SignIn({ next }: { next: string | null }) {
	const [token, setValue] = useState('')
	const [error, setError] = useState<string | null>(null)
	const [busy, setBusy] = useState(false)
	const submit = async (e: Event) => {
		e.preventDefault()
		const t = token.trim()
		if (!t) { setError('Enter an admin token.'); return }
		setBusy(true)
		const r = await checkToken(t)
		setBusy(false)
		if (r === 'ok') { setToken(t, false); navigate(safeNext(next), { replace: true }) }
		else setError(r === 'bad' ? 'That token is not one of admin.tokens.' : 'The gateway cannot be reached; try again.')
	}
	return (
		<main class="signin">
			<form onSubmit={submit} class="card">
				<h1>hookgate</h1>
				<p class="muted">Sign in with one of the gateway's <code>admin.tokens</code>. It is kept in this tab only.</p>
				<label class="field"><span>Admin token</span>
					<input type="password" name="token" autocomplete="off" value={token} autoFocus
						onInput={(e) => setValue((e.target as HTMLInputElement).value)} />
				</label>
				{error && <p class="error" role="alert">{error}</p>}
				<button type="submit" class="primary" disabled={busy}>{busy ? 'Checking…' : 'Sign in'}</button>
			</form>
		</main>
	)
}
