import type { Queryable } from '../../db/connect.js';

/** SQL of the outcomes import kind (src/imports/kinds/outcomes.ts). */

/** Which (account, kind, day) of these are recorded already, as 'account|kind|day'. */
export async function existingOutcomes(q: Queryable, keys: { accountId: string; kind: string; day: string }[]): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  const { rows } = await q.query<{ k: string }>(
    `SELECT o.account_id || '|' || o.kind || '|' || o.occurred_on::text AS k FROM outcomes o
      WHERE (o.account_id, o.kind, o.occurred_on) IN (SELECT * FROM unnest($1::uuid[], $2::text[], $3::date[]))`,
    [keys.map((k) => k.accountId), keys.map((k) => k.kind), keys.map((k) => k.day)]);
  return new Set(rows.map((r) => r.k));
}

/** Inserts one outcome; null when (account, kind, day) is recorded already. */
export async function insertOutcome(q: Queryable, o: {
  accountId: string; kind: string; occurredOn: string; arrBefore?: number; arrAfter?: number; reason?: string; note?: string; createdBy: string | null; source: 'import';
}): Promise<string | null> {
  const { rows } = await q.query<{ id: string }>(
    `INSERT INTO outcomes (account_id, kind, occurred_on, arr_before, arr_after, reason, note, created_by, source)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (account_id, kind, occurred_on) DO NOTHING RETURNING id`,
    [o.accountId, o.kind, o.occurredOn, o.arrBefore ?? null, o.arrAfter ?? null, o.reason ?? null, o.note ?? null, o.createdBy, o.source]);
  return rows[0]?.id ?? null;
}

/**
 * `retained` on `day` for every active account (not churned) that has no outcome in the file
 * (`except`) and no `retained` outcome on that day yet. Returns the accounts marked.
 */
export async function markRetained(q: Queryable, day: string, except: string[], createdBy: string | null): Promise<string[]> {
  const { rows } = await q.query<{ account_id: string }>(
    `INSERT INTO outcomes (account_id, kind, occurred_on, arr_before, arr_after, created_by, source)
     SELECT a.id, 'retained', $1::date, NULL::numeric, NULL::numeric, $3, 'import' FROM accounts a
      WHERE a.stage <> 'churned' AND NOT (a.id = ANY($2::uuid[]))
     ON CONFLICT (account_id, kind, occurred_on) DO NOTHING RETURNING account_id`,
    [day, except, createdBy]);
  return rows.map((r) => r.account_id);
}
