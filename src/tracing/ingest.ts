// The server span around an event ingest route: opened before the body is
// read, closed with the status the producer gets (an HttpError's, else 500).
import { HttpError } from '../errors'
import type { INGEST_ROUTES } from './attributes'
import type { IngestSpan } from './tracing'

export interface IngestTracing {
	/** `url`: the request's; only a span that records parses it */
	startIngest(headers: Headers, route: keyof typeof INGEST_ROUTES, url: string, flow: string | null): IngestSpan
}

export function traced<T>(
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
		span = tracing.startIngest(request.headers, route, request.url, flow)
	} catch {}
	// a span that only carries a context has nothing to end: no promise of ours around the request
	if (!span?.recording) return run(span)
	const recording = span
	return run(recording).then((out) => {
		recording.end(typeof set.status === 'number' ? set.status : 200)
		return out
	}, (err: unknown) => {
		recording.end(err instanceof HttpError ? err.status : 500)
		throw err
	})
}
