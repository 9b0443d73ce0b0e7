// The compiled binary with the Svix surface open, a receiver on 127.0.0.1:0
// recording what arrives, and the real svix SDK pointed at the binary.
import { Svix } from 'svix'
import { tempDir } from '../support/gateway'
import { BINARY, ensureBinary, freePort, spawnServe, writeConfig, type Child } from '../support/process'

export const TOKEN = 'sk_test_hookgate'
export const ADMIN = 'svix-admin-token'

export interface Received {
	path: string
	headers: Record<string, string>
	body: string
}

export interface Harness {
	child: Child
	svix: Svix
	receiver: { url: string; got: Received[]; stop(): void }
	stop(): Promise<void>
}

export function startReceiver() {
	const got: Received[] = []
	const server = Bun.serve({
		hostname: '127.0.0.1', port: 0,
		async fetch(req) {
			got.push({ path: new URL(req.url).pathname, headers: Object.fromEntries(req.headers.entries()), body: await req.text() })
			return new Response('ok')
		},
	})
	return { url: `http://127.0.0.1:${server.port}`, got, stop: () => server.stop(true) }
}

export async function startHarness(extra = '', storage = '  sqlite: ./hookgate.db\n'): Promise<Harness> {
	ensureBinary()
	const dir = tempDir('hookgate-svix-')
	const port = freePort()
	const cfg = writeConfig(dir, `server:
  listen: 127.0.0.1:${port}
storage:
${storage}admin:
  tokens: [${ADMIN}]
svix:
  tokens: [${TOKEN}]
  endpointsPerApp: 3
${extra}delivery:
  allowPrivateNetworks: true
  retrySchedule: [1s]
  jitter: 0
flows:
  - id: shop
    ingestTokens: [t]
`)
	const child = await spawnServe([BINARY], cfg, port, dir)
	const receiver = startReceiver()
	return {
		child, receiver,
		svix: new Svix(TOKEN, { serverUrl: child.url }),
		async stop() {
			receiver.stop()
			child.kill('SIGTERM')
			await child.exited
		},
	}
}

/** Waits until `pick` finds something in what the receiver got. */
export async function arrived(got: Received[], pick: (r: Received) => boolean, count = 1): Promise<Received[]> {
	for (let i = 0; i < 200; i++) {
		const hits = got.filter(pick)
		if (hits.length >= count) return hits
		await Bun.sleep(25)
	}
	throw new Error(`expected ${count} deliveries, got ${got.filter(pick).length}`)
}

/** The ApiException the SDK throws for a call. */
export async function apiError(p: Promise<unknown>): Promise<{ code: number; body: any }> {
	try {
		await p
	} catch (e) {
		return e as { code: number; body: any }
	}
	throw new Error('expected the call to fail')
}
