// The egress guard's address policy (SSRF): which resolved addresses hookgate
// may connect to. Pure; the ranges are the table of
// shared/research/egress-ranges.md. The guard runs on the address that is
// actually connected to (see http.ts); the name checks are defense in depth.
import ipaddr from 'ipaddr.js'

type IP = ipaddr.IPv4 | ipaddr.IPv6
type Cidr<T> = [T, number]

export interface AddressClass {
	blocked: boolean
	/** the refusing range as `CIDR (name)`, for messages and the viewer */
	range?: string
}

const V4_RANGES: [string, string][] = [
	['0.0.0.0/8', 'this network'],
	['10.0.0.0/8', 'private'],
	['100.64.0.0/10', 'shared/CGNAT'],
	['127.0.0.0/8', 'loopback'],
	['169.254.0.0/16', 'link-local/metadata'],
	['172.16.0.0/12', 'private'],
	['192.0.0.0/24', 'IETF protocol assignments'],
	['192.0.2.0/24', 'documentation'],
	['192.88.99.0/24', '6to4 relay'],
	['192.168.0.0/16', 'private'],
	['198.18.0.0/15', 'benchmarking'],
	['198.51.100.0/24', 'documentation'],
	['203.0.113.0/24', 'documentation'],
	['224.0.0.0/4', 'multicast'],
	['240.0.0.0/4', 'reserved/broadcast'],
]

// Order matters only for the name shown: specific ranges before the ones around them.
// Embeddings (IPv4-compatible, NAT64, 6to4, Teredo) are refused whatever they wrap:
// unwrapping them would trust translators we know nothing about.
const V6_RANGES: [string, string][] = [
	['::/128', 'unspecified'],
	['::1/128', 'loopback'],
	['::/96', 'IPv4-compatible'],
	['64:ff9b::/96', 'NAT64'],
	['64:ff9b:1::/48', 'NAT64'],
	['100::/64', 'discard'],
	['2001::/32', 'Teredo'],
	['2001:db8::/32', 'documentation'],
	['2002::/16', '6to4'],
	['3fff::/20', 'documentation'],
	['5f00::/16', 'SRv6'],
	['fc00::/7', 'unique-local'],
	['fe80::/10', 'link-local'],
	['fec0::/10', 'site-local'],
	['ff00::/8', 'multicast'],
]

const parseTable = <T extends IP>(rows: [string, string][]) =>
	rows.map(([cidr, name]) => ({ cidr: ipaddr.parseCIDR(cidr) as Cidr<T>, label: `${cidr} (${name})` }))

const V4_TABLE = parseTable<ipaddr.IPv4>(V4_RANGES)
const V6_TABLE = parseTable<ipaddr.IPv6>(V6_RANGES)
const IPV4_MAPPED = ipaddr.parseCIDR('::ffff:0:0/96') as Cidr<ipaddr.IPv6>
// the simplest safe IPv6 rule: only global unicast, minus the table above
const GLOBAL_UNICAST = ipaddr.parseCIDR('2000::/3') as Cidr<ipaddr.IPv6>

/**
 * Parses the way fetch will read the address: the WHATWG URL parser writes it
 * in canonical form first, then ipaddr.js parses that. Not ipaddr.js alone:
 * 2.5.0 reads the IPv4-compatible `::8.8.8.8` as the IPv4-mapped `::ffff:808:808`,
 * which would turn a refused embedding into an allowed public address.
 */
function parse(ip: string): IP | null {
	const text = ip.startsWith('[') && ip.endsWith(']') ? ip.slice(1, -1) : ip
	// a zone id (fe80::1%eth0) says which interface, not which address
	const bare = text.includes(':') ? text.split('%')[0] : text
	// only address characters: `8.8.8.8/x` or `a@1.2.3.4` must not parse as an address
	if (!/^[0-9a-fx.:]+$/i.test(bare)) return null
	let canonical: string
	try {
		canonical = new URL(`http://${bare.includes(':') ? `[${bare}]` : bare}/`).hostname
	} catch {
		return null
	}
	canonical = canonical.startsWith('[') ? canonical.slice(1, -1) : canonical
	return ipaddr.isValid(canonical) ? ipaddr.parse(canonical) : null
}

/** Whether an address lies in a range hookgate refuses by default, and which. */
export function classifyAddress(ip: string): AddressClass {
	const addr = parse(ip)
	// what cannot be parsed cannot be checked: fail closed
	if (addr === null) return { blocked: true, range: 'not an IP address' }
	return classify(addr)
}

function classify(addr: IP): AddressClass {
	if (addr.kind() === 'ipv4') {
		const hit = V4_TABLE.find((r) => addr.match(r.cidr))
		return hit ? { blocked: true, range: hit.label } : { blocked: false }
	}
	const v6 = addr as ipaddr.IPv6
	// ::ffff:127.0.0.1 reaches 127.0.0.1 on a dual-stack socket: judge the IPv4 inside
	if (v6.match(IPV4_MAPPED)) {
		const inner = classify(v6.toIPv4Address())
		return inner.blocked ? { blocked: true, range: `::ffff:0:0/96 (IPv4-mapped) → ${inner.range}` } : inner
	}
	const hit = V6_TABLE.find((r) => v6.match(r.cidr))
	if (hit) return { blocked: true, range: hit.label }
	if (!v6.match(GLOBAL_UNICAST)) return { blocked: true, range: 'outside 2000::/3 (not global unicast)' }
	return { blocked: false }
}

/** `delivery.allowPrivateNetworks`, parsed once. */
export type AllowList =
	| { all: true }
	| { all: false; v4: Cidr<ipaddr.IPv4>[]; v6: Cidr<ipaddr.IPv6>[] }

/**
 * true opens everything, false nothing, a list opens those CIDRs (a bare
 * address counts as /32 or /128). Throws on a malformed entry: config
 * validation should have caught it, and a guard must not guess.
 */
export function makeAllowList(allow: boolean | string[]): AllowList {
	if (allow === true) return { all: true }
	const list: AllowList = { all: false, v4: [], v6: [] }
	if (allow === false) return list
	for (const entry of allow) {
		const text = entry.trim()
		let cidr: Cidr<IP>
		if (ipaddr.isValidCIDR(text)) cidr = ipaddr.parseCIDR(text)
		else if (ipaddr.isValid(text)) {
			const addr = ipaddr.parse(text)
			cidr = [addr, addr.kind() === 'ipv4' ? 32 : 128]
		} else throw new Error(`allowPrivateNetworks: not a CIDR: ${entry}`)
		if (cidr[0].kind() === 'ipv4') list.v4.push(cidr as Cidr<ipaddr.IPv4>)
		else list.v6.push(cidr as Cidr<ipaddr.IPv6>)
	}
	return list
}

/** Whether the allow list explicitly opens this address (not the final verdict). */
export function isListed(ip: string, allow: AllowList): boolean {
	if (allow.all) return true
	const addr = parse(ip)
	if (addr === null) return false
	if (addr.kind() === 'ipv4') {
		const v4 = addr as ipaddr.IPv4
		return allow.v4.some((c) => v4.match(c)) || allow.v6.some((c) => v4.toIPv4MappedAddress().match(c))
	}
	const v6 = addr as ipaddr.IPv6
	if (allow.v6.some((c) => v6.match(c))) return true
	// an IPv4-mapped address is that IPv4 address, so a v4 CIDR opens it too
	return v6.match(IPV4_MAPPED) && allow.v4.some((c) => v6.toIPv4Address().match(c))
}

/** The verdict: may hookgate connect to this address? */
// Verdicts are pure functions of (address, allow list): remembered per list,
// since every attempt asks again for the same few receivers. A reload makes a
// new list and so starts afresh. Bounded so a flood of names cannot grow it.
const verdicts = new WeakMap<AllowList, Map<string, boolean>>()
const MAX_VERDICTS = 4096

export function isAllowed(ip: string, allow: AllowList): boolean {
	let known = verdicts.get(allow)
	if (!known) verdicts.set(allow, known = new Map())
	let v = known.get(ip)
	if (v === undefined) {
		v = !classifyAddress(ip).blocked || isListed(ip, allow)
		if (known.size >= MAX_VERDICTS) known.clear()
		known.set(ip, v)
	}
	return v
}

// Names that mean "this machine" or "the cloud metadata service" wherever they
// are resolved, and the addresses they stand for. A name is refused unless one
// of those addresses is allowed: then resolution (the real check) decides.
// (a Map, not an object literal: a host named `constructor` must not find Object's)
const SPECIAL_NAMES = new Map<string, string[]>([
	['localhost', ['127.0.0.1', '::1']],
	['metadata.google.internal', ['169.254.169.254']],
	['metadata', ['169.254.169.254']],
	['instance-data', ['169.254.169.254']],
])

/** Lowercases and strips one trailing dot (`LOCALHOST.` → `localhost`) and IPv6 brackets. */
export function normalizeHost(host: string): string {
	const lower = host.toLowerCase()
	const bare = lower.startsWith('[') && lower.endsWith(']') ? lower.slice(1, -1) : lower
	return bare.endsWith('.') ? bare.slice(0, -1) : bare
}

/** The name check, before any lookup. IP literals pass here; classifyAddress judges them. */
export function checkHostName(host: string, allow: AllowList): AddressClass {
	const name = normalizeHost(host)
	if (ipaddr.isValid(name)) return { blocked: false }
	const implied = SPECIAL_NAMES.get(name.endsWith('.localhost') ? 'localhost' : name)
	if (implied === undefined || implied.some((ip) => isListed(ip, allow))) return { blocked: false }
	return { blocked: true, range: `name ${name}` }
}
