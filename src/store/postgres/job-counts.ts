// Jobs per flow, endpoint and status for the admin flows list, without
// counting the deliveries table (about 200 ms at a million jobs).
//
// Statement triggers on deliveries add each statement's net change to the
// row of the backend that ran it (slot = pg_backend_pid()): one upsert per
// statement however many jobs it moves, and no two transactions ever update
// one row, so the counts cost ingest and delivery no lock waits and no
// deadlocks, with any number of instances. A count is the sum over slots,
// read in one statement, so it is exactly what COUNT(*) would say at the same
// snapshot. Reading folds the slots into slot 0 first, so the table stays at
// about a row per group and live backend.
//
// Installed at start under the migration lock rather than in the drizzle
// migration, which is regenerated from the schema: the first start with them
// counts once, with writers held off.
import type { DeliveryStatus } from '../../domain'
import { num, type Q } from './rows'

const ADD = (rows: string) => `INSERT INTO job_counts AS c (flow, endpoint, status, slot, count)
		SELECT flow, endpoint, status, pg_backend_pid(), SUM(n) FROM (${rows}) moved
		GROUP BY flow, endpoint, status HAVING SUM(n) <> 0
		ON CONFLICT (flow, endpoint, status, slot) DO UPDATE SET count = c.count + EXCLUDED.count`

const fn = (name: string, body: string) => `CREATE OR REPLACE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	${body};
	RETURN NULL;
END $$`

const FUNCTIONS = [
	fn('hookgate_job_counts_inserted', ADD('SELECT flow, endpoint, status, 1 AS n FROM job_counts_new')),
	// most updates (leases, schedules) move no job between groups: they add nothing
	fn('hookgate_job_counts_updated', ADD(`SELECT flow, endpoint, status, 1 AS n FROM job_counts_new
		UNION ALL SELECT flow, endpoint, status, -1 FROM job_counts_old`)),
	fn('hookgate_job_counts_deleted', ADD('SELECT flow, endpoint, status, -1 AS n FROM job_counts_old')),
	fn('hookgate_job_counts_truncated', 'DELETE FROM job_counts'),
]

// transition tables need one trigger per event (and no column list)
const TRIGGERS: Array<[string, string]> = [
	['job_counts_insert', 'AFTER INSERT ON deliveries REFERENCING NEW TABLE AS job_counts_new FOR EACH STATEMENT EXECUTE FUNCTION hookgate_job_counts_inserted()'],
	['job_counts_update', 'AFTER UPDATE ON deliveries REFERENCING OLD TABLE AS job_counts_old NEW TABLE AS job_counts_new FOR EACH STATEMENT EXECUTE FUNCTION hookgate_job_counts_updated()'],
	['job_counts_delete', 'AFTER DELETE ON deliveries REFERENCING OLD TABLE AS job_counts_old FOR EACH STATEMENT EXECUTE FUNCTION hookgate_job_counts_deleted()'],
	['job_counts_truncate', 'AFTER TRUNCATE ON deliveries FOR EACH STATEMENT EXECUTE FUNCTION hookgate_job_counts_truncated()'],
]

/** Any fixed number: one instance folds the slots at a time. */
const COMPACT_LOCK = 0x636f756e // "coun"

/** Once per start, under the migration lock: the functions replaced, the triggers made (and the counts taken) if missing. */
export async function installJobCounts(sql: Q) {
	await sql.begin(async (tx) => {
		for (const f of FUNCTIONS) await tx.unsafe(f)
		const [{ n }] = await tx`SELECT COUNT(*)::int AS n FROM pg_trigger WHERE tgrelid = 'deliveries'::regclass AND tgname LIKE 'job_counts_%'`
		if (n === TRIGGERS.length) return
		await tx`LOCK TABLE deliveries IN SHARE ROW EXCLUSIVE MODE`
		for (const [name, def] of TRIGGERS) {
			await tx.unsafe(`DROP TRIGGER IF EXISTS ${name} ON deliveries`)
			await tx.unsafe(`CREATE TRIGGER ${name} ${def}`)
		}
		await tx`DELETE FROM job_counts`
		await tx`INSERT INTO job_counts (flow, endpoint, status, slot, count)
			SELECT flow, endpoint, status, 0, COUNT(*) FROM deliveries GROUP BY flow, endpoint, status`
	})
}

/**
 * Folds every backend's rows into slot 0 and drops empty groups. Never waits:
 * rows a transaction is writing (SKIP LOCKED) and a fold under way elsewhere
 * (the advisory lock) are left for the next time, so it cannot deadlock with
 * the triggers.
 */
export async function compactJobCounts(sql: Q) {
	await sql.begin(async (tx) => {
		const [{ locked }] = await tx`SELECT pg_try_advisory_xact_lock(${COMPACT_LOCK}) AS locked`
		if (!locked) return
		await tx`WITH moved AS (
				DELETE FROM job_counts j USING (SELECT flow, endpoint, status, slot FROM job_counts WHERE slot <> 0 FOR UPDATE SKIP LOCKED) s
				WHERE j.flow = s.flow AND j.endpoint = s.endpoint AND j.status = s.status AND j.slot = s.slot
				RETURNING j.flow, j.endpoint, j.status, j.count)
			INSERT INTO job_counts AS c (flow, endpoint, status, slot, count)
			SELECT flow, endpoint, status, 0, SUM(count) FROM moved GROUP BY flow, endpoint, status
			ON CONFLICT (flow, endpoint, status, slot) DO UPDATE SET count = c.count + EXCLUDED.count`
		await tx`DELETE FROM job_counts WHERE slot = 0 AND count = 0`
	})
}

export async function jobCounts(sql: Q, flow: string | null): Promise<Array<{ flow: string; endpoint: string; status: DeliveryStatus; count: number }>> {
	// only keeps the table small: the sum below is right either way, so a fold that fails (a read-only standby) is no error
	try { await compactJobCounts(sql) } catch {}
	const rows = await sql`SELECT flow, endpoint, status, SUM(count) AS count FROM job_counts
		WHERE (${flow}::text IS NULL OR flow = ${flow}) GROUP BY flow, endpoint, status HAVING SUM(count) > 0 ORDER BY flow, endpoint, status`
	return [...rows].map((r) => ({ flow: r.flow, endpoint: r.endpoint, status: r.status, count: num(r.count) }))
}
