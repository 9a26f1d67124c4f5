// Historic outcomes of past renewals (renewed, expanded, downgraded, churned): the ground truth
// against which driver impact measures how well each driver separated retained from lost
// accounts. They follow the usage pattern with deliberate noise, so the signal is real but not
// perfect: a fifth of the outcomes contradict their account's pattern.
import { allocate, type Rng } from './random.js';
import type { DemoAccount, DemoOutcome, OutcomeKind, Stage, UsagePattern } from './types.js';
import { DAY_MS, clamp, isoDate } from './util.js';
import { OUTCOME_NOTES } from './words.js';

export type OutcomePlan = { kind: OutcomeKind; daysAgo: number };

/** Accounts (besides the churned ones) that renewed, expanded or downgraded recently, per account of the book. */
const RENEWAL_OUTCOME_SHARE = 0.2;
/** Outcomes that go against the account's usage pattern (growing/steady lost, declining/silent kept). */
const CONTRADICTION_SHARE = 0.2;

/**
 * Days before today that outcomes fall on: 10–45, so that a driver's value ~4 weeks before an
 * outcome falls inside the default 90 days of usage. A short window narrows the range so that
 * the accounts still have usage before their outcome.
 */
export function outcomeAgeRange(days: number): readonly [number, number] {
  return [10, clamp(days - 15, 10, 45)];
}

function renewalKind(rng: Rng, pattern: UsagePattern, contradicts: boolean): OutcomeKind {
  switch (pattern) {
    case 'growing':
      return contradicts ? 'downgraded' : rng.chance(0.6) ? 'expanded' : 'renewed';
    case 'steady':
      return contradicts ? 'downgraded' : rng.chance(0.8) ? 'renewed' : 'expanded';
    case 'declining':
    case 'silent':
      return contradicts ? (rng.chance(0.8) ? 'renewed' : 'expanded') : 'downgraded';
    case 'seasonal':
      return rng.weighted<OutcomeKind>(['renewed', 'expanded', 'downgraded'], [45, 25, 30]);
  }
}

/**
 * Recent outcomes are more common than older ones: the ~4 weeks of usage before an outcome
 * that is 35+ days old reach past the start of the default 90-day window.
 */
const outcomeAge = (rng: Rng, [lo, hi]: readonly [number, number]): number => lo + Math.floor((hi - lo + 1) * rng.float() ** 1.7);

/**
 * Which accounts have an outcome, of what kind and when. Every churned account churned at the
 * end of its contract; a share of the adoption-stage accounts renewed (possibly expanding or
 * downgrading) 10–45 days ago, which is why they are in adoption with a fresh contract.
 */
export function planOutcomes(rng: Rng, stages: readonly Stage[], patterns: readonly UsagePattern[], days: number): Array<OutcomePlan | null> {
  const ages = outcomeAgeRange(days);
  const plans: Array<OutcomePlan | null> = stages.map((s) => (s === 'churned' ? { kind: 'churned', daysAgo: outcomeAge(rng, ages) } : null));
  const churned = plans.filter((p) => p !== null).length;
  const adoption = rng.shuffle(stages.flatMap((s, i) => (s === 'adoption' ? [i] : [])));
  const picked = adoption.slice(0, Math.round(stages.length * RENEWAL_OUTCOME_SHARE)).sort((a, b) => a - b);
  // Seasonal accounts are mixed by design, so neither kind contradicts them. The contradictions
  // are spread over the other patterns in proportion, so that each keeps a clear majority.
  const clear: UsagePattern[] = ['growing', 'steady', 'declining', 'silent'];
  const groups = clear.map((p) => rng.shuffle(picked.filter((i) => patterns[i] === p)));
  const wanted = Math.min(Math.round((churned + picked.length) * CONTRADICTION_SHARE), groups.reduce((n, g) => n + g.length, 0));
  const counts = wanted > 0 ? allocate(wanted, groups.map((g) => g.length)) : [];
  const contradicting = new Set(groups.flatMap((g, k) => g.slice(0, counts[k] ?? 0)));
  for (const i of picked) {
    const pattern = patterns[i] ?? 'steady';
    plans[i] = { kind: renewalKind(rng, pattern, contradicting.has(i)), daysAgo: outcomeAge(rng, ages) };
  }
  return plans;
}

/** ARR before → after: the account's `arr` is the current contract (the lost one for a churn). */
function arrChange(rng: Rng, kind: OutcomeKind, arr: number): { arr_before: number; arr_after: number } {
  const round = (x: number) => Math.max(100, Math.round(x / 100) * 100);
  switch (kind) {
    case 'renewed':
      return { arr_before: arr, arr_after: arr };
    case 'expanded':
      return { arr_before: round(arr / rng.range(1.15, 1.6)), arr_after: arr };
    case 'downgraded':
      return { arr_before: round(arr * rng.range(1.15, 1.6)), arr_after: arr };
    case 'churned':
      return { arr_before: arr, arr_after: 0 };
  }
}

export function outcomeRows(rng: Rng, accounts: readonly DemoAccount[], plans: ReadonlyArray<OutcomePlan | null>, today: number): DemoOutcome[] {
  const out: DemoOutcome[] = [];
  accounts.forEach((account, i) => {
    const plan = plans[i];
    if (!plan) return;
    out.push({
      id: rng.uuid(),
      account_id: account.id,
      kind: plan.kind,
      occurred_on: isoDate(today - plan.daysAgo * DAY_MS),
      ...arrChange(rng, plan.kind, account.arr),
      note: rng.pick(OUTCOME_NOTES[plan.kind]),
    });
  });
  return out;
}
