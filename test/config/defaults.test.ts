import { describe, expect, test } from 'bun:test'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { loadConfigFile, loadConfigText } from '../../src/config/load'
import type { Config } from '../../src/domain'

const EXAMPLE = join(import.meta.dir, '../../config.example.yaml')

function load(text: string): Config {
	const r = loadConfigText(text, 'c.yaml', {}, { now: 1_000 })
	if ('errors' in r) throw new Error(r.errors.join('\n'))
	return r.config
}

describe('defaults', () => {
	test('a file with only a flow gets every default of INTERFACE.md', () => {
		const config = load('flows:\n  - id: main\n    ingestTokens: [t]\n')
		expect(config).toEqual({
			file: 'c.yaml',
			server: { host: '127.0.0.1', port: 8080, maxBodyBytes: 262144, shutdownGraceMs: 15_000, publicUrl: '' },
			storage: { sqlite: './data/hookgate.db', synchronous: 'full', maxSizeBytes: 0, postgres: null },
			admin: { tokens: [] },
			portal: { frameAncestors: "'none'" },
			metrics: { token: '' },
			svix: { tokens: [], endpointsPerApp: 50, whitelabelHeaders: false },
			log: { level: 'info' },
			limits: { endpointsPerFlow: 5, batchEvents: 500 },
			delivery: {
				timeoutMs: 10_000,
				retryScheduleMs: [5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000],
				jitter: 0.2,
				maxRetryAfterMs: 3_600_000,
				concurrency: 64,
				endpointConcurrency: 8,
				allowPrivateNetworks: false,
				failingAfter: 3,
				disableAfterMs: 432_000_000,
			},
			retention: { days: 30, schedule: '7 * * * *' },
			tracing: { otlp: { endpoint: '', headers: {} }, sampleRatio: 1, propagate: true },
			operations: { flow: '', reportSchedule: '0 8 * * *' },
			flows: [
				{
					id: 'main',
					name: 'main',
					envelope: { kind: 'builtin', name: 'standard' },
					events: null,
					ingestTokens: ['t'],
					retryScheduleMs: null,
					timeoutMs: null,
					signing: {},
					endpoints: [],
				},
			],
		})
	})

	test('an endpoint with only id, url and secret gets its defaults', () => {
		const config = load(`flows:
  - id: main
    ingestTokens: [t]
    endpoints:
      - id: ep
        url: https://example.com/hook
        signing: { secret: whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw }
`)
		expect(config.flows[0].endpoints).toEqual([
			{
				id: 'ep',
				url: 'https://example.com/hook',
				events: null,
				signing: {
					scheme: 'standard-webhooks',
					secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
					header: 'x-signature',
					encoding: 'hex',
					previous: null,
				},
				headers: {},
				body: {},
				timeoutMs: null,
				retryScheduleMs: null,
				concurrency: null,
				rateLimit: null,
				enabled: true,
				managedBy: 'config',
				createdAt: 1_000,
			},
		])
	})

	test('written values replace the defaults, sizes and durations converted', () => {
		const config = load(`server: { listen: "[::1]:0", maxBodyBytes: 1MB, shutdownGrace: 500ms }
storage: { postgres: { url: postgres://db/hookgate }, maxSize: 10GB }
delivery: { allowPrivateNetworks: true, retrySchedule: [], disableAfter: 2h }
flows:
  - id: main
    ingestTokens: [t]
`)
		expect(config.server).toEqual({ host: '::1', port: 0, maxBodyBytes: 1_048_576, shutdownGraceMs: 500, publicUrl: '' })
		expect(config.storage).toEqual({
			sqlite: './data/hookgate.db',
			synchronous: 'full',
			maxSizeBytes: 10 * 1024 ** 3,
			postgres: { url: 'postgres://db/hookgate', poolSize: 10 },
		})
		expect(config.delivery).toMatchObject({ allowPrivateNetworks: true, retryScheduleMs: [], disableAfterMs: 7_200_000 })
	})

	test('a raised endpoint limit admits more endpoints', () => {
		const endpoints = [1, 2, 3, 4, 5, 6]
			.map((n) => `      - id: ep${n}\n        url: https://example.com/${n}\n        signing: { scheme: none }\n`)
			.join('')
		const config = load(`limits: { endpointsPerFlow: 6 }\nflows:\n  - id: main\n    ingestTokens: [t]\n    endpoints:\n${endpoints}`)
		expect(config.flows[0].endpoints).toHaveLength(6)
	})
})

describe('config.example.yaml', () => {
	const text = readFileSync(EXAMPLE, 'utf8')

	test('loads with an empty environment', () => {
		const r = loadConfigFile(EXAMPLE, {})
		if ('errors' in r) throw new Error(r.errors.join('\n'))
		const { config } = r
		expect(config.server).toEqual({ host: '127.0.0.1', port: 8080, maxBodyBytes: 262144, shutdownGraceMs: 15_000, publicUrl: '' })
		expect(config.portal).toEqual({ frameAncestors: "'none'" })
		expect(config.storage).toEqual({ sqlite: './data/hookgate.db', synchronous: 'full', maxSizeBytes: 0, postgres: null })
		expect(config.metrics).toEqual({ token: '' })
		expect(config.log).toEqual({ level: 'info' })
		expect(config.limits).toEqual({ endpointsPerFlow: 5, batchEvents: 500 })
		expect(config.delivery).toEqual({
			timeoutMs: 10_000,
			retryScheduleMs: [5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000],
			jitter: 0.2,
			maxRetryAfterMs: 3_600_000,
			concurrency: 64,
			endpointConcurrency: 8,
			allowPrivateNetworks: ['127.0.0.0/8'],
			failingAfter: 3,
			disableAfterMs: 432_000_000,
		})
		expect(config.retention).toEqual({ days: 30, schedule: '7 * * * *' })
		expect(config.admin.tokens).toEqual(['dev-admin-token'])

		const envelopes = Object.fromEntries(config.flows.map((f) => [f.id, f.envelope.kind === 'builtin' ? f.envelope.name : 'template']))
		expect(envelopes).toMatchObject({ onboarding: 'flow-event', billing: 'standard', platform: 'platform-action' })
		for (const flow of config.flows) {
			for (const ep of flow.endpoints) expect(ep.url).toStartWith('http://127.0.0.1:9000/')
		}
		const schemes = config.flows.flatMap((f) => f.endpoints.map((e) => e.signing.scheme))
		expect(new Set(schemes)).toEqual(new Set(['hmac-sha256', 'standard-webhooks', 'none']))
	})

	test('every variable outside comments has a default', () => {
		const code = text.split('\n').filter((line) => !line.trimStart().startsWith('#')).join('\n')
		const refs = [...code.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)(:-[^}]*)?\}/g)]
		expect(refs.length).toBeGreaterThan(5)
		for (const ref of refs) expect(ref[2]).toMatch(/^:-(dev-|whsec_)/)
	})

	test('documents every key of INTERFACE.md', () => {
		const keys = [
			'server', 'listen', 'maxBodyBytes', 'shutdownGrace', 'publicUrl', 'portal', 'frameAncestors', 'storage', 'sqlite', 'synchronous', 'maxSize',
			'postgres', 'poolSize', 'admin', 'tokens', 'metrics', 'token', 'log', 'level', 'limits',
			'endpointsPerFlow', 'batchEvents', 'delivery', 'timeout', 'retrySchedule', 'jitter', 'maxRetryAfter',
			'concurrency', 'endpointConcurrency', 'allowPrivateNetworks', 'failingAfter', 'disableAfter',
			'retention', 'days', 'schedule', 'flows', 'id', 'name', 'envelope', 'template', 'events',
			'ingestTokens', 'signing', 'endpoints', 'url', 'scheme', 'secret', 'header', 'encoding', 'previous',
			'until', 'headers', 'sensitive', 'body', 'rateLimit', 'enabled',
		]
		for (const key of keys) expect(text).toMatch(new RegExp(`[\\s{,]${key}:`))
	})
})

test('an unreadable file is one line naming it', () => {
	expect(loadConfigFile('/nonexistent/hookgate.yaml', {})).toEqual({
		errors: ['/nonexistent/hookgate.yaml: cannot read the file (ENOENT)'],
	})
})
