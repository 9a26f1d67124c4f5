import { randomUUID } from 'node:crypto';
import type { Queryable } from '../db/connect.js';
import type { Step, Sub } from './steps.js';

/** SQL of subscriptions and of the ARR history they write. */

export type SubscriptionSource = 'api' | 'import' | 'demo';
export type SubscriptionRow = Sub & {
  id: string; accountId: string; externalId: string | null; source: SubscriptionSource; importId: string | null; createdAt: string; updatedAt: string;
};
export type SubscriptionInput = { accountId: string; externalId?: string | null | undefined; plan: string; seats?: number | null | undefined; arr: number; startsOn: string; endsOn?: string | null | undefined };

const ts = (c: string) => `to_char(${c} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
export const SUB_COLUMNS = `s.id, s.account_id, s.external_id, s.plan, s.seats, s.arr::float8 AS arr, s.starts_on::text AS starts_on, s.ends_on::text AS ends_on,
  s.source, s.import_id, ${ts('s.created_at')} AS created_at, ${ts('s.updated_at')} AS updated_at`;

type Raw = {
  id: string; account_id: string; external_id: string | null; plan: string; seats: number | null; arr: number; starts_on: string; ends_on: string | null;
  source: SubscriptionSource; import_id: string | null; created_at: string; updated_at: string;
};
export const toSub = (r: Raw): SubscriptionRow => ({
  id: r.id, accountId: r.account_id, externalId: r.external_id, plan: r.plan, seats: r.seats, arr: r.arr, startsOn: r.starts_on, endsOn: r.ends_on,
  source: r.source, importId: r.import_id, createdAt: r.created_at, updatedAt: r.updated_at,
});

export async function subscriptionsOf(q: Queryable, accountIds: string[]): Promise<SubscriptionRow[]> {
  if (accountIds.length === 0) return [];
  const { rows } = await q.query<Raw>(`SELECT ${SUB_COLUMNS} FROM subscriptions s WHERE s.account_id = ANY($1::uuid[]) ORDER BY s.account_id, s.starts_on, s.id`, [accountIds]);
  return rows.map(toSub);
}

export async function subscriptionById(q: Queryable, id: string, lock = false): Promise<SubscriptionRow | null> {
  const { rows } = await q.query<Raw>(`SELECT ${SUB_COLUMNS} FROM subscriptions s WHERE s.id = $1${lock ? ' FOR UPDATE' : ''}`, [id]);
  return rows[0] ? toSub(rows[0]) : null;
}

/** Inserts many subscriptions at once (one statement); returns their ids in order. */
export async function insertSubscriptions(q: Queryable, subs: SubscriptionInput[], source: 'api' | 'import' | 'demo', importId: string | null = null): Promise<string[]> {
  if (subs.length === 0) return [];
  const ids = subs.map(() => randomUUID());
  await q.query(
    `INSERT INTO subscriptions (id, account_id, external_id, plan, seats, arr, starts_on, ends_on, source, import_id)
     SELECT x.id, x.account_id, x.external_id, x.plan, x.seats, x.arr, x.starts_on, x.ends_on, $2, $3::uuid
       FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, account_id uuid, external_id text, plan text, seats int, arr numeric, starts_on date, ends_on date)`,
    [JSON.stringify(subs.map((s, i) => ({ id: ids[i], account_id: s.accountId, external_id: s.externalId ?? null, plan: s.plan, seats: s.seats ?? null, arr: s.arr, starts_on: s.startsOn, ends_on: s.endsOn ?? null }))), source, importId],
  );
  return ids;
}

/** Updates many subscriptions at once: every field given (id → the new values); `keepExternalId`: a missing external id leaves the stored one. */
export async function updateSubscriptions(q: Queryable, subs: (SubscriptionInput & { id: string })[], keepExternalId = false): Promise<void> {
  if (subs.length === 0) return;
  await q.query(
    `UPDATE subscriptions s SET account_id = x.account_id, external_id = CASE WHEN $2::boolean THEN coalesce(x.external_id, s.external_id) ELSE x.external_id END, plan = x.plan, seats = x.seats, arr = x.arr,
            starts_on = x.starts_on, ends_on = x.ends_on, updated_at = now()
       FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, account_id uuid, external_id text, plan text, seats int, arr numeric, starts_on date, ends_on date)
      WHERE s.id = x.id`,
    [JSON.stringify(subs.map((s) => ({ id: s.id, account_id: s.accountId, external_id: s.externalId ?? null, plan: s.plan, seats: s.seats ?? null, arr: s.arr, starts_on: s.startsOn, ends_on: s.endsOn ?? null }))), keepExternalId],
  );
}

export async function deleteSubscription(q: Queryable, id: string): Promise<void> {
  await q.query('DELETE FROM subscriptions WHERE id = $1', [id]);
}

/** Replaces the ARR history of these accounts by their steps (source 'subscriptions'). */
export async function replaceHistory(q: Queryable, steps: Map<string, Step[]>): Promise<void> {
  const ids = [...steps.keys()];
  if (ids.length === 0) return;
  await q.query('DELETE FROM account_arr_history WHERE account_id = ANY($1::uuid[])', [ids]);
  const rows = [...steps].flatMap(([accountId, list]) => list.map((s) => ({ account_id: accountId, valid_from: s.validFrom, arr: s.arr, seats: s.seats, plan: s.plan })));
  if (rows.length === 0) return;
  await q.query(
    `INSERT INTO account_arr_history (account_id, valid_from, arr, seats, plan, source)
     SELECT x.account_id, x.valid_from, x.arr, x.seats, x.plan, 'subscriptions'
       FROM jsonb_to_recordset($1::jsonb) AS x(account_id uuid, valid_from date, arr numeric, seats int, plan text)`,
    [JSON.stringify(rows)],
  );
}

export type AccountFieldsUpdate = { id: string; arr: number; seats: number | null; renewalDate: string | null; contractStart: string | null };

/** Writes ARR, seats, renewal date and contract start, only where they change (so the trigger records real changes). */
export async function updateAccountFields(q: Queryable, list: AccountFieldsUpdate[]): Promise<string[]> {
  if (list.length === 0) return [];
  const { rows } = await q.query<{ id: string }>(
    `UPDATE accounts a SET arr = x.arr, seats = x.seats, renewal_date = x.renewal_date, contract_start = x.contract_start, updated_at = now()
       FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, arr numeric, seats int, renewal_date date, contract_start date)
      WHERE a.id = x.id
        AND (a.arr, a.seats, a.renewal_date, a.contract_start) IS DISTINCT FROM (x.arr::numeric(14, 2), x.seats, x.renewal_date, x.contract_start)
      RETURNING a.id`,
    [JSON.stringify(list.map((a) => ({ id: a.id, arr: a.arr, seats: a.seats, renewal_date: a.renewalDate, contract_start: a.contractStart })))],
  );
  return rows.map((r) => r.id);
}
