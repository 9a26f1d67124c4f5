import type { Queryable } from '../db/connect.js';

/**
 * What the book's figures cover, the same on every screen (portfolio header, health dashboard,
 * rule dry run): "accounts" are every account Canopy holds (none are deleted softly); "active"
 * are those not churned; ARR totals are of active accounts, with churned ARR shown apart.
 * SQL over `accounts a`.
 */
export const ACTIVE = `a.stage <> 'churned'`;

export type BookCounts = { accounts: number; active: number; churned: number; activeArr: number; churnedArr: number };

export async function bookCounts(q: Queryable): Promise<BookCounts> {
  const { rows } = await q.query<{ accounts: number; active: number; active_arr: number; churned_arr: number }>(
    `SELECT count(*)::int AS accounts, (count(*) FILTER (WHERE ${ACTIVE}))::int AS active,
            coalesce(sum(a.arr) FILTER (WHERE ${ACTIVE}), 0)::float8 AS active_arr,
            coalesce(sum(a.arr) FILTER (WHERE NOT ${ACTIVE}), 0)::float8 AS churned_arr
       FROM accounts a`,
  );
  const r = rows[0];
  const accounts = r?.accounts ?? 0;
  const active = r?.active ?? 0;
  return { accounts, active, churned: accounts - active, activeArr: r?.active_arr ?? 0, churnedArr: r?.churned_arr ?? 0 };
}
