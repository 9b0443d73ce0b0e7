// The server span around an event ingest route: opened before the body is
// read, closed with the status the producer gets (an HttpError's, else 500).
import { HttpError } from '../errors'
import type { INGEST_ROUTES } from './attributes'
import type { IngestSpan } from './tracing'

export interface IngestTracing {
	startIngest(headers: Headers, route: keyof typeof INGEST_ROUTES, path: string, flow: string | null): IngestSpan
}

export async function traced<T>(
	tracing: IngestTracing | null | undefined,
	request: Request,
	route: keyof typeof INGEST_ROUTES,
	/** null for a flow that is not configured: a client's path segment is no attribute */
	flow: string | null,
	set: { status?: number | string },
	run: (span: IngestSpan | null) => Promise<T>,
): Promise<T> {
	if (!tracing) return run(null)
	let span: IngestSpan | null = null
	try {
		span = tracing.startIngest(request.headers, route, new URL(request.url).pathname, flow)
	} catch {}
	try {
		const out = await run(span)
		span?.end(typeof set.status === 'number' ? set.status : 200)
		return out
	} catch (err) {
		span?.end(err instanceof HttpError ? err.status : 500)
		throw err
	}
}
