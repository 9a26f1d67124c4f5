import type { Queryable } from '../db/connect.js';

/** One outcome as its CSV row needs it (the fields of GET /api/outcomes). */
export type OutcomeRow = { id: string; account_id: string; account_name: string; kind: string; occurred_on: string; arr_before: number | null; arr_after: number | null; note: string | null; created_at: Date };
export type OutcomeCursor = { occurredOn: string; id: string };

/**
 * A keyset page of outcomes in the order of GET /api/outcomes (occurred_on newest first, then id):
 * the list has no cursor (it stops at 1000), the export reads them all one page at a time.
 */
export async function outcomesPage(db: Queryable, accountId: string | undefined, after: OutcomeCursor | undefined, limit: number): Promise<OutcomeRow[]> {
  const { rows } = await db.query<OutcomeRow>(
    `SELECT o.id, o.account_id, a.name AS account_name, o.kind, o.occurred_on::text AS occurred_on, o.arr_before::float8 AS arr_before,
            o.arr_after::float8 AS arr_after, o.note, o.created_at
       FROM outcomes o JOIN accounts a ON a.id = o.account_id
      WHERE ($1::uuid IS NULL OR o.account_id = $1)
        AND ($2::date IS NULL OR o.occurred_on < $2::date OR (o.occurred_on = $2::date AND o.id > $3::uuid))
      ORDER BY o.occurred_on DESC, o.id LIMIT $4`,
    [accountId ?? null, after?.occurredOn ?? null, after?.id ?? null, limit],
  );
  return rows;
}
