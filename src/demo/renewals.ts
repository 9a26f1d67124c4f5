// The demo's renewals (issue 12, seed 002: keep stakeholders able to forecast). The demo book already
// renews across the next four quarters (src/demo/accounts.ts: renewal-stage accounts within 90 days,
// adoption and onboarding later in the year, renewed outcomes a year after them), so the calendar and
// the forecast need nothing more. What a manager adds is judgement the data does not hold: a few
// overrides of a coming renewal's category, each with its reason, written through the renewals
// part's own store and audited as the manager (so the forecast screen shows "overridden" with why).
// Own Rng stream (mixSeed 1313): the rest of the demo is unchanged.
import type { Config } from '../config.js';
import type { Database } from '../db/connect.js';
import { recordAuditRaw } from '../audit/record.js';
import type { Category } from '../renewals/forecast.js';
import { upsertOverride } from '../renewals/queries.js';
import { Rng, mixSeed } from './random.js';

export type DemoRenewalsSummary = {
  overrides: number; byCategory: Record<Category, number>;
  /** Renewals of live accounts per quarter over the next four (this one first), as the forecast counts them. */
  perQuarter: number[]; ms: number;
};

/** What a manager hears that the signals do not: why a renewal is more, or less, certain than its risk says. */
const REASONS: { category: Category; reason: string }[] = [
  { category: 'commit', reason: 'Verbal yes from the CFO at the QBR; the PO is with their procurement.' },
  { category: 'commit', reason: 'Signed the multi-year order form early; waiting for countersignature.' },
  { category: 'likely', reason: 'Pricing agreed, legal review of the new DPA still open.' },
  { category: 'at_risk', reason: 'Budget freeze announced company-wide; our champion is moving to another team.' },
  { category: 'at_risk', reason: 'Evaluating a competitor for the EU business unit; asked for a price match.' },
  { category: 'likely', reason: 'Renewal slips a month: their fiscal year moved, but the sponsor re-confirmed.' },
];

export async function seedDemoRenewals(_config: Config, database: Database, opts: { seed?: number; now?: Date } = {}): Promise<DemoRenewalsSummary> {
  const started = performance.now();
  const now = opts.now ?? new Date();
  const rng = new Rng(mixSeed(opts.seed ?? 42, 1313));
  const today = now.toISOString().slice(0, 10);
  // Live accounts renewing in the next 120 days, with an owner: where a manager's call changes this quarter's number.
  const { rows: candidates } = await database.query<{ id: string; renewal_date: string }>(
    `SELECT a.id, a.renewal_date::text AS renewal_date FROM accounts a
      WHERE a.stage <> 'churned' AND a.owner_id IS NOT NULL AND a.renewal_date >= $1::date AND a.renewal_date < $1::date + 120
        AND NOT EXISTS (SELECT 1 FROM renewal_overrides o WHERE o.account_id = a.id AND o.renewal_date = a.renewal_date)
      ORDER BY a.renewal_date, a.id`,
    [today],
  );
  const { rows: managers } = await database.query<{ id: string; email: string }>(
    `SELECT id, email FROM users WHERE role = 'manager' AND active ORDER BY created_at, id LIMIT 1`,
  );
  const manager = managers[0] ?? null;
  const picked = rng.shuffle(candidates).slice(0, REASONS.length);
  const byCategory: Record<Category, number> = { commit: 0, likely: 0, at_risk: 0 };
  await database.transaction(async (tx) => {
    for (const [i, a] of picked.entries()) {
      const r = REASONS[i];
      if (!r) continue;
      await upsertOverride(tx, { accountId: a.id, renewalDate: a.renewal_date, category: r.category, reason: r.reason, by: manager?.id ?? null });
      await recordAuditRaw(tx, manager ? { type: 'user', id: manager.id, label: manager.email } : { type: 'system', id: null, label: 'demo' }, [{
        action: 'renewal_override.set', objectType: 'account', objectId: a.id,
        changes: { renewalDate: a.renewal_date, category: { from: null, to: r.category }, reason: r.reason },
      }]);
      byCategory[r.category] += 1;
    }
  });
  const { rows: quarters } = await database.query<{ q: number; n: number }>(
    `SELECT (extract(year FROM a.renewal_date)::int * 4 + extract(quarter FROM a.renewal_date)::int)
            - (extract(year FROM $1::date)::int * 4 + extract(quarter FROM $1::date)::int) AS q, count(*)::int AS n
       FROM accounts a WHERE a.stage <> 'churned' AND a.renewal_date >= date_trunc('quarter', $1::date)::date
        AND a.renewal_date < (date_trunc('quarter', $1::date) + interval '12 months')::date
      GROUP BY 1`,
    [today],
  );
  const perQuarter = [0, 1, 2, 3].map((q) => quarters.find((r) => r.q === q)?.n ?? 0);
  return { overrides: picked.length, byCategory, perQuarter, ms: Math.round(performance.now() - started) };
}

export function demoRenewalsLine(s: DemoRenewalsSummary): string {
  return `Demo renewals: ${s.perQuarter.join(' / ')} renewals over this quarter and the next three; ${s.overrides} manager overrides with reasons `
    + `(${s.byCategory.commit} commit, ${s.byCategory.likely} likely, ${s.byCategory.at_risk} at risk) (${s.ms} ms).`;
}
