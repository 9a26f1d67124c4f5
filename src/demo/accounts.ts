// The accounts of the demo book: segment, lifecycle stage, usage pattern, ARR and seats,
// contract dates and recent outcomes, all consistent with each other.
import { Rng, allocate, itemAt } from './random.js';
import { outcomeRows, planOutcomes, type OutcomePlan } from './outcomes.js';
import { USAGE_PATTERNS } from './types.js';
import type { DemoAccount, DemoOutcome, DemoTeam, DemoUser, Region, Segment, Stage, UsagePattern } from './types.js';
import { DAY_MS, clamp, isoDate, slug } from './util.js';
import { BUSINESS_LINES, NAME_HEADS, NAME_TAILS, PLANS } from './words.js';

const SEGMENTS: readonly Segment[] = ['Enterprise', 'Mid-Market', 'SMB'];
const SEGMENT_SHARES = [15, 35, 50];
const STAGES: readonly Stage[] = ['onboarding', 'adoption', 'renewal', 'churned'];
const STAGE_SHARES = [15, 55, 25, 5];
// Shares among accounts still under contract; every churned account is 'silent' on top of these.
const PATTERN_SHARES = [22, 33, 18, 17, 10];
const REGIONS: readonly Region[] = ['NA', 'EMEA', 'APAC'];
const REGION_WEIGHTS = [50, 35, 15];
/** Churned accounts that faded away before the end; the others used the product until they left. */
const CHURN_FADED_SHARE = 0.8;

// ARR and seats skew towards the low end of each range, as real books do, and go together.
const SEGMENT_PROFILE: Record<Segment, { arr: readonly [number, number]; seats: readonly [number, number]; step: number }> = {
  Enterprise: { arr: [120_000, 900_000], seats: [60, 200], step: 1000 },
  'Mid-Market': { arr: [30_000, 150_000], seats: [15, 60], step: 500 },
  SMB: { arr: [5_000, 30_000], seats: [5, 20], step: 100 },
};

/** How the usage generator shapes an account (not stored: the book keeps only demo_pattern). */
export interface AccountPlan {
  pattern: UsagePattern;
  /** For 'silent' accounts: usage faded before it stopped (false: it was normal until the stop). */
  fading: boolean;
  outcome: OutcomePlan | null;
}

/** `n` labels in the given proportions, shuffled. */
function quota<T>(rng: Rng, n: number, labels: readonly T[], shares: readonly number[]): T[] {
  const out: T[] = [];
  allocate(n, shares).forEach((count, i) => {
    for (let k = 0; k < count; k++) out.push(itemAt(labels, i));
  });
  return rng.shuffle(out);
}

function uniqueCompanyName(rng: Rng, taken: Set<string>): { name: string; industry: string } {
  for (let attempt = 0; ; attempt++) {
    const [line, industry] = rng.pick(BUSINESS_LINES);
    const base = `${rng.pick(NAME_HEADS)}${rng.pick(NAME_TAILS)} ${line}`;
    // After many collisions the name space is nearly used up; a number keeps names unique.
    const name = attempt < 50 ? base : `${base} ${attempt}`;
    if (!taken.has(name)) {
      taken.add(name);
      return { name, industry };
    }
  }
}

function contractDates(rng: Rng, stage: Stage, today: number, outcome: OutcomePlan | null): { start: number; renewal: number } {
  if (outcome) {
    const on = today - outcome.daysAgo * DAY_MS;
    // A churn ends the contract; any other outcome starts a new one-year term that day.
    return outcome.kind === 'churned' ? { start: on - 365 * DAY_MS, renewal: on } : { start: on, renewal: on + 365 * DAY_MS };
  }
  switch (stage) {
    case 'renewal': {
      const renewal = today + rng.int(3, 90) * DAY_MS;
      return { start: renewal - 365 * DAY_MS, renewal };
    }
    case 'onboarding': {
      const start = today - rng.int(5, 100) * DAY_MS;
      return { start, renewal: start + 365 * DAY_MS };
    }
    case 'adoption': {
      // Past the first 90 days; renewals beyond ~9 months out are on two-year contracts.
      const ahead = rng.int(91, 395);
      const renewal = today + ahead * DAY_MS;
      return { start: renewal - (ahead <= 275 ? 365 : 730) * DAY_MS, renewal };
    }
    case 'churned': {
      const renewal = today - rng.int(10, 45) * DAY_MS;
      return { start: renewal - 365 * DAY_MS, renewal };
    }
  }
}

/**
 * One pattern per account: churned ones are silent, the rest follow PATTERN_SHARES. A customer
 * that signed weeks ago has no history to decline from, so onboarding accounts trade a
 * 'declining' or 'silent' pattern with an established account (proportions stay exact).
 */
function assignPatterns(rng: Rng, stages: readonly Stage[]): UsagePattern[] {
  const live = quota(rng, stages.filter((s) => s !== 'churned').length, USAGE_PATTERNS, PATTERN_SHARES);
  let next = 0;
  const patterns = stages.map((s): UsagePattern => (s === 'churned' ? 'silent' : itemAt(live, next++)));
  const fading = (p: UsagePattern) => p === 'declining' || p === 'silent';
  let j = 0;
  for (let i = 0; i < stages.length; i++) {
    const mine = itemAt(patterns, i);
    if (stages[i] !== 'onboarding' || !fading(mine)) continue;
    while (j < stages.length && (stages[j] === 'onboarding' || stages[j] === 'churned' || fading(itemAt(patterns, j)))) j++;
    if (j >= stages.length) break; // a tiny book may have no partner; it keeps its pattern
    patterns[i] = itemAt(patterns, j);
    patterns[j] = mine;
  }
  return patterns;
}

/**
 * Days before today of a silent account's first quiet day: before its outcome if it has one
 * (a fading churn weeks before the end, a sudden one at the end), and never in the last 14 days.
 */
function quietDaysAgo(rng: Rng, outcome: OutcomePlan | null, fading: boolean, days: number): number {
  const ago = outcome ? outcome.daysAgo + (fading ? rng.int(5, 30) : rng.int(0, 3)) : rng.int(16, 45);
  return Math.max(outcome?.daysAgo ?? 0, clamp(ago, 14, Math.max(14, days - 5)));
}

export function makeAccounts(
  rng: Rng, n: number, days: number, teams: DemoTeam[], users: DemoUser[], today: number,
): { accounts: DemoAccount[]; plans: AccountPlan[]; outcomes: DemoOutcome[] } {
  const segments = quota(rng, n, SEGMENTS, SEGMENT_SHARES);
  const stages = quota(rng, n, STAGES, STAGE_SHARES);
  const patterns = assignPatterns(rng, stages);
  const outcomePlans = planOutcomes(rng, stages, patterns, days);
  const csmsByTeam = teams.map((t) => users.filter((u) => u.role === 'csm' && u.team_id === t.id));
  const names = new Set<string>();
  const domains = new Set<string>();
  const accounts: DemoAccount[] = [];
  const plans: AccountPlan[] = [];

  for (let i = 0; i < n; i++) {
    const segment = itemAt(segments, i);
    const stage = itemAt(stages, i);
    const pattern = itemAt(patterns, i);
    const outcome = outcomePlans[i] ?? null;
    const { name, industry } = uniqueCompanyName(rng, names);
    const [head = name, line = ''] = name.split(' ');
    let domain = `${slug(head)}-${slug(line)}.example`;
    for (let k = 2; domains.has(domain); k++) domain = domain.replace(/(\d+)?\.example$/, `${k}.example`);
    domains.add(domain);

    const profile = SEGMENT_PROFILE[segment];
    const size = rng.float();
    const arr = Math.round((profile.arr[0] + (profile.arr[1] - profile.arr[0]) * size ** 1.8) / profile.step) * profile.step;
    const seatSize = clamp(size + rng.range(-0.15, 0.15), 0, 1) ** 1.8;
    const seats = Math.round(profile.seats[0] + (profile.seats[1] - profile.seats[0]) * seatSize);
    const { start, renewal } = contractDates(rng, stage, today, outcome);

    // A few accounts have just arrived from the CRM and nobody owns them yet.
    const team = segment === 'Enterprise' ? 0 : 1;
    const owner = rng.chance(0.03) ? null : rng.pick(itemAt(csmsByTeam, team));

    const custom: DemoAccount['custom'] = {
      plan: rng.pick(PLANS[segment]),
      region: rng.weighted(REGIONS, REGION_WEIGHTS),
      industry,
      demo_pattern: pattern,
    };
    const fading = stage !== 'churned' || rng.chance(CHURN_FADED_SHARE);
    if (pattern === 'silent') custom.demo_silent_since = isoDate(today - quietDaysAgo(rng, outcome, fading, days) * DAY_MS);

    accounts.push({
      id: rng.uuid(),
      name,
      domain,
      external_id: `acct_${String(i + 1).padStart(4, '0')}`,
      external_ids: { salesforce: `001${rng.uuid().replace(/-/g, '').slice(0, 15).toUpperCase()}` },
      owner_id: owner ? owner.id : null,
      team_id: owner ? itemAt(teams, team).id : null,
      segment,
      stage,
      arr,
      seats,
      contract_start: isoDate(start),
      renewal_date: isoDate(renewal),
      custom,
    });
    plans.push({ pattern, fading, outcome });
  }
  return { accounts, plans, outcomes: outcomeRows(rng, accounts, outcomePlans, today) };
}
