import type { Queryable } from '../db/connect.js';

/** SQL of retention analytics: the accounts' ARR step functions (account_arr_history) with what the policy needs. */

export type AccountHistory = { id: string; ownerId: string | null; teamId: string | null; steps: { validFrom: string; arr: number }[] };

/**
 * Every account that has ARR history, with its steps before `to`: for retention, only the last step
 * before `from` and the steps in [from, to) matter (`from` given); for cohorts every step (`from` null),
 * since the first ARR decides the cohort.
 */
export async function arrHistories(q: Queryable, from: string | null, to: string): Promise<AccountHistory[]> {
  const { rows } = await q.query<{ id: string; owner_id: string | null; team_id: string | null; days: string[]; arrs: number[] }>(
    `SELECT a.id, a.owner_id, a.team_id, array_agg(h.valid_from::text ORDER BY h.valid_from) AS days, array_agg(h.arr::float8 ORDER BY h.valid_from) AS arrs
       FROM account_arr_history h
       JOIN accounts a ON a.id = h.account_id
      WHERE h.valid_from < $2::date
        AND ($1::date IS NULL OR h.valid_from >= coalesce(
              (SELECT max(p.valid_from) FROM account_arr_history p WHERE p.account_id = h.account_id AND p.valid_from < $1::date), '-infinity'::date))
      GROUP BY a.id, a.owner_id, a.team_id`,
    [from, to],
  );
  return rows.map((r) => ({ id: r.id, ownerId: r.owner_id, teamId: r.team_id, steps: r.days.map((d, i) => ({ validFrom: d, arr: r.arrs[i] ?? 0 })) }));
}
