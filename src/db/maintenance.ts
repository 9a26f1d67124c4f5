// Routine VACUUM for the embedded database. PGlite runs PostgreSQL as one session without the
// autovacuum launcher, so nothing there ever removes the dead row versions that every rollup,
// health and queue update leaves behind (the files only grow), refreshes the planner's statistics,
// or marks pages all-visible, which the health measure's index-only scans need (migration 0031).
// A PostgreSQL server has autovacuum for all of it: there this does nothing.
import type { Database } from './connect.js';

export const VACUUM_JOB = 'db.vacuum';

export type VacuumReport = { tables: number; ms: number; slowest: { table: string; ms: number } | null };

/**
 * VACUUM (ANALYZE) of every table on PGlite, one table per statement so that requests waiting for
 * the single session get their turn between tables. Returns null on a PostgreSQL server.
 */
export async function vacuumEmbedded(database: Database): Promise<VacuumReport | null> {
  if (database.kind !== 'pglite') return null;
  const { rows } = await database.query<{ name: string }>(
    `SELECT format('%I.%I', n.nspname, c.relname) AS name
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'm') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'
      ORDER BY 1`,
  );
  const started = performance.now();
  let slowest: VacuumReport['slowest'] = null;
  for (const { name } of rows) {
    const t0 = performance.now();
    await database.query(`VACUUM (ANALYZE) ${name}`);
    const ms = performance.now() - t0;
    if (!slowest || ms > slowest.ms) slowest = { table: name, ms: Math.round(ms) };
  }
  return { tables: rows.length, ms: Math.round(performance.now() - started), slowest };
}
