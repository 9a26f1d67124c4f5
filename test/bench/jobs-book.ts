// Benchmark helper for test/bench/jobs.bench.ts: a book of accounts for the rule engine, written
// set-based (INSERT … SELECT generate_series, the same SQL on PostgreSQL and PGlite), and a bulk
// health change as the health engine writes it (account_health updated, one health_changes row
// per moved account, whose statement trigger marks rule_dirty).
import type { Database } from '../../src/db/connect.js';

export const OWNERS = 50;
const BAND = (s: string) => `CASE WHEN ${s} >= 70 THEN 'good' WHEN ${s} >= 40 THEN 'watch' ELSE 'poor' END`;
/** A stable pseudo-random 0..m-1 per account index (hashint4 exists on both engines). */
const h = (expr: string, salt: number, m: number) => `(abs(hashint4(${expr} + ${salt})) % ${m})`;

/**
 * `n` accounts 'acct-<i>' owned round-robin by OWNERS CSM users, with ARR, stage, segment, seats and
 * renewal varied; account_health scored 45..100; one health move 30 days ago per account (history
 * outside a 7-day window, so facts queries see realistic index sizes). The marks that history
 * leaves in rule_dirty are cleared. Returns the seconds it took.
 */
export async function seedBook(database: Database, n: number): Promise<number> {
  const t0 = Date.now();
  await database.query(`INSERT INTO users (email, name, role) SELECT 'csm' || i || '@bench.test', 'CSM ' || i, 'csm' FROM generate_series(1, ${OWNERS}) i`);
  await database.query(
    `INSERT INTO accounts (name, external_id, owner_id, segment, stage, arr, seats, renewal_date)
     SELECT 'Account ' || i, 'acct-' || i, o.ids[1 + i % ${OWNERS}], (ARRAY['SMB', 'Mid-Market', 'Enterprise'])[1 + ${h('i', 1, 3)}],
            (ARRAY['onboarding', 'adoption', 'renewal'])[1 + ${h('i', 2, 3)}], 1000 + ${h('i', 3, 250_000)}, 5 + ${h('i', 4, 200)},
            current_date + ${h('i', 5, 365)}
       FROM generate_series(1, $1::int) i, (SELECT array_agg(id ORDER BY email) AS ids FROM users WHERE email LIKE '%@bench.test') o`,
    [n],
  );
  await database.query(
    `INSERT INTO account_health (account_id, score, band, state, stage, drivers, computed_at)
     SELECT id, s, ${BAND('s')}, 'scored', stage, '{"items":[]}'::jsonb, now() - interval '1 hour'
       FROM (SELECT id, stage, 45 + ${h("substr(external_id, 6)::int", 6, 56)} AS s FROM accounts WHERE external_id LIKE 'acct-%') x`,
  );
  await database.query(
    `INSERT INTO health_changes (account_id, at, from_score, to_score, from_band, to_band, cause)
     SELECT account_id, now() - interval '30 days', least(100, score + 5), score, band, band, 'bench history' FROM account_health`,
  );
  await database.query('DELETE FROM rule_dirty');
  await database.query('ANALYZE');
  return (Date.now() - t0) / 1000;
}

/**
 * The bulk health change: dropPct % of the accounts lose 10..35 points (the rule fires for them),
 * movePct % more lose 1..9 (marked dirty, evaluated, must not fire). One transaction, as a health
 * refresh commits. Returns the counts.
 */
export async function bulkHealthChange(database: Database, dropPct: number, movePct: number): Promise<{ dropped: number; moved: number }> {
  return database.transaction(async (tx) => {
    await tx.query(
      `CREATE TEMP TABLE bench_moves ON COMMIT DROP AS
       SELECT h.account_id, h.score AS old, h.band AS old_band, h.score - CASE WHEN x.k < ${dropPct} THEN 10 + ${h('x.i', 7, 26)} ELSE 1 + ${h('x.i', 8, 9)} END AS new,
              x.k < ${dropPct} AS dropped, now() - make_interval(mins => ${h('x.i', 9, 4320)}) AS at
         FROM account_health h JOIN accounts a ON a.id = h.account_id,
              LATERAL (SELECT substr(a.external_id, 6)::int AS i, ${h('substr(a.external_id, 6)::int', 10, 100)} AS k) x
        WHERE a.external_id LIKE 'acct-%' AND x.k < ${dropPct + movePct}`,
    );
    await tx.query(`UPDATE account_health h SET score = m.new, band = ${BAND('m.new')}, computed_at = now() FROM bench_moves m WHERE h.account_id = m.account_id`);
    await tx.query(
      `INSERT INTO health_changes (account_id, at, from_score, to_score, from_band, to_band, cause)
       SELECT account_id, at, old, new, old_band, ${BAND('new')}, 'bench' FROM bench_moves`,
    );
    const { rows } = await tx.query<{ dropped: number; moved: number }>(
      'SELECT (count(*) FILTER (WHERE dropped))::int AS dropped, (count(*) FILTER (WHERE NOT dropped))::int AS moved FROM bench_moves',
    );
    return rows[0] ?? { dropped: 0, moved: 0 };
  });
}
