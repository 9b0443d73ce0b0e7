import { bearer, tokenMatches } from '../auth'
import type { Catalog, FlowView } from '../catalog'
import { HttpError, unauthorized, unavailable } from '../errors'
import { MAX_JSON_DEPTH, parseJsonBounded } from '../json'

export interface GateDeps {
	catalog: Catalog
	/** null while the gateway takes writes, else why not (shutting down, store full, store failing) */
	refusal: () => string | null
}

/** 404 for an unknown flow, then 401: flow ids are not secret, tokens are. */
export function authorizeFlow(deps: GateDeps, flowId: string, authorization: string | null): FlowView {
	const refusal = deps.refusal()
	if (refusal) throw unavailable(refusal)
	const view = deps.catalog.flow(flowId)
	if (!view) throw new HttpError(404, 'unknown_flow', 'no such flow')
	if (!tokenMatches(bearer(authorization), view.flow.ingestTokens)) throw unauthorized()
	return view
}

export function isJsonType(contentType: string | null, extra: string[] = []): boolean {
	if (!contentType) return false
	const media = contentType.split(';')[0].trim().toLowerCase()
	return media === 'application/json' || extra.includes(media)
}

// Counts bytes while reading, so an oversized body is refused without ever
// being held whole, and answers our own 413 before Bun's bare one.
export async function readCapped(request: Request, max: number): Promise<string> {
	const tooLarge = () => new HttpError(413, 'body_too_large', `body is larger than ${max} bytes`)
	const declared = request.headers.get('content-length')
	if (declared !== null && Number(declared) > max) throw tooLarge()
	// With a declared length the server never reads past it, so Bun's native
	// reader is safe and several times cheaper than a JS stream loop.
	if (declared !== null) return request.text()
	if (!request.body) return ''
	const reader = request.body.getReader()
	const chunks: Uint8Array[] = []
	let total = 0
	for (;;) {
		const { done, value } = await reader.read()
		if (done) break
		total += value.byteLength
		if (total > max) {
			reader.cancel().catch(() => {})
			throw tooLarge()
		}
		chunks.push(value)
	}
	return new TextDecoder('utf-8', { fatal: false }).decode(Buffer.concat(chunks))
}

/** `tooDeepCode`: the 400 code of the route's shape errors (events: invalid_event). */
export function parseJson(text: string, tooDeepCode = 'invalid_event'): unknown {
	const r = parseJsonBounded(text)
	if (r.ok) return r.value
	if (r.reason === 'too_deep') throw new HttpError(400, tooDeepCode, `body nests more than ${MAX_JSON_DEPTH} levels deep`)
	throw new HttpError(400, 'malformed_json', 'body is not valid JSON')
}

export interface BodyOptions {
	/** media types taken besides application/json */
	mediaTypes?: string[]
	tooDeepCode?: string
}

/** The ingest checks that come before any validation: 503, 404, 401, 415, 413, 400. */
export async function ingestBody(deps: GateDeps & { maxBodyBytes: () => number }, request: Request, flowId: string, opts: BodyOptions = {}) {
	const view = authorizeFlow(deps, flowId, request.headers.get('authorization'))
	if (!isJsonType(request.headers.get('content-type'), opts.mediaTypes)) throw new HttpError(415, 'unsupported_media_type', 'content-type must be application/json')
	const text = await readCapped(request, deps.maxBodyBytes())
	return { view, body: parseJson(text, opts.tooDeepCode) }
}
