// /ui: the job viewer and the flow portal, one page and two bundled files.
// Every answer carries the CSP; no route here returns data (the page reads
// everything through /admin/v1 with the token the user gives it).
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Elysia } from 'elysia'
import { csp, PAGE } from './page'

export interface ViewerOptions {
	/** CSP frame-ancestors of /ui/portal (config portal.frameAncestors); operator views always send 'none' */
	frameAncestors?: string | (() => string)
}

type Files = Map<string, Uint8Array<ArrayBuffer>>

const TYPES: Record<string, string> = {
	'app.js': 'text/javascript; charset=utf-8',
	'app.css': 'text/css; charset=utf-8',
	'icon.svg': 'image/svg+xml',
}

/**
 * The binary carries dist/viewer (`bun build --compile --asset ./dist/viewer`
 * puts it at <root>/viewer); a source run builds in memory once, so a stale
 * dist/ never shadows the sources.
 */
function loadFiles(): Promise<Files> {
	if (Bun.isStandaloneExecutable) {
		const dir = join(import.meta.dir, 'viewer')
		const files: Files = new Map()
		for (const name of Object.keys(TYPES)) {
			const path = join(dir, name)
			if (existsSync(path)) files.set(name, new Uint8Array(readFileSync(path)))
		}
		return Promise.resolve(files)
	}
	return import('./build').then((m) => m.buildViewer()).then((b) => b.files)
}

const noneAncestors = csp("'none'")

function headers(policy: string, type: string): Record<string, string> {
	return {
		'content-type': type,
		'content-security-policy': policy,
		'x-content-type-options': 'nosniff',
		'referrer-policy': 'no-referrer',
		'cache-control': 'no-cache',
	}
}

export function viewerRoutes(opts: ViewerOptions = {}) {
	let files: Promise<Files> | null = null
	const ancestors = () => {
		const a = typeof opts.frameAncestors === 'function' ? opts.frameAncestors() : opts.frameAncestors
		return a && a.trim() ? a.trim() : "'none'"
	}
	const page = (portal: boolean) => () =>
		new Response(PAGE, { headers: headers(portal ? csp(ancestors()) : noneAncestors, 'text/html; charset=utf-8') })
	const operatorPage = page(false)
	const portalPage = page(true)
	return new Elysia({ name: 'viewer' })
		.get('/ui', operatorPage, { detail: { hide: true } })
		.get('/ui/assets/:name', async ({ params }) => {
			const type = TYPES[params.name]
			files ??= loadFiles().catch((e) => { files = null; throw e })
			const body = type ? (await files).get(params.name) : undefined
			if (!type || !body) return new Response('not found', { status: 404, headers: headers(noneAncestors, 'text/plain; charset=utf-8') })
			return new Response(body, { headers: headers(noneAncestors, type) })
		}, { detail: { hide: true } })
		.get('/ui/portal', portalPage, { detail: { hide: true } })
		.get('/ui/portal/*', portalPage, { detail: { hide: true } })
		// every other view URL is the same page: the app routes on location
		.get('/ui/*', operatorPage, { detail: { hide: true } })
}
