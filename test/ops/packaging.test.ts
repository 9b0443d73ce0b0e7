import { afterAll, beforeAll, expect, test } from 'bun:test'
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { tempDir } from '../support/gateway'

const ROOT = resolve(import.meta.dir, '../..')
const UNIT = join(ROOT, 'packaging/systemd/hookgate.service')

function run(cmd: string[], opts: { cwd?: string; env?: Record<string, string> } = {}) {
	// under `make test`, the parent make's variables would make the nested one
	// print "Entering directory" lines and jobserver warnings
	const { MAKEFLAGS, MFLAGS, MAKELEVEL, ...env } = process.env
	const r = Bun.spawnSync(cmd, { cwd: opts.cwd ?? ROOT, env: { ...env, ...opts.env }, stdout: 'pipe', stderr: 'pipe' })
	return { code: r.exitCode, out: r.stdout.toString(), err: r.stderr.toString() }
}

const which = (name: string) => run(['sh', '-c', `command -v ${name}`]).code === 0

// `make test` builds first; a lone run of this file builds here when needed.
beforeAll(() => {
	if (!existsSync(join(ROOT, 'dist/hookgate'))) {
		const r = run(['make', 'build'])
		if (r.code !== 0) throw new Error(`make build failed:\n${r.out}\n${r.err}`)
	}
}, 600_000)

const dirs: string[] = []
afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }) })
const scratch = () => { const d = tempDir('hookgate-pkg-'); dirs.push(d); return d }

// `-o dist/hookgate`: install what is built, never rebuild from inside a test
const install = (destdir: string, ...vars: string[]) => run(['make', '-o', 'dist/hookgate', 'install', `DESTDIR=${destdir}`, ...vars])

test('make install DESTDIR=... puts the binary, the unit and the example config in place', () => {
	const dest = scratch()
	const r = install(dest)
	expect(r.err).toBe('')
	expect(r.code).toBe(0)
	const bin = join(dest, 'usr/local/bin/hookgate')
	expect(statSync(bin).mode & 0o777).toBe(0o755)
	expect(statSync(bin).size).toBe(statSync(join(ROOT, 'dist/hookgate')).size)
	expect(readFileSync(join(dest, 'etc/systemd/system/hookgate.service'), 'utf8')).toBe(readFileSync(UNIT, 'utf8'))
	const config = join(dest, 'etc/hookgate/config.yaml')
	expect(readFileSync(config, 'utf8')).toBe(readFileSync(join(ROOT, 'packaging/config.yaml'), 'utf8'))
	expect(statSync(config).mode & 0o077).toBe(0o040)

	// the installed binary runs and accepts the installed config once the env file's variables are set
	const check = run([bin, 'check-config', config], { env: { HOOKGATE_ADMIN_TOKEN: 'a', EXAMPLE_INGEST_TOKEN: 'b', EXAMPLE_RECEIVER_SECRET: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' } })
	expect(check.out.trim()).toBe('ok')
	expect(readFileSync(config, 'utf8')).toContain('sqlite: /var/lib/hookgate/hookgate.db')

	// a second install keeps the operator's config
	writeFileSync(config, '# mine\n')
	const again = install(dest)
	expect(again.code).toBe(0)
	expect(again.out).toContain('kept')
	expect(readFileSync(config, 'utf8')).toBe('# mine\n')
}, 120_000)

test('make install honours PREFIX in the binary path and in the unit it installs', () => {
	const dest = scratch()
	const r = install(dest, 'PREFIX=/opt/hookgate', 'UNITDIR=/lib/systemd/system')
	expect(r.code).toBe(0)
	expect(existsSync(join(dest, 'opt/hookgate/bin/hookgate'))).toBe(true)
	const unit = readFileSync(join(dest, 'lib/systemd/system/hookgate.service'), 'utf8')
	expect(unit).toContain('ExecStart=/opt/hookgate/bin/hookgate serve --config /etc/hookgate/config.yaml')
	expect(unit).not.toContain('/usr/local/bin')
}, 120_000)

test('systemd-analyze verify passes on the unit', () => {
	if (!which('systemd-analyze')) {
		// CI runs as root on Debian; the systemd package brings systemd-analyze
		let r = run(['apt-get', 'install', '-y', '--no-install-recommends', 'systemd'], { env: { DEBIAN_FRONTEND: 'noninteractive' } })
		if (r.code !== 0) {
			run(['apt-get', 'update'])
			r = run(['apt-get', 'install', '-y', '--no-install-recommends', 'systemd'], { env: { DEBIAN_FRONTEND: 'noninteractive' } })
		}
		expect(r.code).toBe(0)
	}
	// verify insists that ExecStart's binary exists. Rather than a fake root
	// (--root= then wants sysinit.target and /bin/kill inside it too), check a
	// copy of the unit whose ExecStart points at a copy of the built binary; every
	// other line is the file as shipped.
	const dir = scratch()
	mkdirSync(join(dir, 'bin'))
	const bin = join(dir, 'bin/hookgate')
	writeFileSync(bin, readFileSync(join(ROOT, 'dist/hookgate')), { mode: 0o755 })
	const shipped = readFileSync(UNIT, 'utf8')
	expect(shipped).toContain('ExecStart=/usr/local/bin/hookgate serve --config /etc/hookgate/config.yaml')
	const unit = join(dir, 'hookgate.service')
	writeFileSync(unit, shipped.replace('/usr/local/bin/hookgate', bin))
	const r = run(['systemd-analyze', 'verify', '--man=no', unit])
	// verify exits 0 even for an unknown key; it says so on stderr
	expect(r.err).toBe('')
	expect(r.code).toBe(0)
}, 600_000)

test('the unit runs as a dedicated user with a state directory and the hardening that suits a JIT runtime', () => {
	const unit = readFileSync(UNIT, 'utf8')
	const set = (key: string) => unit.split('\n').filter((l) => l.startsWith(`${key}=`)).map((l) => l.slice(key.length + 1))
	expect(set('Type')).toEqual(['simple'])
	expect(set('User')).toEqual(['hookgate'])
	expect(set('StateDirectory')).toEqual(['hookgate'])
	expect(set('EnvironmentFile')).toEqual(['-/etc/hookgate/env'])
	expect(set('Restart')).toEqual(['on-failure'])
	expect(set('ExecReload')).toEqual(['/bin/kill -HUP $MAINPID'])
	expect(set('UMask')).toEqual(['0077'])
	for (const k of ['NoNewPrivileges', 'ProtectHome', 'PrivateTmp']) expect(set(k)).toEqual(['yes'])
	expect(set('ProtectSystem')).toEqual(['strict'])
	expect(set('RestrictAddressFamilies')).toEqual(['AF_INET AF_INET6 AF_UNIX'])
	expect(set('MemoryMax').length).toBe(1)
	// Bun's JIT needs writable-then-executable memory
	expect(set('MemoryDenyWriteExecute')).toEqual([])
	expect(unit).toMatch(/#.*NOT MemoryDenyWriteExecute/)
})
