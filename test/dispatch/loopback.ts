// Loopback receivers for the dispatch tests. Everything here listens on
// 127.0.0.1 only: network tests never reach outside loopback.
import type { Server, TLSOptions } from 'bun'

export interface Hit {
	method: string
	path: string
	host: string | null
	headers: Record<string, string>
	body: string
}

export interface Receiver {
	port: number
	hits: Hit[]
	/** the hits on one path */
	on(path: string): Hit[]
	stop(): void
}

/** A Bun.serve receiver on 127.0.0.1:0 that records every request before answering. */
export function receiver(answer: (req: Request) => Response | Promise<Response>, tls?: TLSOptions): Receiver {
	const hits: Hit[] = []
	const server: Server<undefined> = Bun.serve({
		hostname: '127.0.0.1',
		port: 0,
		tls,
		async fetch(req) {
			const url = new URL(req.url)
			hits.push({
				method: req.method,
				path: url.pathname + url.search,
				host: req.headers.get('host'),
				headers: Object.fromEntries(req.headers),
				body: await req.text(),
			})
			return answer(req)
		},
	})
	return {
		port: server.port as number,
		hits,
		on: (path) => hits.filter((h) => h.path === path),
		stop: () => server.stop(true),
	}
}

/** A raw TCP listener on 127.0.0.1:0 for answers no HTTP server would give. */
export function rawListener(onOpen: (socket: { write(data: string): number; end(): void }) => void) {
	const listener = Bun.listen({
		hostname: '127.0.0.1',
		port: 0,
		socket: { open: onOpen, data() {}, close() {}, error() {} },
	})
	return { port: listener.port, stop: () => listener.stop(true) }
}

/** A port that was just listening and is now closed: connecting to it is refused. */
export function closedPort(): number {
	const server = Bun.serve({ hostname: '127.0.0.1', port: 0, fetch: () => new Response('') })
	const port = server.port as number
	server.stop(true)
	return port
}
