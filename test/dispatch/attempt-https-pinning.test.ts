// HTTPS pinning: we dial the checked IP, yet the certificate must still be
// verified against the URL's name (and SNI must carry it). A self-signed
// certificate for hooks.test is made with the openssl CLI at test time.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import tls from 'node:tls'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { makeAllowList } from '../../src/dispatch/egress'
import { type AttemptInput, performAttempt } from '../../src/dispatch/http'
import type { Resolver } from '../../src/dispatch/resolve'
import { type Receiver, receiver } from './loopback'

const hasOpenssl = Bun.which('openssl') !== null
const allow = makeAllowList(['127.0.0.0/8'])
// every name here means this machine; no lookup ever leaves the process
const toLoopback: Resolver = async () => ['127.0.0.1']

let dir = ''
let cert = ''
let key = ''
let server: Receiver

beforeAll(() => {
	if (!hasOpenssl) return
	dir = mkdtempSync(join(tmpdir(), 'hookgate-tls-'))
	const made = Bun.spawnSync(['openssl', 'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1',
		'-nodes', '-days', '1', '-subj', '/CN=hooks.test', '-addext', 'subjectAltName=DNS:hooks.test',
		'-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')])
	if (made.exitCode !== 0) throw new Error(`openssl failed: ${made.stderr.toString()}`)
	cert = readFileSync(join(dir, 'cert.pem'), 'utf8')
	key = readFileSync(join(dir, 'key.pem'), 'utf8')
	server = receiver(() => new Response('secure ok'), { cert, key })
})
afterAll(() => {
	server?.stop()
	if (dir) rmSync(dir, { recursive: true, force: true })
})

const attempt = (url: string, more: Partial<AttemptInput> = {}) =>
	performAttempt({ url, headers: {}, body: '{}', timeoutMs: 3000, allow, resolver: toLoopback, ca: cert, ...more })

describe.skipIf(!hasOpenssl)('https to a pinned address', () => {
	test('the certificate for the name is accepted on the dialled IP, Host carries the name', async () => {
		const before = server.hits.length
		const seen: string[] = []
		const out = await attempt(`https://hooks.test:${server.port}/secure`, { connect: (ip) => void seen.push(ip) })
		expect(out.error).toBeNull()
		expect(out.ok).toBe(true)
		expect(out.responseBody).toBe('secure ok')
		expect(out.connectedIp).toBe('127.0.0.1')
		expect(seen).toEqual(['127.0.0.1'])
		expect(server.hits.slice(before)).toHaveLength(1)
		expect(server.hits[before].host).toBe(`hooks.test:${server.port}`)
	})

	test('a certificate for another name is a tls failure and nothing is delivered', async () => {
		const before = server.hits.length
		const out = await attempt(`https://wrong.test:${server.port}/`)
		expect(out.error?.class).toBe('tls')
		expect(server.hits.length).toBe(before)
	})

	test('the certificate is checked against an IP literal URL too', async () => {
		const out = await attempt(`https://127.0.0.1:${server.port}/`)
		expect(out.error?.class).toBe('tls')
	})

	test('a self-signed certificate is refused without its CA', async () => {
		const out = await attempt(`https://hooks.test:${server.port}/`, { ca: undefined })
		expect(out.error?.class).toBe('tls')
	})

	test('SNI names the host, not the IP', async () => {
		const names: unknown[] = []
		const sni = tls.createServer({ cert, key }, (socket) => {
			names.push((socket as tls.TLSSocket & { servername?: unknown }).servername)
			socket.end('HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok')
		})
		await new Promise<void>((resolve) => sni.listen(0, '127.0.0.1', resolve))
		const port = (sni.address() as { port: number }).port
		try {
			const out = await attempt(`https://hooks.test:${port}/`)
			expect(out.ok).toBe(true)
			expect(names).toEqual(['hooks.test'])
		} finally {
			sni.close()
		}
	})

	test('a plain HTTP server on an https URL is a tls failure', async () => {
		const plain = receiver(() => new Response('plain'))
		try {
			const out = await attempt(`https://hooks.test:${plain.port}/`)
			expect(out.error?.class).toBe('tls')
		} finally {
			plain.stop()
		}
	})
})
