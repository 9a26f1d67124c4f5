import type { Ownable } from '../auth/policy.js';
import type { Queryable } from '../db/connect.js';
import { decodeCursor, encodeCursor } from '../http/cursor.js';
import { z } from 'zod';
import { accountCapacity, type Capacity } from './index.js';
import { LOW_CONFIDENCE_DAYS, NO_CONFIDENCE_DELTA, SUSTAIN_DAYS, SUSTAIN_DELTA, SUSTAIN_MAX_TEXTS, periodOf, type PeriodRange } from './ledger.js';
import { readCapacitySettings } from './settings.js';

/**
 * The accounts over or near their capacity this period (GET /api/capacity/accounts).
 *
 * - over: less than nothing left (left < 0), or nothing left with an ask confirmed as an overload;
 * - near: otherwise at most NEAR_LEFT spoons left.
 *
 * Only candidates are computed (each through `accountCapacity`, the same figures as the account's
 * own capacity card), so the list stays cheap: the accounts with an ask costing something this
 * period, those whose capacity is set at most NEAR_LEFT + MAX_LOWERING, and — only when the default
 * itself could come within reach (default ≤ NEAR_LEFT + MAX_LOWERING) — those with evidence that can
 * lower it (a check-in of the last 30 days, a text of the last 14). Any other account has no ask,
 * so left = capacity ≥ default − MAX_LOWERING > NEAR_LEFT: neither over nor near.
 */

export const NEAR_LEFT = 2;
/** The most the automatic lowering can take (ledger.ts): no confidence, and the sustain texts. */
export const MAX_LOWERING = -NO_CONFIDENCE_DELTA + -SUSTAIN_DELTA * SUSTAIN_MAX_TEXTS;
export type CapacityState = 'over' | 'near';
const TOP_ASKS = 3;

export function stateOf(c: Pick<Capacity, 'left' | 'overloads' | 'asks'>): CapacityState | null {
  if (c.left < 0 || (c.left === 0 && (c.overloads > 0 || c.asks.some((a) => a.overload)))) return 'over';
  return c.left <= NEAR_LEFT ? 'near' : null;
}

async function candidates(q: Queryable, p: PeriodRange, now: Date, defaultSpoons: number): Promise<string[]> {
  const reach = NEAR_LEFT + MAX_LOWERING;
  const { rows } = await q.query<{ id: string }>(
    `SELECT account_id AS id FROM tasks WHERE assignee_contact_id IS NOT NULL AND status <> 'cancelled' AND coalesce(customer_effort, 0) > 0
        AND coalesce(due_at, created_at) >= $1 AND coalesce(due_at, created_at) < $2
     UNION SELECT account_id FROM survey_recipients WHERE spoon_cost > 0 AND sent_at >= $1 AND sent_at < $2
     UNION SELECT account_id FROM check_in_requests WHERE spoon_cost > 0 AND sent_at >= $1 AND sent_at < $2
     UNION SELECT account_id FROM outbound_messages WHERE account_id IS NOT NULL AND audience = 'customer' AND spoon_cost > 0 AND status <> 'cancelled'
        AND coalesce(sent_at, created_at) >= $1 AND coalesce(sent_at, created_at) < $2
     UNION SELECT account_id FROM account_capacity WHERE spoons <= $3
     UNION SELECT account_id FROM capacity_overloads WHERE period_start = $4::date
     UNION SELECT a.id FROM accounts a WHERE $5::int <= $3 AND (
        EXISTS (SELECT 1 FROM check_ins c WHERE c.account_id = a.id AND c.at <= $6 AND c.at > $6::timestamptz - make_interval(days => $7))
        OR EXISTS (SELECT 1 FROM activities x WHERE x.account_id = a.id AND x.body <> '' AND x.occurred_at <= $6 AND x.occurred_at > $6::timestamptz - make_interval(days => $8))
        OR EXISTS (SELECT 1 FROM survey_responses r WHERE r.account_id = a.id AND r.comment <> '' AND r.answered_at <= $6 AND r.answered_at > $6::timestamptz - make_interval(days => $8))
        OR $5::int <= $9)`,
    [p.from.toISOString(), p.to.toISOString(), reach, p.from.toISOString().slice(0, 10), defaultSpoons, now.toISOString(), LOW_CONFIDENCE_DAYS, SUSTAIN_DAYS, NEAR_LEFT],
  );
  return rows.map((r) => r.id);
}

/** The candidates of the period holding `now` (exported for the test that checks the list stays cheap). */
export async function candidatesForTest(q: Queryable, now: Date): Promise<string[]> {
  const settings = await readCapacitySettings(q);
  return candidates(q, periodOf(now, settings.period), now, settings.defaultSpoons);
}

const cursorTuple = z.tuple([z.number().int(), z.string(), z.uuid()]);

export async function capacityAccounts(
  q: Queryable, mayRead: (a: Ownable) => boolean, query: { state: CapacityState | 'all'; limit: number; cursor?: string | undefined }, now = new Date(),
) {
  const after = query.cursor ? decodeCursor(query.cursor, cursorTuple) : null;
  const settings = await readCapacitySettings(q);
  const period = periodOf(now, settings.period);
  const ids = await candidates(q, period, now, settings.defaultSpoons);
  if (!ids.length) return { period: { from: period.from.toISOString().slice(0, 10), to: period.to.toISOString().slice(0, 10) }, items: [], nextCursor: null };
  const { rows: accounts } = await q.query<{ id: string; name: string; owner_id: string | null; team_id: string | null; owner_name: string | null; arr: number }>(
    `SELECT a.id, a.name, a.owner_id, a.team_id, u.name AS owner_name, coalesce(a.arr, 0)::float8 AS arr
       FROM accounts a LEFT JOIN users u ON u.id = a.owner_id WHERE a.id = ANY ($1::uuid[])`, [ids],
  );
  const rows: { a: (typeof accounts)[number]; c: Capacity; state: CapacityState }[] = [];
  for (const a of accounts) {
    if (!mayRead({ ownerId: a.owner_id, teamId: a.team_id })) continue;
    const c = await accountCapacity(q, a.id, now);
    const state = stateOf(c);
    if (!state || (query.state !== 'all' && state !== query.state)) continue;
    rows.push({ a, c, state });
  }
  // Least left first, then name, then id (the keyset).
  const key = (r: (typeof rows)[number]): [number, string, string] => [r.c.left, r.a.name, r.a.id];
  const cmp = (x: [number, string, string], y: [number, string, string]) => x[0] - y[0] || (x[1] < y[1] ? -1 : x[1] > y[1] ? 1 : 0) || (x[2] < y[2] ? -1 : x[2] > y[2] ? 1 : 0);
  const sorted = rows.sort((x, y) => cmp(key(x), key(y))).filter((r) => !after || cmp(key(r), after) > 0);
  const page = sorted.slice(0, query.limit);
  const last = page[page.length - 1];
  return {
    period: { from: period.from.toISOString().slice(0, 10), to: period.to.toISOString().slice(0, 10) },
    items: page.map(({ a, c, state }) => ({
      accountId: a.id, accountName: a.name, ownerName: a.owner_name, arr: a.arr, state, capacity: c.capacity, used: c.used, left: c.left, overloads: c.overloads,
      topAsks: [...c.asks].sort((x, y) => y.cost - x.cost || (x.at < y.at ? -1 : x.at > y.at ? 1 : 0)).slice(0, TOP_ASKS),
    })),
    nextCursor: sorted.length > query.limit && last ? encodeCursor(key(last)) : null,
  };
}
