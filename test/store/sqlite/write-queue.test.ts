import { Database } from 'bun:sqlite'
import { afterAll, expect, test } from 'bun:test'
import { join } from 'node:path'
import { SqliteStore } from '../../../src/store/sqlite/store'
import { WriteQueue } from '../../../src/store/sqlite/write-queue'
import type { NewEvent } from '../../../src/store/types'
import { tempDir } from '../../support/gateway'
import { mountSmallDisk } from '../../support/small-disk'

const event = (id: string, data: unknown = {}): NewEvent => ({ id, type: 't', sessionId: null, occurredAt: null, success: true, data: data as Record<string, unknown> })

test('an operation that throws inside a grouped transaction fails alone; the rest of the group is committed', async () => {
	const client = new Database(':memory:')
	client.exec('CREATE TABLE t (v TEXT)')
	const queue = new WriteQueue(client)
	const insert = (v: string) => () => { client.run('INSERT INTO t VALUES (?)', [v]) }
	// all queued in one tick: one group; the bad one has written a row before it throws
	const results = await Promise.allSettled([
		queue.run(insert('a')),
		queue.run(() => { insert('half-written')(); throw new RangeError('Maximum call stack size exceeded') }),
		queue.run(insert('b')),
		queue.run(() => { throw new TypeError('a bug') }),
		queue.run(insert('c')),
	])
	expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'rejected', 'fulfilled'])
	expect((results[1] as PromiseRejectedResult).reason).toBeInstanceOf(RangeError)
	expect((results[3] as PromiseRejectedResult).reason).toBeInstanceOf(TypeError)
	expect(client.prepare('SELECT v FROM t ORDER BY v').all()).toEqual([{ v: 'a' }, { v: 'b' }, { v: 'c' }])
	expect(client.inTransaction).toBe(false)
})

test('many throwing operations in one group cost at most two runs of each good one, and leave no writes of their own', async () => {
	const client = new Database(':memory:')
	client.exec('CREATE TABLE t (v INTEGER)')
	const queue = new WriteQueue(client)
	const runs = new Map<number, number>()
	const sends: Array<Promise<unknown>> = []
	for (let i = 0; i < 300; i++) {
		sends.push(queue.run(() => {
			runs.set(i, (runs.get(i) ?? 0) + 1)
			client.run('INSERT INTO t VALUES (?)', [i])
			if (i % 10 === 3) throw new RangeError(`bad ${i}`)
		}))
	}
	const results = await Promise.allSettled(sends)
	const bad = results.flatMap((r, i) => r.status === 'rejected' ? [i] : [])
	expect(bad).toEqual(Array.from({ length: 30 }, (_, k) => k * 10 + 3))
	expect(Math.max(...[...runs.entries()].filter(([i]) => i % 10 !== 3).map(([, n]) => n))).toBeLessThanOrEqual(2)
	const stored = (client.prepare('SELECT v FROM t ORDER BY v').all() as Array<{ v: number }>).map((r) => r.v)
	expect(stored).toEqual(Array.from({ length: 300 }, (_, i) => i).filter((i) => i % 10 !== 3))
})

const store = new SqliteStore({ path: join(tempDir(), 'group.db'), synchronous: 'normal', maxSizeBytes: 0 })
afterAll(() => store.close())

test('an event JSON.stringify throws a RangeError on fails its own ingest only; events grouped with it are stored', async () => {
	// what 12,000 levels of nesting do, without the seconds a real overflow takes on a loaded machine
	const deep = { inner: { toJSON() { throw new RangeError('Maximum call stack size exceeded') } } }
	const sends = [
		store.ingest('f', [{ event: event('good-1'), endpoints: ['a'] }], 1),
		store.ingest('f', [{ event: event('deep', deep), endpoints: ['a'] }], 1),
		store.ingest('f', [{ event: event('good-2'), endpoints: ['a'] }, { event: event('good-3'), endpoints: [] }], 1),
		store.claim('f', 'a', 10, 1, 1000),
	]
	const results = await Promise.allSettled(sends)
	expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled'])
	expect((results[1] as PromiseRejectedResult).reason).toBeInstanceOf(RangeError)
	expect(store.client.prepare('SELECT id FROM events ORDER BY id').all()).toEqual([{ id: 'good-1' }, { id: 'good-2' }, { id: 'good-3' }])
	expect(store.client.prepare('SELECT COUNT(*) AS n FROM deliveries').get()).toEqual({ n: 2 })
	// the queue goes on taking writes
	expect((await store.ingest('f', [{ event: event('after'), endpoints: [] }], 2)).ok).toBe(true)
})

test('a failed COMMIT answers with its own error, not the ROLLBACK\'s "no transaction is active"', async () => {
	const disk = mountSmallDisk(1 << 20)
	const dir = disk?.dir ?? tempDir()
	const client = new Database(join(dir, 'commit.db'), { create: true })
	client.exec('PRAGMA journal_mode = WAL')
	client.exec('PRAGMA foreign_keys = ON')
	client.exec('CREATE TABLE p (id INTEGER PRIMARY KEY); CREATE TABLE c (p INTEGER REFERENCES p (id) DEFERRABLE INITIALLY DEFERRED, v TEXT)')
	const queue = new WriteQueue(client)
	let seen: unknown = null
	queue.onFlush = (err) => { if (err) seen = err }
	try {
		let failure: Error
		if (disk) {
			// a full disk: SQLite fails the COMMIT and has already rolled back
			disk.fill()
			failure = await queue.run(() => { client.run('INSERT INTO c VALUES (NULL, ?)', ['x'.repeat(200_000)]) }).then(() => { throw new Error('committed on a full disk') }, (e) => e)
			expect(failure.message).toBe('database or disk is full')
		} else {
			console.log('failed COMMIT: mount not allowed here, so a deferred foreign key fails the COMMIT instead')
			failure = await queue.run(() => { client.run('INSERT INTO c VALUES (42, ?)', ['x']) }).then(() => { throw new Error('committed') }, (e) => e)
			expect(failure.message).toBe('FOREIGN KEY constraint failed')
		}
		expect(failure.message).not.toContain('no transaction is active')
		expect(seen).toBe(failure)
		expect(client.inTransaction).toBe(false)
		disk?.free()
		await queue.run(() => { client.run('INSERT INTO c VALUES (NULL, ?)', ['small']) })
		expect(client.prepare('SELECT v FROM c').all()).toEqual([{ v: 'small' }])
	} finally {
		client.close()
		disk?.unmount()
	}
})

test('a closed queue refuses what waited and what comes later, and never touches the closed database', async () => {
	const client = new Database(':memory:')
	client.exec('CREATE TABLE t (v INTEGER)')
	const q = new WriteQueue(client)
	const waiting = q.run(() => client.prepare('INSERT INTO t VALUES (1)').run())
	q.close()
	client.close()
	await expect(waiting).rejects.toThrow('the store is closed')
	await expect(q.run(() => 1)).rejects.toThrow('the store is closed')
	// the flush that was scheduled before the close runs now and must find nothing to do
	await Bun.sleep(10)
})
