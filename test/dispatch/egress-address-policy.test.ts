// The address classifier as a pure function over literal cases, in the spirit
// of Svix's `is_allowed_test` and Convoy's `TestBlockMetadataEndpoints`.
import { describe, expect, test } from 'bun:test'
import { checkHostName, classifyAddress, isAllowed, isListed, makeAllowList } from '../../src/dispatch/egress'

const BLOCKED: [string, string][] = [
	// IPv4 (Svix's table, from std's `is_global` docs, plus the research table)
	['10.254.0.0', '10.0.0.0/8'],
	['10.0.0.1', '10.0.0.0/8'],
	['192.168.10.65', '192.168.0.0/16'],
	['172.16.10.65', '172.16.0.0/12'],
	['172.31.255.255', '172.16.0.0/12'],
	['0.1.2.3', '0.0.0.0/8'],
	['0.0.0.0', '0.0.0.0/8'],
	['127.0.0.1', '127.0.0.0/8'],
	['127.255.255.254', '127.0.0.0/8'],
	['169.254.45.1', '169.254.0.0/16'],
	['169.254.169.254', '169.254.0.0/16'],
	['169.254.170.2', '169.254.0.0/16'],
	['255.255.255.255', '240.0.0.0/4'],
	['192.0.2.255', '192.0.2.0/24'],
	['198.51.100.65', '198.51.100.0/24'],
	['203.0.113.6', '203.0.113.0/24'],
	['100.100.0.0', '100.64.0.0/10'],
	['100.100.100.200', '100.64.0.0/10'],
	['100.64.0.1', '100.64.0.0/10'],
	['100.127.255.255', '100.64.0.0/10'],
	['192.0.0.0', '192.0.0.0/24'],
	['192.0.0.255', '192.0.0.0/24'],
	['192.88.99.1', '192.88.99.0/24'],
	['250.10.20.30', '240.0.0.0/4'],
	['198.18.0.0', '198.18.0.0/15'],
	['198.19.255.255', '198.18.0.0/15'],
	['224.0.0.1', '224.0.0.0/4'],
	['239.255.255.250', '224.0.0.0/4'],
	// IPv6
	['::', '::/128'],
	['::1', '::1/128'],
	['[::1]', '::1/128'],
	['0:0:0:0:0:0:0:1', '::1/128'],
	['::ffff:127.0.0.1', '127.0.0.0/8'],
	['::ffff:7f00:1', '127.0.0.0/8'],
	['::ffff:10.0.0.1', '10.0.0.0/8'],
	['::ffff:169.254.169.254', '169.254.0.0/16'],
	['::ffff:0.0.0.1', '0.0.0.0/8'],
	['::127.0.0.1', '::/96'],
	['::8.8.8.8', '::/96'],
	['64:ff9b::8.8.8.8', '64:ff9b::/96'],
	['64:ff9b::7f00:1', '64:ff9b::/96'],
	['64:ff9b:1::1', '64:ff9b:1::/48'],
	['2002:7f00:1::', '2002::/16'],
	['2002:808:808::1', '2002::/16'],
	['2001:0:4136:e378:8000:63bf:3fff:fdd2', '2001::/32'],
	['2001:db8::1', '2001:db8::/32'],
	['3fff::1', '3fff::/20'],
	['100::1', '100::/64'],
	['5f00::1', '5f00::/16'],
	['fc00::1', 'fc00::/7'],
	['fd00:ec2::254', 'fc00::/7'],
	['fd00:ec2:0:0:0:0:0:254', 'fc00::/7'],
	['fe80::1', 'fe80::/10'],
	['fe80::1%eth0', 'fe80::/10'],
	['febf::1', 'fe80::/10'],
	['fec0::1', 'fec0::/10'],
	['ff02::1', 'ff00::/8'],
	['ff05::2', 'ff00::/8'],
	// outside 2000::/3 (Svix allows the first; the simplest safe rule does not)
	['0:0:0:ffff::1', '2000::/3'],
	['1::1', '2000::/3'],
	['4000::1', '2000::/3'],
	['e000::1', '2000::/3'],
	// the spellings WHATWG URL (and so fetch) reads as 127.0.0.1
	['2130706433', '127.0.0.0/8'],
	['0x7f.1', '127.0.0.0/8'],
	['0177.0.0.1', '127.0.0.0/8'],
	['127.1', '127.0.0.0/8'],
	// not addresses at all: fail closed
	['8.8.8.8/x', 'not an IP'],
	['evil@8.8.8.8', 'not an IP'],
	['', 'not an IP'],
	['localhost', 'not an IP'],
	['999.1.1.1', 'not an IP'],
	['::ffff::1', 'not an IP'],
]

const ALLOWED = [
	'1.1.1.1', '8.8.8.8', '93.184.216.34', '11.0.0.1', '126.255.255.255', '128.0.0.1',
	'172.15.255.255', '172.32.0.0', '100.63.255.255', '100.128.0.0', '169.253.255.255',
	'192.0.1.1', '192.169.0.1', '198.17.255.255', '198.20.0.0', '223.255.255.255',
	'2001:4860:4860::8888', '2606:4700:4700::1111', '2a00:1450:4001::1', '2c0f:fb50::1',
	'::ffff:8.8.8.8', '::ffff:1.1.1.1', '[2001:4860:4860::8888]',
]

describe('classifyAddress refuses internal ranges', () => {
	for (const [ip, range] of BLOCKED) {
		test(`${JSON.stringify(ip)} is blocked (${range})`, () => {
			const verdict = classifyAddress(ip)
			expect(verdict.blocked).toBe(true)
			expect(verdict.range).toContain(range)
		})
	}
	for (const ip of ALLOWED) {
		test(`${ip} is a public address`, () => {
			expect(classifyAddress(ip)).toEqual({ blocked: false })
		})
	}
	test('the table holds at least 60 literal cases', () => {
		expect(BLOCKED.length + ALLOWED.length).toBeGreaterThanOrEqual(60)
	})
})

describe('allowPrivateNetworks opens what it lists', () => {
	const cases: [string, boolean | string[], string, boolean][] = [
		['false opens nothing', false, '127.0.0.1', false],
		['false keeps public addresses', false, '8.8.8.8', true],
		['true opens loopback', true, '127.0.0.1', true],
		['true opens metadata', true, '169.254.169.254', true],
		['true opens IPv6 loopback', true, '::1', true],
		['a v4 CIDR opens its range', ['127.0.0.0/8'], '127.255.0.1', true],
		['a v4 CIDR opens the IPv4-mapped form', ['127.0.0.0/8'], '::ffff:127.0.0.1', true],
		['a v4 CIDR opens nothing else', ['127.0.0.0/8'], '10.0.0.1', false],
		['a v4 CIDR does not open ::1', ['127.0.0.0/8'], '::1', false],
		['a v4 CIDR leaves public addresses allowed', ['127.0.0.0/8'], '1.1.1.1', true],
		['a bare address is a /32', ['192.168.1.5'], '192.168.1.5', true],
		['a bare address opens only itself', ['192.168.1.5'], '192.168.1.6', false],
		['a bare v6 address is a /128', ['10.0.0.0/8', '::1'], '::1', true],
		['several entries each count', ['10.0.0.0/8', '::1'], '10.1.2.3', true],
		['unlisted ranges stay closed', ['10.0.0.0/8', '::1'], '192.168.1.1', false],
		['a v6 CIDR opens its range', ['fd00::/8'], 'fd00:ec2::254', true],
		['a v6 CIDR opens nothing next to it', ['fd00::/8'], 'fc00::1', false],
		['a mapped-v6 CIDR opens the plain v4 address', ['::ffff:0:0/96'], '127.0.0.1', true],
		['an empty list opens nothing', [], '10.0.0.1', false],
	]
	for (const [name, allow, ip, expected] of cases) {
		test(name, () => {
			expect(isAllowed(ip, makeAllowList(allow))).toBe(expected)
		})
	}
	test('isListed says only what the list opens', () => {
		expect(isListed('8.8.8.8', makeAllowList(['127.0.0.0/8']))).toBe(false)
		expect(isListed('127.0.0.1', makeAllowList(['127.0.0.0/8']))).toBe(true)
	})
	test('a malformed entry is refused, not guessed at', () => {
		expect(() => makeAllowList(['nope'])).toThrow('not a CIDR')
		expect(() => makeAllowList(['10.0.0.0/33'])).toThrow('not a CIDR')
	})
})

describe('checkHostName refuses names that mean this machine or the metadata service', () => {
	const none = makeAllowList(false)
	const loopback = makeAllowList(['127.0.0.0/8'])
	const cases: [string, ReturnType<typeof makeAllowList>, boolean][] = [
		['localhost', none, true],
		['LOCALHOST.', none, true],
		['localhost.', none, true],
		['api.localhost', none, true],
		['metadata.google.internal', none, true],
		['Metadata.Google.Internal.', none, true],
		['metadata', none, true],
		['instance-data', none, true],
		['example.com', none, false],
		['localhost.example.com', none, false],
		['notlocalhost', none, false],
		['constructor', none, false],
		['127.0.0.1', none, false],
		['[::1]', none, false],
		['localhost', loopback, false],
		['api.localhost', loopback, false],
		['metadata', loopback, true],
		['metadata.google.internal', makeAllowList(['169.254.169.254/32']), false],
		['instance-data', makeAllowList(true), false],
	]
	for (const [host, allow, blocked] of cases) {
		test(`${host} ${blocked ? 'refused' : 'passes'}`, () => {
			expect(checkHostName(host, allow).blocked).toBe(blocked)
		})
	}
})
