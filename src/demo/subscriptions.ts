// The demo's subscriptions (issue 13): two to three years of annual terms per account that agree with
// its ARR now, its contract and renewal dates, and its recorded outcomes (ARR before an outcome runs
// up to its day, ARR after from it; a churn ends the last term), with earlier renewals that grew or
// shrank and a share of mid-term add-ons, so retention and cohorts move from the first start.
// Set-based: one insert, one recompute of all the accounts. Own Rng stream (mixSeed 1326).
import type { Config } from '../config.js';
import type { Database } from '../db/connect.js';
import { recomputeAccounts } from '../subscriptions/service.js';
import { insertSubscriptions, type SubscriptionInput } from '../subscriptions/store.js';
import { addMonths } from '../renewals/periods.js';
import { Rng, mixSeed } from './random.js';

export type DemoSubscriptionsSummary = { accounts: number; subscriptions: number; addOns: number; ms: number };

type Row = {
  id: string; arr: number; seats: number | null; stage: string; plan: string | null; contract_start: string | null; renewal_date: string | null;
  o_kind: string | null; o_on: string | null; o_before: number | null; o_after: number | null;
};

const round100 = (n: number) => Math.max(100, Math.round(n / 100) * 100);
const day = (d: Date) => d.toISOString().slice(0, 10);

/** The terms of one account, oldest first (pure but for the Rng). */
export function demoTerms(rng: Rng, a: Row, today: string): SubscriptionInput[] {
  const plan = a.plan ?? 'Standard';
  const out: SubscriptionInput[] = [];
  let end: string | null;
  let start: string;
  let arr: number;
  if (a.o_kind === 'churned' && a.o_on) {
    end = a.o_on;
    start = addMonths(end, -12);
    arr = a.o_before && a.o_before > 0 ? a.o_before : a.arr > 0 ? a.arr : round100(rng.range(5_000, 40_000));
  } else {
    if (!(a.arr > 0)) return [];
    start = a.o_on && a.o_kind !== 'churned' ? a.o_on : a.contract_start ?? addMonths(today, -rng.int(1, 11));
    if (start > today) start = addMonths(today, -1);
    end = a.renewal_date && a.renewal_date > start ? a.renewal_date : addMonths(start, 12);
    arr = a.arr;
  }
  out.push({ accountId: a.id, plan, seats: a.seats, arr, startsOn: start, endsOn: end });
  // The term before an outcome had the outcome's ARR before; older terms grew (mostly) or shrank into it.
  const earlier = rng.int(1, 2);
  let next = a.o_kind && a.o_kind !== 'churned' && a.o_before && a.o_before > 0 ? a.o_before : round100(arr / (1 + rng.range(-0.15, 0.35)));
  for (let i = 0; i < earlier; i += 1) {
    const e = start;
    start = addMonths(e, -12);
    const seats = a.seats === null ? null : Math.max(1, Math.round((a.seats * next) / Math.max(arr, 1)));
    out.unshift({ accountId: a.id, plan, seats, arr: next, startsOn: start, endsOn: e });
    next = round100(next / (1 + rng.range(-0.15, 0.35)));
  }
  // A fifth bought an add-on for half a year in the middle of their history.
  if (rng.chance(0.2) && out.length > 1) {
    const t = out[1];
    if (t) out.push({ accountId: a.id, plan: 'Add-on', seats: null, arr: round100(t.arr * rng.range(0.1, 0.25)), startsOn: addMonths(t.startsOn, 3), endsOn: addMonths(t.startsOn, 9) });
  }
  return out;
}

export async function seedDemoSubscriptions(_config: Config, database: Database, opts: { seed?: number; now?: Date } = {}): Promise<DemoSubscriptionsSummary> {
  const started = performance.now();
  const today = day(opts.now ?? new Date());
  const rng = new Rng(mixSeed(opts.seed ?? 42, 1326));
  const { rows } = await database.query<Row>(
    `SELECT a.id, a.arr::float8 AS arr, a.seats, a.stage, a.custom->>'plan' AS plan, a.contract_start::text AS contract_start, a.renewal_date::text AS renewal_date,
            o.kind AS o_kind, o.occurred_on::text AS o_on, o.arr_before::float8 AS o_before, o.arr_after::float8 AS o_after
       FROM accounts a
       LEFT JOIN LATERAL (SELECT * FROM outcomes x WHERE x.account_id = a.id AND x.kind IN ('renewed', 'expanded', 'downgraded', 'churned') ORDER BY x.occurred_on DESC LIMIT 1) o ON true
      WHERE NOT EXISTS (SELECT 1 FROM subscriptions s WHERE s.account_id = a.id)
      ORDER BY a.id`,
  );
  const subs = rows.flatMap((a) => demoTerms(rng, a, today));
  const ids = [...new Set(subs.map((s) => s.accountId))];
  await database.transaction(async (tx) => {
    await insertSubscriptions(tx, subs, 'demo');
    await recomputeAccounts(tx, ids, opts.now ?? new Date());
    await tx.query(
      `UPDATE accounts a SET customer_since = f.first FROM (SELECT account_id, min(starts_on) AS first FROM subscriptions WHERE account_id = ANY($1::uuid[]) GROUP BY account_id) f
        WHERE a.id = f.account_id AND a.customer_since IS DISTINCT FROM f.first`, [ids]);
  });
  return { accounts: ids.length, subscriptions: subs.length, addOns: subs.filter((s) => s.plan === 'Add-on').length, ms: Math.round(performance.now() - started) };
}

export const demoSubscriptionsLine = (s: DemoSubscriptionsSummary) =>
  `Demo subscriptions loaded: ${s.subscriptions} subscriptions (${s.addOns} add-ons) on ${s.accounts} accounts, two to three years each; ARR history and retention follow from them (${s.ms} ms).`;
