import { expect, test } from 'bun:test'
import { loadConfigText } from '../../src/config/load'
import { tempDir } from '../support/gateway'
import { ROOT, writeConfig } from '../support/process'

test('check-config refuses a YAML flow whose id starts with app_, at its line and column', () => {
	const dir = tempDir('hookgate-svix-cfg-')
	const cfg = writeConfig(dir, 'flows:\n  - { id: app_x, ingestTokens: [t] }\n')
	const r = Bun.spawnSync(['bun', 'src/main.ts', 'check-config', cfg], { cwd: ROOT, env: { PATH: `${ROOT}/node_modules/.bin:${process.env.PATH}` } })
	expect(r.exitCode).toBe(1)
	expect(r.stdout.toString() + r.stderr.toString()).toContain(`${cfg}:2:11 flows[0].id: must not start with app_`)
})

test('the svix section: defaults, and its keys checked', () => {
	const ok = loadConfigText('svix:\n  tokens: [sk]\n  whitelabelHeaders: true\nflows:\n  - { id: main, ingestTokens: [t] }\n', 'c.yaml', {})
	if ('errors' in ok) throw new Error(ok.errors.join('\n'))
	expect(ok.config.svix).toEqual({ tokens: ['sk'], endpointsPerApp: 50, whitelabelHeaders: true })
	const bad = loadConfigText('svix:\n  tokens: [""]\n  endpointsPerApp: 0\n  extra: 1\nflows:\n  - { id: main, ingestTokens: [t] }\n', 'c.yaml', {})
	expect('errors' in bad && bad.errors.join('\n')).toMatch(/c\.yaml:2:\d+ svix\.tokens\[0\]/)
	expect('errors' in bad && bad.errors.join('\n')).toMatch(/svix\.endpointsPerApp/)
	expect('errors' in bad && bad.errors.join('\n')).toMatch(/svix/)
})
