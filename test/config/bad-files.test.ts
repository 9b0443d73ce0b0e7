// Every bad file answers with the exact `FILE:LINE:COL PATH:` of its problem.

import { describe, expect, test } from 'bun:test'
import { loadConfigText } from '../../src/config/load'

const WHSEC = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'

function errorsOf(text: string, env: Record<string, string> = {}): string[] {
	const r = loadConfigText(text, 'c.yaml', env)
	if ('config' in r) throw new Error('expected the file to be refused')
	return r.errors
}

/** A valid flow block (lines 1–7 when it starts the file); `extra` lines go after its endpoint. */
const flow = (extra = '') => `flows:
  - id: main
    ingestTokens: [t1]
    endpoints:
      - id: ep
        url: https://example.com/hook
        signing: { secret: ${WHSEC} }
${extra}`

const cases: Array<[string, string, string, Record<string, string>?]> = [
	['a platform-action type that is not an action', flow().replace('    ingestTokens: [t1]', '    envelope: platform-action\n    events: [Users Created, User Made]\n    ingestTokens: [t1]'), 'c.yaml:4:29 flows[0].events[1]: not one of the 14 platform actions'],
	['unknown top-level key', `servr:\n  listen: 127.0.0.1:1\n${flow()}`, 'c.yaml:1:1 servr: unknown key'],
	['unknown key in a section', `delivery:\n  timeot: 5s\n${flow()}`, 'c.yaml:2:3 delivery.timeot: unknown key'],
	['unknown key in a flow', `${flow()}    retries: 3\n`, 'c.yaml:8:5 flows[0].retries: unknown key'],
	['unknown key in an endpoint', `${flow()}        secret: x\n`, 'c.yaml:8:9 flows[0].endpoints[0].secret: unknown key'],
	[
		'unknown key in endpoint signing',
		flow().replace(`{ secret: ${WHSEC} }`, `{ secret: ${WHSEC}, algo: x }`),
		'c.yaml:7:68 flows[0].endpoints[0].signing.algo: unknown key',
	],
	['wrong type: string for a number', `delivery:\n  concurrency: "8"\n${flow()}`, 'c.yaml:2:16 delivery.concurrency: expected a number, got a string'],
	['wrong type: map for a list', `admin:\n  tokens: { a: b }\n${flow()}`, 'c.yaml:2:11 admin.tokens: expected a list, got a map'],
	['wrong type: flows not a list', 'flows: main\n', 'c.yaml:1:8 flows: expected a list, got a string'],
	['not one of the values', `log:\n  level: loud\n${flow()}`, 'c.yaml:2:10 log.level: must be one of debug, info, warn, error'],
	['duration without unit', `delivery:\n  timeout: 10\n${flow()}`, 'c.yaml:2:12 delivery.timeout: expected a duration with a unit'],
	['bad duration in a list', `delivery:\n  retrySchedule: [5s, 5x]\n${flow()}`, 'c.yaml:2:23 delivery.retrySchedule[1]: must be a duration'],
	['bad size', `storage:\n  maxSize: 10TB\n${flow()}`, 'c.yaml:2:12 storage.maxSize: must be a size'],
	[
		'duplicate flow ids',
		`${flow()}  - id: main\n    ingestTokens: [t2]\n`,
		'c.yaml:8:9 flows[1].id: duplicate flow id main',
	],
	[
		'duplicate endpoint ids',
		`${flow()}      - id: ep\n        url: https://example.com/2\n        signing: { secret: ${WHSEC} }\n`,
		'c.yaml:8:13 flows[0].endpoints[1].id: duplicate endpoint id ep in this flow',
	],
	['duplicate YAML key', `log:\n  level: info\n  level: warn\n${flow()}`, 'c.yaml:3:3 log.level: duplicate key'],
	[
		'six endpoints',
		flow() + [2, 3, 4, 5, 6].map((n) => `      - id: ep${n}\n        url: https://example.com/${n}\n        signing: { secret: ${WHSEC} }\n`).join(''),
		'c.yaml:20:9 flows[0].endpoints[5]: a flow has at most 5 endpoints (limits.endpointsPerFlow)',
	],
	['URL not http(s)', flow().replace('https://example.com/hook', 'ftp://example.com/hook'), 'c.yaml:6:14 flows[0].endpoints[0].url: must be an absolute http(s) URL'],
	['URL not absolute', flow().replace('https://example.com/hook', '/hook'), 'c.yaml:6:14 flows[0].endpoints[0].url: must be an absolute http(s) URL'],
	['URL with user:password', flow().replace('https://', 'https://u:pw@'), 'c.yaml:6:14 flows[0].endpoints[0].url: must not carry a user name or password'],
	['placeholder in the host', flow().replace('example.com', '{{ event.type }}.example.com'), 'c.yaml:6:14 flows[0].endpoints[0].url: placeholders are allowed only in the URL path and query'],
	['placeholder that the parser takes as the host (one slash)', flow().replace('https://example.com/hook', 'http:/{{ event.data.h }}:21001/p'), 'c.yaml:6:14 flows[0].endpoints[0].url: placeholders are allowed only in the URL path and query'],
	// the parser would drop the tab and take the placeholder as the host: the tab itself is refused
	['placeholder that the parser takes as the host (a tab between slashes)', flow().replace('https://example.com/hook', '"http:/\\t/{{ event.data.h }}/p"'), 'c.yaml:6:14 flows[0].endpoints[0].url: must not hold control characters'],
	['header with CR/LF', `${flow()}        headers: { X-Note: "a\\r\\nb" }\n`, 'c.yaml:8:28 flows[0].endpoints[0].headers.X-Note: the value of header X-Note must be visible ASCII, spaces and tabs (no CR, LF, NUL, control or non-ASCII characters)'],
	['header value with a non-ASCII character', `${flow()}        headers: { X-Note: "snow\u2603man" }\n`, 'c.yaml:8:28 flows[0].endpoints[0].headers.X-Note: the value of header X-Note must be visible ASCII'],
	['header value with a control character', `${flow()}        headers: { X-Note: "a\\x07b" }\n`, 'c.yaml:8:28 flows[0].endpoints[0].headers.X-Note: the value of header X-Note must be visible ASCII'],
	['header value over 8 KB', `${flow()}        headers: { X-Note: ${'x'.repeat(100 * 1024)} }\n`, 'c.yaml:8:28 flows[0].endpoints[0].headers.X-Note: the value of header X-Note must be at most 8 KB'],
	['reserved header Host', `${flow()}        headers: { Host: evil.example }\n`, 'c.yaml:8:20 flows[0].endpoints[0].headers.Host: header Host is set by hookgate'],
	['reserved header Content-Length', `${flow()}        headers:\n          Content-Length: "5"\n`, 'c.yaml:9:11 flows[0].endpoints[0].headers.Content-Length: header Content-Length is set by hookgate'],
	['reserved header Webhook-Signature', `${flow()}        headers: { WEBHOOK-SIGNATURE: v1 }\n`, 'c.yaml:8:20 flows[0].endpoints[0].headers.WEBHOOK-SIGNATURE: header WEBHOOK-SIGNATURE is set by hookgate'],
	[
		'the hmac header (default name)',
		flow().replace(`{ secret: ${WHSEC} }`, '{ scheme: hmac-sha256, secret: hmac-secret-1 }') + '        headers: { X-Signature: x }\n',
		"c.yaml:8:20 flows[0].endpoints[0].headers.X-Signature: header X-Signature carries the endpoint's signature",
	],
	[
		'the hmac header (configured name)',
		flow().replace(`{ secret: ${WHSEC} }`, '{ scheme: hmac-sha256, secret: hmac-secret-1, header: X-Hub-Sig }') + '        headers: { x-hub-sig: x }\n',
		"c.yaml:8:20 flows[0].endpoints[0].headers.x-hub-sig: header x-hub-sig carries the endpoint's signature",
	],
	['missing env var', flow().replace('[t1]', '["${INGEST_TOKEN}"]'), 'c.yaml:3:20 flows[0].ingestTokens[0]: environment variable INGEST_TOKEN is not set'],
	['empty ingest token', flow().replace('[t1]', '[t1, ""]'), 'c.yaml:3:24 flows[0].ingestTokens[1]: must not be empty'],
	['empty ingest token from env', flow().replace('[t1]', '["${T:-}"]'), 'c.yaml:3:20 flows[0].ingestTokens[0]: must not be empty'],
	['no ingest token', flow().replace('[t1]', '[]'), 'c.yaml:3:19 flows[0].ingestTokens: needs at least one ingest token'],
	['empty admin token', `admin:\n  tokens: [""]\n${flow()}`, 'c.yaml:2:12 admin.tokens[0]: must not be empty'],
	['bad envelope name', flow().replace('    ingestTokens', '    envelope: flowevent\n    ingestTokens'), 'c.yaml:3:15 flows[0].envelope: must be one of standard, session-step'],
	[
		'template with {{ evnt.id }}',
		flow().replace('    ingestTokens', '    envelope:\n      template:\n        kind: x\n        id: "{{ evnt.id }}"\n    ingestTokens'),
		'c.yaml:6:13 flows[0].envelope.template.id: unknown placeholder {{ evnt.id }}',
	],
	['unknown key beside template', flow().replace('    ingestTokens', '    envelope: { template: { a: 1 }, x: 1 }\n    ingestTokens'), 'c.yaml:3:37 flows[0].envelope.x: unknown key'],
	[
		'body key overriding an envelope key',
		flow().replace('    ingestTokens', '    envelope: flow-event\n    ingestTokens') + '        body:\n          source: x\n          event: y\n',
		"c.yaml:11:11 flows[0].endpoints[0].body.event: the flow's envelope already writes event",
	],
	['endpoint body nesting 65 levels', `${flow()}        body: { a: ${'['.repeat(64)}${']'.repeat(64)} }\n`, 'c.yaml:8:15 flows[0].endpoints[0].body: nests more than 64 levels deep'],
	['bad CIDR', `delivery:\n  allowPrivateNetworks: [127.0.0.0/8, 10.0.0.0/33]\n${flow()}`, 'c.yaml:2:39 delivery.allowPrivateNetworks[1]: must be a CIDR range'],
	['allowPrivateNetworks neither bool nor list', `delivery:\n  allowPrivateNetworks: yes\n${flow()}`, 'c.yaml:2:25 delivery.allowPrivateNetworks: expected true, false or a list of CIDR ranges'],
	['bad cron', `retention:\n  schedule: "61 * * * *"\n${flow()}`, 'c.yaml:2:13 retention.schedule: must be a cron expression'],
	['operations.flow naming no flow', `operations:\n  flow: ops\n${flow()}`, 'c.yaml:2:9 operations.flow: names no flow of this file: ops'],
	['bad operations.reportSchedule', `operations:\n  reportSchedule: "0 25 * * *"\n${flow()}`, 'c.yaml:2:19 operations.reportSchedule: must be a cron expression'],
	['bad listen', `server:\n  listen: localhost\n${flow()}`, 'c.yaml:2:11 server.listen: must be host:port'],
	['port out of range', `server:\n  listen: 127.0.0.1:70000\n${flow()}`, 'c.yaml:2:11 server.listen: must be host:port'],
	['bad secret for standard-webhooks', flow().replace(WHSEC, 'not-a-whsec'), 'c.yaml:7:28 flows[0].endpoints[0].signing.secret: a standard-webhooks secret must start with whsec_'],
	['flow id with uppercase', flow().replace('id: main', 'id: Main'), 'c.yaml:2:9 flows[0].id: must match [a-z0-9][a-z0-9_-]*'],
	['endpoint id too long', flow().replace('id: ep', `id: ${'e'.repeat(65)}`), 'c.yaml:5:13 flows[0].endpoints[0].id: must be at most 64 characters'],
	['YAML syntax error', 'flows:\n  - id: main\n    ingestTokens: [t1\n', 'c.yaml:4:1: Flow sequence in block collection must be sufficiently indented and end with a ]'],
	['missing url: at the list item', flow().replace('        url: https://example.com/hook\n', ''), 'c.yaml:5:9 flows[0].endpoints[0].url: required'],
	['key with no value: at the key', flow().replace('url: https://example.com/hook', 'url:'), 'c.yaml:6:9 flows[0].endpoints[0].url: expected a string, got nothing'],
	['a PostgreSQL pool of one connection (start-up needs two)', `storage:\n  postgres: { url: "postgres://db/h", poolSize: 1 }\n${flow()}`, 'c.yaml:2:49 storage.postgres.poolSize: must be at least 2'],
	['missing value in a named map: at its key', `storage:\n  postgres: { poolSize: 3 }\n${flow()}`, 'c.yaml:2:3 storage.postgres.url: required'],
	['postgres beside sqlite', `storage:\n  sqlite: ./x.db\n  postgres: { url: pg }\n${flow()}`, 'c.yaml:2:11 storage.sqlite: not used with storage.postgres'],
	['missing secret', flow().replace(`        signing: { secret: ${WHSEC} }\n`, ''), 'c.yaml:5:9 flows[0].endpoints[0].signing.secret: required for scheme standard-webhooks'],
	['secret with scheme none', flow().replace(`{ secret: ${WHSEC} }`, `{ scheme: none, secret: ${WHSEC} }`), 'c.yaml:7:42 flows[0].endpoints[0].signing.secret: not used by scheme none'],
	['encoding with standard-webhooks', flow().replace(`{ secret: ${WHSEC} }`, `{ secret: ${WHSEC}, encoding: hex }`), 'c.yaml:7:78 flows[0].endpoints[0].signing.encoding: applies to scheme hmac-sha256 only'],
	['bad rotation date', flow().replace(`{ secret: ${WHSEC} }`, `{ secret: ${WHSEC}, previous: { secret: ${WHSEC}, until: soon } }`), 'c.yaml:7:135 flows[0].endpoints[0].signing.previous.until: must be an ISO 8601 date-time'],
	['empty events filter', `${flow()}        events: [""]\n`, 'c.yaml:8:18 flows[0].endpoints[0].events[0]: must not be empty'],
	['empty file', '', 'c.yaml:1:1 (root): the file is empty'],
	['no flows', 'log: { level: info }\n', 'c.yaml:1:1 flows: required'],
]

describe('a bad file names the file, line, column and path of each problem', () => {
	// rest parameters: bun takes a fourth declared parameter for a done callback
	test.each(cases)('%s', (...[, text, prefix, env]) => {
		const errors = errorsOf(text, env)
		expect(errors).toHaveLength(1)
		expect(errors[0]).toStartWith(prefix)
	})
})

test('the table covers at least 25 bad files', () => {
	expect(cases.length).toBeGreaterThanOrEqual(25)
})

test('several problems → several lines, in document order', () => {
	const text = `retention:
  schedule: nope
server:
  listen: nope
flows:
  - id: BAD
    ingestTokens: [""]
`
	expect(errorsOf(text).map((e) => e.split(' ')[0] + ' ' + e.split(' ')[1])).toEqual([
		'c.yaml:2:13 retention.schedule:',
		'c.yaml:4:11 server.listen:',
		'c.yaml:6:9 flows[0].id:',
		'c.yaml:7:20 flows[0].ingestTokens[0]:',
	])
})

test('messages never repeat a secret or a header value', () => {
	const text = flow().replace(WHSEC, 'whsec_SUPERSECRET') + '        headers: { Host: "very-private-value" }\n'
	const all = errorsOf(text).join('\n')
	expect(all).not.toContain('SUPERSECRET')
	expect(all).not.toContain('very-private-value')
})
