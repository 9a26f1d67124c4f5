// A realistic, reproducible book of business for demos and tests: teams, CSMs, ~300 accounts
// with contacts, and three months of product usage. Pure: the output depends only on the
// options (including `now`), never on the clock or Math.random.
import { Rng, allocate, itemAt, mixSeed } from './random.js';
import { generateUsage } from './usage.js';
import { BUSINESS_LINES, FIRST_NAMES, LAST_NAMES, NAME_HEADS, NAME_TAILS, PLANS, ROSTER, TEAM_NAMES, TITLES } from './words.js';
import { USAGE_PATTERNS } from './types.js';
import type {
  ContactRole, DemoAccount, DemoBook, DemoContact, DemoEvent, DemoOptions, DemoTeam, DemoUser, Region, Segment, Stage, UsagePattern,
} from './types.js';

export const DAY_MS = 86_400_000;

export const isoDate = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
export const utcDayStart = (d: Date): number => Math.floor(d.getTime() / DAY_MS) * DAY_MS;

const SEGMENTS: readonly Segment[] = ['Enterprise', 'Mid-Market', 'SMB'];
const SEGMENT_SHARES = [15, 35, 50];
const STAGES: readonly Stage[] = ['onboarding', 'adoption', 'renewal', 'churned'];
const STAGE_SHARES = [15, 55, 25, 5];
// Shares among accounts still under contract; every churned account is 'silent' on top of these.
const PATTERN_SHARES = [22, 33, 18, 17, 10];
const REGIONS: readonly Region[] = ['NA', 'EMEA', 'APAC'];
const REGION_WEIGHTS = [50, 35, 15];

// ARR skews towards the low end of each range, as real books do; the price per seat sets seats.
const SEGMENT_PROFILE: Record<Segment, { arr: readonly [number, number]; perSeat: readonly [number, number]; step: number }> = {
  Enterprise: { arr: [120_000, 900_000], perSeat: [450, 900], step: 1000 },
  'Mid-Market': { arr: [30_000, 150_000], perSeat: [300, 600], step: 500 },
  SMB: { arr: [5_000, 30_000], perSeat: [250, 600], step: 100 },
};

/** Lower-case ASCII letters only: "Chloé" -> "chloe", "O'Brien" -> "obrien". */
export function slug(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z]/g, '');
}

/** `n` labels in the given proportions, shuffled. */
function quota<T>(rng: Rng, n: number, labels: readonly T[], shares: readonly number[]): T[] {
  const out: T[] = [];
  allocate(n, shares).forEach((count, i) => {
    for (let k = 0; k < count; k++) out.push(itemAt(labels, i));
  });
  return rng.shuffle(out);
}

function checkOptions(seed: number, accounts: number, days: number, now: Date): void {
  if (!Number.isInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);
  if (!Number.isInteger(accounts) || accounts < 1 || accounts > 100_000) throw new RangeError(`accounts must be 1..100000, got ${accounts}`);
  if (!Number.isInteger(days) || days < 1 || days > 3650) throw new RangeError(`days must be 1..3650, got ${days}`);
  if (Number.isNaN(now.getTime())) throw new RangeError('now must be a valid Date');
}

export function generateDemoBook(opts: DemoOptions): DemoBook {
  const { seed = 42, accounts: accountCount = 300, days = 90, now } = opts;
  checkOptions(seed, accountCount, days, now);
  const rng = new Rng(mixSeed(seed, 1));
  const today = utcDayStart(now);

  const teams: DemoTeam[] = TEAM_NAMES.map((name) => ({ id: rng.uuid(), name }));
  const users: DemoUser[] = ROSTER.map((person) => ({
    id: rng.uuid(),
    email: `${person.name.split(' ').map(slug).join('.')}@canopy.example`,
    name: person.name,
    role: person.role,
    team_id: itemAt(teams, person.team).id,
  }));

  const accounts = makeAccounts(rng, accountCount, teams, users, today);
  const contacts: DemoContact[] = [];
  const events: DemoEvent[] = [];
  accounts.forEach((account, index) => {
    const own = makeContacts(rng, account, index);
    for (const c of own) contacts.push(c);
    // A sub-stream per account: the usage of one account does not shift when `days` changes another's.
    const usage = generateUsage({ rng: new Rng(mixSeed(seed, 2, index)), account, contacts: own, now, days });
    for (const e of usage) events.push(e);
  });
  return { seed, days, now: new Date(now.getTime()), teams, users, accounts, contacts, events };
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

function contractDates(rng: Rng, stage: Stage, today: number): { start: number; renewal: number } {
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
      const renewal = today - rng.int(10, 60) * DAY_MS;
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

function makeAccounts(rng: Rng, n: number, teams: DemoTeam[], users: DemoUser[], today: number): DemoAccount[] {
  const segments = quota(rng, n, SEGMENTS, SEGMENT_SHARES);
  const stages = quota(rng, n, STAGES, STAGE_SHARES);
  const patterns = assignPatterns(rng, stages);
  const csmsByTeam = teams.map((t) => users.filter((u) => u.role === 'csm' && u.team_id === t.id));
  const names = new Set<string>();
  const domains = new Set<string>();
  const out: DemoAccount[] = [];

  for (let i = 0; i < n; i++) {
    const segment = itemAt(segments, i);
    const stage = itemAt(stages, i);
    const pattern = itemAt(patterns, i);
    const { name, industry } = uniqueCompanyName(rng, names);
    const [head = name, line = ''] = name.split(' ');
    let domain = `${slug(head)}-${slug(line)}.example`;
    for (let k = 2; domains.has(domain); k++) domain = domain.replace(/(\d+)?\.example$/, `${k}.example`);
    domains.add(domain);

    const profile = SEGMENT_PROFILE[segment];
    const [lo, hi] = profile.arr;
    const arr = Math.round((lo + (hi - lo) * rng.float() ** 1.8) / profile.step) * profile.step;
    const seats = Math.max(3, Math.round(arr / rng.range(profile.perSeat[0], profile.perSeat[1])));
    const { start, renewal } = contractDates(rng, stage, today);

    // A few accounts have just arrived from the CRM and nobody owns them yet.
    const team = segment === 'Enterprise' ? 0 : 1;
    const owner = rng.chance(0.03) ? null : rng.pick(itemAt(csmsByTeam, team));

    const custom: DemoAccount['custom'] = {
      plan: rng.pick(PLANS[segment]),
      region: rng.weighted(REGIONS, REGION_WEIGHTS),
      industry,
      demo_pattern: pattern,
    };
    if (pattern === 'silent') {
      // Churned accounts went quiet around the end of their contract; the others simply stopped.
      const churnedAgo = (today - renewal) / DAY_MS;
      const quietAgo = stage === 'churned' ? Math.max(16, churnedAgo + rng.int(0, 21)) : rng.int(16, 45);
      custom.demo_silent_since = isoDate(today - quietAgo * DAY_MS);
    }

    out.push({
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
  }
  return out;
}

function fictionalPhone(rng: Rng, region: Region): string {
  // Number ranges reserved for fiction, so the demo never dials a real person.
  const d = (count: number) => String(rng.int(0, 10 ** count - 1)).padStart(count, '0');
  if (region === 'NA') return `+1 555 01${d(2)}`;
  if (region === 'EMEA') return `+44 20 7946 0${d(3)}`;
  return `+61 2 5550 ${d(4)}`;
}

function makeContacts(rng: Rng, account: DemoAccount, index: number): DemoContact[] {
  const count = rng.int(3, 8);
  const emails = new Set<string>();
  const out: DemoContact[] = [];
  for (let j = 0; j < count; j++) {
    // Most accounts have a champion, a sponsor and an admin; a missing champion is itself a signal.
    let role: ContactRole = rng.chance(0.15) ? 'admin' : 'user';
    if (j === 0) role = rng.chance(0.9) ? 'champion' : 'user';
    else if (j === 1) role = 'executive_sponsor';
    else if (j === 2) role = 'admin';
    const first = rng.pick(FIRST_NAMES);
    const last = rng.pick(LAST_NAMES);
    let local = `${slug(first)}.${slug(last)}`;
    for (let k = 2; emails.has(local); k++) local = `${slug(first)}.${slug(last)}${k}`;
    emails.add(local);
    out.push({
      id: rng.uuid(),
      account_id: account.id,
      external_id: `user_${String(index + 1).padStart(4, '0')}_${String(j + 1).padStart(2, '0')}`,
      email: `${local}@${account.domain}`,
      name: `${first} ${last}`,
      title: rng.pick(TITLES[role]),
      role,
      phone: rng.chance(0.6) ? fictionalPhone(rng, account.custom.region) : null,
    });
  }
  return out;
}
