import { expect, test } from 'bun:test'
import { join } from 'node:path'
import { tempDir } from './support/gateway'
import { ROOT, writeConfig } from './support/process'

const run = (args: string[], env: Record<string, string> = {}) => Bun.spawnSync(['bun', 'src/main.ts', ...args], {
	cwd: ROOT, env: { PATH: `${ROOT}/node_modules/.bin:${process.env.PATH}`, ...env },
})

test('serve refuses a bad file with the check-config lines on stderr, exit 1, nothing opened', () => {
	const dir = tempDir('hookgate-cli-')
	const cfg = writeConfig(dir, `storage:\n  sqlite: ${dir}/db/hookgate.db\nflows:\n  - id: main\n    ingestTokens: [t]\n    endpoints:\n      - { id: a, url: "ftp://x", signing: { scheme: none } }\n`)
	const r = run(['serve', '--config', cfg])
	expect(r.exitCode).toBe(1)
	expect(r.stderr.toString()).toContain(`${cfg}:7:23 flows[0].endpoints[0].url:`)
	expect(Bun.spawnSync(['test', '-e', join(dir, 'db')]).exitCode).not.toBe(0)
})

test('check-config prints ok for the example file, and the config path can come from HOOKGATE_CONFIG', () => {
	const r = run(['check-config', 'config.example.yaml'])
	expect(r.stdout.toString().trim()).toBe('ok')
	expect(r.exitCode).toBe(0)
	const missing = run(['serve'], { HOOKGATE_CONFIG: '/nonexistent/hookgate.yaml' })
	expect(missing.exitCode).toBe(1)
	expect(missing.stderr.toString()).toContain('/nonexistent/hookgate.yaml: cannot read the file')
})

test('an unknown command prints the usage and exits 2', () => {
	const r = run(['frobnicate'])
	expect(r.exitCode).toBe(2)
	expect(r.stderr.toString()).toContain('usage:')
})

test('serve on a storage.postgres it cannot reach exits 1 with one line naming the database, not its password', () => {
	const dir = tempDir('hookgate-cli-')
	const cfg = writeConfig(dir, 'storage:\n  postgres: { url: "postgres://postgres:s3cret@127.0.0.1:1/hookgate" }\nflows:\n  - id: main\n    ingestTokens: [t]\n')
	const r = run(['serve', '--config', cfg])
	expect(r.exitCode).toBe(1)
	const err = r.stderr.toString()
	expect(err).toContain('hookgate: cannot open storage.postgres at postgres://127.0.0.1:1/hookgate:')
	expect(err).not.toContain('s3cret')
})
