// The egress guard end to end. Loopback only: "a name that resolves to a
// private address" uses a stub resolver plus a connect spy that throws on any
// address but 127.0.0.1, so no test can ever send a packet to 10.x.
import { afterEach, describe, expect, test } from 'bun:test'
import { makeAllowList } from '../../src/dispatch/egress'
import { type AttemptInput, performAttempt } from '../../src/dispatch/http'
import { type Resolver, systemResolver } from '../../src/dispatch/resolve'
import { receiver } from './loopback'

const stops: (() => void)[] = []
afterEach(() => {
	for (const stop of stops.splice(0)) stop()
})
function serve() {
	const r = receiver(() => new Response('ok'))
	stops.push(r.stop)
	return r
}

/** Records every address performAttempt is about to connect to; refuses all but 127.0.0.1. */
function connectSpy() {
	const seen: string[] = []
	const spy = (ip: string) => {
		seen.push(ip)
		if (ip !== '127.0.0.1') throw new Error(`test guard: refused to connect to ${ip}`)
	}
	return { seen, spy }
}

/** A stub DNS: known names only, counting lookups. */
function stubResolver(table: Record<string, string[]>) {
	const calls: string[] = []
	const resolve: Resolver = async (host) => {
		calls.push(host)
		const found = table[host]
		if (!found) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' })
		return found
	}
	return { calls, resolve }
}

const attempt = (url: string, more: Partial<AttemptInput>) =>
	performAttempt({ url, headers: {}, body: '{}', timeoutMs: 2000, allow: makeAllowList(false), ...more })

describe('the egress guard refuses loopback unless allowed', () => {
	for (const host of ['127.0.0.1', 'localhost', '[::1]', '[::ffff:127.0.0.1]']) {
		test(`${host} is refused and nothing is sent`, async () => {
			const r = serve()
			const { seen, spy } = connectSpy()
			const out = await attempt(`http://${host}:${r.port}/`, { connect: spy })
			expect(out.error?.class).toBe('blocked')
			expect(out.connectedIp).toBeNull()
			expect(seen).toHaveLength(0)
			expect(r.hits).toHaveLength(0)
		})
	}

	for (const host of ['127.0.0.1', 'localhost']) {
		test(`${host} is reached once allowPrivateNetworks lists 127.0.0.0/8`, async () => {
			const r = serve()
			const out = await attempt(`http://${host}:${r.port}/`, { allow: makeAllowList(['127.0.0.0/8']) })
			expect(out.ok).toBe(true)
			expect(r.hits).toHaveLength(1)
		})
	}

	test('a non-http scheme is refused', async () => {
		const out = await attempt('file:///etc/passwd', { allow: makeAllowList(true) })
		expect(out.error?.class).toBe('blocked')
	})
})

describe('names are checked by every address they resolve to', () => {
	const allow = makeAllowList(['127.0.0.0/8'])

	test('a name that resolves to a private address is refused before any connection', async () => {
		const { seen, spy } = connectSpy()
		const dns = stubResolver({ 'evil.test': ['10.0.0.1'] })
		const out = await attempt('http://evil.test/', { allow, resolver: dns.resolve, connect: spy })
		expect(out.error?.class).toBe('blocked')
		expect(out.error?.message).toContain('10.0.0.1')
		expect(seen).toHaveLength(0)
	})

	test('one private address among good ones refuses the whole name', async () => {
		const r = serve()
		const { seen, spy } = connectSpy()
		const dns = stubResolver({ 'mixed.test': ['127.0.0.1', '10.0.0.1'] })
		const out = await attempt(`http://mixed.test:${r.port}/`, { allow, resolver: dns.resolve, connect: spy })
		expect(out.error?.class).toBe('blocked')
		expect(seen).toHaveLength(0)
		expect(r.hits).toHaveLength(0)
	})

	test('the checked address is the one connected to, with the name in the Host header', async () => {
		const r = serve()
		const { seen, spy } = connectSpy()
		// a rebinding DNS: the first answer is allowed, any later one would not be
		let answers = 0
		const rebinding: Resolver = async () => (answers++ === 0 ? ['127.0.0.1'] : ['10.0.0.1'])
		const out = await attempt(`http://hooks.test:${r.port}/in?x=1`, { allow, resolver: rebinding, connect: spy })
		expect(out.ok).toBe(true)
		expect(out.connectedIp).toBe('127.0.0.1')
		expect(answers).toBe(1)
		expect(seen).toEqual(['127.0.0.1'])
		expect(r.hits).toHaveLength(1)
		expect(r.hits[0].host).toBe(`hooks.test:${r.port}`)
		expect(r.hits[0].path).toBe('/in?x=1')
	})

	test('an address that refuses the connection falls back to the next checked one', async () => {
		const r = serve()
		const seen: string[] = []
		// 127.0.0.2 is loopback too, but nothing listens there on this port
		const dns = stubResolver({ 'two.test': ['127.0.0.2', '127.0.0.1'] })
		const out = await attempt(`http://two.test:${r.port}/`, {
			allow,
			resolver: dns.resolve,
			connect: (ip) => {
				if (!ip.startsWith('127.')) throw new Error(`test guard: refused to connect to ${ip}`)
				seen.push(ip)
			},
		})
		expect(out.ok).toBe(true)
		expect(seen).toEqual(['127.0.0.2', '127.0.0.1'])
		expect(out.connectedIp).toBe('127.0.0.1')
		expect(r.hits).toHaveLength(1)
	})

	test('a name that does not resolve is a dns failure', async () => {
		const dns = stubResolver({})
		const out = await attempt('http://nowhere.test/', { allow, resolver: dns.resolve })
		expect(out.error?.class).toBe('dns')
		expect(out.connectedIp).toBeNull()
	})

	test('a lookup that hangs ends at the deadline', async () => {
		const hang: Resolver = () => new Promise(() => {})
		const out = await attempt('http://slow.test/', { allow, resolver: hang, timeoutMs: 200 })
		expect(out.error?.class).toBe('timeout')
	})
})

describe('the system resolver', () => {
	test('returns IP literals as they are, without a lookup', async () => {
		expect(await systemResolver('127.0.0.1')).toEqual(['127.0.0.1'])
		expect(await systemResolver('[::1]')).toEqual(['::1'])
	})

	test('answers localhost names itself, as 127.0.0.1 (RFC 6761; no DNS query)', async () => {
		expect(await systemResolver('localhost')).toEqual(['127.0.0.1'])
		expect(await systemResolver('LOCALHOST.')).toEqual(['127.0.0.1'])
		expect(await systemResolver('api.localhost')).toEqual(['127.0.0.1'])
	})
})

describe('proxies from the environment are never used', () => {
	test('HTTP_PROXY set after start still does not see the request', async () => {
		const target = serve()
		const proxy = serve()
		const saved = { upper: process.env.HTTP_PROXY, lower: process.env.http_proxy }
		process.env.HTTP_PROXY = `http://127.0.0.1:${proxy.port}`
		process.env.http_proxy = `http://127.0.0.1:${proxy.port}`
		try {
			const out = await attempt(`http://127.0.0.1:${target.port}/`, { allow: makeAllowList(['127.0.0.0/8']) })
			expect(out.ok).toBe(true)
		} finally {
			if (saved.upper === undefined) delete process.env.HTTP_PROXY
			else process.env.HTTP_PROXY = saved.upper
			if (saved.lower === undefined) delete process.env.http_proxy
			else process.env.http_proxy = saved.lower
		}
		expect(proxy.hits).toHaveLength(0)
		expect(target.hits).toHaveLength(1)
	})
})
