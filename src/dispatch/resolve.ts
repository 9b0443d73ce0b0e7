// Name → addresses, behind a function type so tests can say "evil.test is
// 10.0.0.1" without any DNS traffic. http.ts checks every address this returns
// and then connects to one of them, never to the name.
import dns from 'node:dns'
import ipaddr from 'ipaddr.js'
import { normalizeHost } from './egress'

/** All addresses a host name stands for; rejects (with a `code`) when there are none. */
export type Resolver = (host: string) => Promise<string[]>

export const systemResolver: Resolver = async (host) => {
	const name = normalizeHost(host)
	// an IP literal is its own answer: no lookup, nothing to rebind
	if (ipaddr.isValid(name)) return [name]
	// RFC 6761: localhost names are this machine and are never sent to a DNS
	// server. Only 127.0.0.1, so an allow list of 127.0.0.0/8 (the documented
	// local-testing setting) is enough for `http://localhost:PORT`.
	if (name === 'localhost' || name.endsWith('.localhost')) return ['127.0.0.1']
	const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host
	const found = await dns.promises.lookup(bare, { all: true })
	if (found.length === 0) throw Object.assign(new Error(`no address for ${host}`), { code: 'ENOTFOUND' })
	return found.map((a) => a.address)
}
