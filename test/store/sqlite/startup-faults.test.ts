// Start-up faults of the store, run through the CLI as a child process: one
// line on stderr naming the file and what to do, exit 1; damage found later
// shows on /readyz and in the admin API's 5xx body.
import { afterAll, expect, test } from 'bun:test'
import { Database } from 'bun:sqlite'
import { chmodSync, copyFileSync, openSync, rmSync, writeFileSync, writeSync, closeSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { SqliteStore } from '../../../src/store/sqlite/store'
import { spawnGateway } from '../../ops/child'
import { ADMIN_TOKEN, configYaml, INGEST_TOKEN, tempDir } from '../../support/gateway'
import { ROOT } from '../../support/process'
import { mountSmallDisk, sayMode } from '../../support/small-disk'

const dirs: string[] = []
const mounts: string[] = []
afterAll(() => {
	for (const m of mounts) Bun.spawnSync(['umount', '-l', m])
	for (const d of dirs) rmSync(d, { recursive: true, force: true })
}, 20_000)

function folder(): string {
	const dir = tempDir('hookgate-fault-')
	dirs.push(dir)
	return dir
}

const yaml = (db: string) => configYaml(`  - id: shop
    ingestTokens: [${INGEST_TOKEN}]
    endpoints: []
`).replace('{{DIR}}/hookgate.db', db)

function serve(configDir: string, db: string) {
	const cfg = join(configDir, 'config.yaml')
	writeFileSync(cfg, yaml(db))
	const r = Bun.spawnSync([process.execPath, 'src/main.ts', 'serve', '--config', cfg], {
		cwd: ROOT, stdout: 'pipe', stderr: 'pipe', timeout: 15_000,
		env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp' },
	})
	const stderr = r.stderr.toString().trim()
	return { code: r.exitCode, stderr, lines: stderr.split('\n').filter(Boolean) }
}

/** A database with 200 events, closed (its WAL folded into the file). */
async function populated(db: string) {
	const store = new SqliteStore({ path: db, synchronous: 'normal', maxSizeBytes: 0 })
	for (let i = 0; i < 200; i++) {
		await store.ingest('shop', [{ event: { id: `e${i}`, type: 't', sessionId: null, occurredAt: null, success: true, data: { pad: 'x'.repeat(2000) } }, endpoints: [] }], Date.now())
	}
	const pages = store.client.prepare("SELECT pageno FROM dbstat WHERE name = 'events' AND pagetype = 'leaf'").all() as Array<{ pageno: number }>
	const pageSize = (store.client.prepare('PRAGMA page_size').get() as { page_size: number }).page_size
	await store.close()
	return { pages: pages.map((p) => p.pageno), pageSize }
}

function scribble(file: string, offset: number, bytes: number) {
	const fd = openSync(file, 'r+')
	writeSync(fd, Buffer.alloc(bytes, 0xa5), 0, bytes, offset)
	closeSync(fd)
}

test('a file that is not a database: one line naming it and what to do, exit 1', () => {
	const dir = folder()
	const db = join(dir, 'hookgate.db')
	writeFileSync(db, 'these are my notes, not a database\n'.repeat(200))
	const r = serve(dir, db)
	expect(r.code).toBe(1)
	expect(r.lines).toEqual([`hookgate: ${db} is not a SQLite database (file is not a database): point storage.sqlite at another path or restore the file from a backup`])
}, 20_000)

test('a damaged lock file is named as damaged, with what to do, not as held by another hookgate', () => {
	const dir = folder()
	const db = join(dir, 'hookgate.db')
	writeFileSync(`${db}.lock`, 'garbage'.repeat(1000))
	const r = serve(dir, db)
	expect(r.code).toBe(1)
	expect(r.lines).toEqual([`hookgate: the lock file ${db}.lock is damaged (file is not a database): delete it (hookgate makes a new one) and start again`])
}, 20_000)

test('a database whose schema page is damaged: one line saying so and what to do, exit 1', async () => {
	const dir = folder()
	const db = join(dir, 'hookgate.db')
	await populated(db)
	// page 1 after the 100-byte file header: the b-tree of the schema itself
	scribble(db, 100, 200)
	const r = serve(dir, db)
	expect(r.code).toBe(1)
	expect(r.lines.length).toBe(1)
	expect(r.lines[0]).toStartWith(`hookgate: the database ${db} is damaged (`)
	expect(r.lines[0]).toEndWith('): restore it from a backup, or recover it with sqlite3 ".recover" into a new file')
}, 20_000)

test('a read-only data folder: one line naming the file and the folder, exit 1', async () => {
	const dir = folder()
	const data = join(dir, 'data')
	let db = join(data, 'hookgate.db')
	let how: string
	const mounted = !process.env.HOOKGATE_TEST_NO_MOUNT && Bun.spawnSync(['mkdir', '-p', data]).exitCode === 0
		&& Bun.spawnSync(['mount', '-t', 'tmpfs', '-o', 'size=16m', 'tmpfs', data]).exitCode === 0
	if (mounted) {
		mounts.push(data)
		// a database that worked, then its file system went read-only (built
		// beside it: a closed bun:sqlite handle keeps its files open until GC)
		const elsewhere = join(dir, 'built.db')
		await populated(elsewhere)
		copyFileSync(elsewhere, db)
		expect(Bun.spawnSync(['mount', '-o', 'remount,ro', data]).exitCode).toBe(0)
		how = 'a tmpfs remounted read-only'
	} else if (process.getuid?.() !== 0) {
		await populated(db)
		chmodSync(data, 0o555)
		how = 'a folder without write permission'
	} else {
		// root without mount: no folder is read-only to root; a folder that cannot be made stands in
		writeFileSync(join(dir, 'blocked'), '')
		db = join(dir, 'blocked', 'data', 'hookgate.db')
		how = 'root cannot mount here, so a data folder that cannot be created stands in'
	}
	console.log(`read-only data folder: ${how}`)
	const r = serve(dir, db)
	if (!mounted && process.getuid?.() !== 0) chmodSync(data, 0o755)
	expect(r.code).toBe(1)
	expect(r.lines.length).toBe(1)
	expect(r.lines[0]).toStartWith(`hookgate: cannot write ${db}`)
	expect(r.lines[0]).toContain(' must be writable by hookgate (check its permissions and that it is not mounted read-only), or point storage.sqlite elsewhere')
	expect(r.lines[0]).toContain(dirname(db))
}, 20_000)

test('damaged pages found after start: /readyz answers 503 and the admin API\'s 500 body says the database is damaged', async () => {
	const dir = folder()
	const db = join(dir, 'hookgate.db')
	const { pages, pageSize } = await populated(db)
	expect(pages.length).toBeGreaterThan(10)
	for (const p of pages) scribble(db, (p - 1) * pageSize, 64)
	const cfg = join(dir, 'config.yaml')
	writeFileSync(cfg, yaml(db))
	const gw = await spawnGateway(cfg)
	try {
		expect((await fetch(`${gw.url}/readyz`)).status).toBe(200)
		const res = await fetch(`${gw.url}/admin/v1/events`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })
		expect(res.status).toBe(500)
		const body = (await res.json()) as { error: { code: string; message: string } }
		expect(body.error.code).toBe('internal')
		expect(body.error.message).toStartWith(`the database ${db} is damaged (database disk image is malformed): stop hookgate and restore it from a backup`)
		const ready = await fetch(`${gw.url}/readyz`)
		expect(ready.status).toBe(503)
		expect(((await ready.json()) as { reason: string }).reason).toBe(body.error.message)
		// and ingest is refused with the same words rather than writing into a damaged file
		const ingest = await fetch(`${gw.url}/v1/flows/shop/events`, {
			method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${INGEST_TOKEN}` }, body: JSON.stringify({ type: 't' }),
		})
		expect(ingest.status).toBe(503)
		gw.signal('SIGTERM')
		expect(await gw.exited).toBe(0)
	} finally {
		gw.proc.kill('SIGKILL')
	}
}, 20_000)

test('a full disk at start: one line naming the file and what to do, exit 1 (or, without a small disk, the size cap, with which hookgate starts and /readyz says why)', async () => {
	const disk = mountSmallDisk(4 << 20)
	sayMode('full disk at start', disk)
	if (disk) {
		mounts.push(disk.dir)
		const db = join(disk.dir, 'hookgate.db')
		const elsewhere = join(folder(), 'built.db')
		await populated(elsewhere)
		copyFileSync(elsewhere, db)
		disk.fill()
		const r = serve(folder(), db)
		expect(r.code).toBe(1)
		expect(r.lines.length).toBe(1)
		expect(r.lines[0]).toMatch(new RegExp(`^hookgate: cannot write ${db}(\\.lock)?: the disk is full \\(.*\\); free space in ${disk.dir} and start again$`))
		return
	}
	const dir = folder()
	const db = join(dir, 'hookgate.db')
	await populated(db)
	const cfg = join(dir, 'config.yaml')
	writeFileSync(cfg, yaml(db).replace(`  sqlite: ${db}`, `  sqlite: ${db}\n  maxSize: 256KB`))
	const gw = await spawnGateway(cfg)
	try {
		const ready = await fetch(`${gw.url}/readyz`)
		expect(ready.status).toBe(503)
		expect(((await ready.json()) as { reason: string }).reason).toBe('the store is past 95% of storage.maxSize')
		gw.signal('SIGTERM')
		expect(await gw.exited).toBe(0)
	} finally {
		gw.proc.kill('SIGKILL')
	}
}, 20_000)
