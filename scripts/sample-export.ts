/**
 * Writes docs/sample-export/*.csv: what a CRM, a billing system, a product-analytics warehouse and a
 * helpdesk would export about one small book of business, for the import worked example
 * (docs/import-example.md). Seeded and pure: the same seed and as-of date give the same bytes.
 *
 *   npx tsx scripts/sample-export.ts [--out docs/sample-export] [--seed 13] [--as-of 2026-11-30]
 *
 * The files are deliberately shaped like real exports, not like Canopy: "Account ID" / "Customer ID"
 * / a company domain / an organization name for the account, MRR as "$1,234.00", sign-up dates in
 * DD/MM/YYYY, roles and outcome kinds in the source system's words (they need a value map).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'csv-stringify/sync';
import { Rng, mixSeed } from '../src/demo/random.js';
import { BUSINESS_LINES, FIRST_NAMES, LAST_NAMES, NAME_HEADS, NAME_TAILS, ROSTER } from '../src/demo/words.js';
import { slug } from '../src/demo/util.js';

export type SampleOptions = { seed?: number; asOf?: string; accounts?: number };
export type SampleFiles = Record<'accounts' | 'subscriptions' | 'contacts' | 'usage_daily' | 'tickets' | 'outcomes', string>;

const DAY = 86_400_000;
const dayMs = (d: string) => Date.parse(`${d}T00:00:00Z`);
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const ddmmyyyy = (ms: number) => { const [y, m, d] = iso(ms).split('-'); return `${d}/${m}/${y}`; };
const addMonths = (ms: number, n: number) => { const d = new Date(ms); d.setUTCMonth(d.getUTCMonth() + n); return d.getTime(); };
const dollars = (n: number) => `$${n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
const csv = (columns: string[], rows: unknown[][]) => stringify(rows, { header: true, columns, record_delimiter: 'unix' });

/** The demo's CSMs (src/demo/words.ts ROSTER): with `npm start -- --demo` the owner e-mails match users. */
export const OWNER_EMAILS = ROSTER.map((p) => `${p.name.toLowerCase().split(' ').map(slug).join('.')}@canopy.example`);

const SEGMENTS = [
  { name: 'Enterprise', weight: 0.2, mrr: [6_000, 22_000], seats: [150, 600], plans: ['Enterprise', 'Enterprise Plus'] },
  { name: 'Mid-Market', weight: 0.35, mrr: [1_500, 6_000], seats: [40, 160], plans: ['Business', 'Professional'] },
  { name: 'SMB', weight: 0.45, mrr: [250, 1_500], seats: [5, 40], plans: ['Starter', 'Professional'] },
] as const;
type Segment = (typeof SEGMENTS)[number];

const ROLES = [['Champion', 4], ['Economic Buyer', 2], ['Admin', 2], ['End User', 5]] as const;
const TITLES: Record<(typeof ROLES)[number][0], string[]> = {
  Champion: ['Head of Operations', 'Director of Customer Experience', 'Operations Manager'],
  'Economic Buyer': ['VP of Operations', 'Chief Operating Officer', 'CFO'],
  Admin: ['IT Administrator', 'Business Systems Analyst'],
  'End User': ['Analyst', 'Team Lead', 'Support Specialist', 'Project Coordinator'],
};
const FEATURES = ['Logged In', 'Dashboard Viewed', 'Report Created', 'Export Run', 'API Call', 'Invite Sent', 'Integration Connected'] as const;
const CHURN_REASONS = ['Budget cuts', 'Moved to a competitor', 'Champion left', 'Low adoption', 'Acquired; consolidating tools'];
const TICKET_SUBJECTS = ['Cannot export report', 'SSO login fails', 'Dashboard loads slowly', 'Question about invoice', 'API rate limit reached', 'Data sync delayed', 'How do I add seats?', 'Integration disconnected'];
const SUFFIXES = ['Inc.', 'Ltd', 'GmbH', 'LLC', 'Co.'];

type Sub = { id: string; plan: string; seats: number; mrr: number; start: number; end: number | null };
type Outcome = { kind: 'renewal' | 'expansion' | 'contraction' | 'churn'; at: number; before: number; after: number; reason: string };
type Account = {
  id: string; name: string; domain: string; owner: string; segment: Segment; industry: string; signup: number;
  subs: Sub[]; outcomes: Outcome[]; churnedAt: number | null; atRisk: boolean;
};

function makeAccounts(rng: Rng, count: number, asOf: number): Account[] {
  const names = new Set<string>();
  const accounts: Account[] = [];
  let subNo = 5001;
  for (let i = 0; i < count; i++) {
    let base: string;
    do base = `${rng.pick(NAME_HEADS)}${rng.pick(NAME_TAILS)}`; while (names.has(base));
    names.add(base);
    const [line, industry] = rng.pick(BUSINESS_LINES);
    const segment = rng.weighted(SEGMENTS, SEGMENTS.map((s) => s.weight));
    // Sign-ups over the two years before the as-of date (the last one at least a month ago).
    const signup = asOf - rng.int(35, 730) * DAY;
    const a: Account = {
      id: `ACC-${1001 + i}`, name: `${base} ${line} ${rng.pick(SUFFIXES)}`, domain: `${slug(base)}-${slug(line)}.test`,
      owner: rng.chance(0.05) ? '' : rng.pick(OWNER_EMAILS), segment, industry, signup, subs: [], outcomes: [], churnedAt: null, atRisk: false,
    };
    let mrr = Math.round(rng.range(segment.mrr[0], segment.mrr[1]) / 10) * 10;
    let seats = rng.int(segment.seats[0], segment.seats[1]);
    let plan = rng.pick(segment.plans);
    let start = signup;
    for (;;) {
      const end = addMonths(start, 12);
      const sub: Sub = { id: `SUB-${subNo++}`, plan, seats, mrr, start, end };
      a.subs.push(sub);
      if (end > asOf) break;
      // The anniversary: renew, grow, shrink or leave.
      const r = rng.float();
      const arr = mrr * 12;
      if (r < 0.16) {
        a.churnedAt = end;
        a.outcomes.push({ kind: 'churn', at: end, before: arr, after: 0, reason: rng.pick(CHURN_REASONS) });
        break;
      }
      if (r < 0.34) {
        mrr = Math.round((mrr * rng.range(1.2, 1.6)) / 10) * 10;
        seats = Math.round(seats * rng.range(1.15, 1.5));
        plan = segment.plans[1];
        a.outcomes.push({ kind: 'expansion', at: end, before: arr, after: mrr * 12, reason: 'More teams onboarded' });
      } else if (r < 0.44) {
        mrr = Math.round((mrr * rng.range(0.6, 0.85)) / 10) * 10;
        seats = Math.max(3, Math.round(seats * rng.range(0.6, 0.85)));
        a.outcomes.push({ kind: 'contraction', at: end, before: arr, after: mrr * 12, reason: 'Fewer seats at renewal' });
      } else {
        a.outcomes.push({ kind: 'renewal', at: end, before: arr, after: arr, reason: '' });
      }
      start = end;
    }
    // Accounts still running whose usage fades before a renewal within four months: the risk screen's cases.
    const current = a.subs.at(-1);
    a.atRisk = a.churnedAt === null && current?.end != null && current.end - asOf < 120 * DAY && rng.chance(0.4);
    accounts.push(a);
  }
  return accounts;
}

const mrrOn = (a: Account, t: number) => a.subs.filter((s) => s.start <= t && (s.end === null || t < s.end)).reduce((n, s) => n + s.mrr, 0);

function accountsCsv(accounts: Account[], asOf: number): string {
  const rows = accounts.map((a) => {
    const current = a.subs.at(-1);
    const live = a.churnedAt === null;
    const stage = !live ? 'Churned' : asOf - a.signup < 90 * DAY ? 'Onboarding' : current?.end != null && current.end - asOf < 90 * DAY ? 'Renewal' : 'Adoption';
    return [a.id, a.name, `https://www.${a.domain}/`, a.owner, a.segment.name, stage, dollars(mrrOn(a, asOf)), live ? current?.seats : '', ddmmyyyy(a.signup), live && current?.end ? ddmmyyyy(current.end) : '', a.industry];
  });
  return csv(['Account ID', 'Company', 'Website', 'Owner Email', 'Segment', 'Lifecycle Stage', 'mrr_amount', 'Seats', 'Signup Date', 'Renewal Date', 'Industry'], rows);
}

function subscriptionsCsv(accounts: Account[], asOf: number): string {
  const rows = accounts.flatMap((a) =>
    a.subs.map((s) => {
      const status = s.end !== null && s.end <= asOf ? (a.churnedAt === s.end ? 'canceled' : 'ended') : 'active';
      return [s.id, a.id, s.plan, s.seats, (s.mrr).toFixed(2), 'USD', status, iso(s.start), s.end === null ? '' : iso(s.end)];
    }),
  );
  return csv(['Subscription ID', 'Customer ID', 'Plan', 'Quantity', 'MRR', 'Currency', 'Status', 'Start Date', 'End Date'], rows);
}

function contactsCsv(rng: Rng, accounts: Account[]): string {
  const rows: unknown[][] = [];
  let no = 2001;
  for (const a of accounts) {
    const n = a.segment.name === 'Enterprise' ? rng.int(3, 4) : rng.int(2, 3);
    const used = new Set<string>();
    for (let j = 0; j < n; j++) {
      const role = j === 0 ? 'Champion' : j === 1 && a.segment.name !== 'SMB' ? 'Economic Buyer' : rng.weighted(ROLES.map((r) => r[0]), ROLES.map((r) => r[1]));
      let first: string, last: string;
      do [first, last] = [rng.pick(FIRST_NAMES), rng.pick(LAST_NAMES)]; while (used.has(`${first} ${last}`));
      used.add(`${first} ${last}`);
      const email = `${slug(first)}.${slug(last)}@${a.domain}`;
      // A few people have left (the CRM keeps them, inactive); more of them at churned accounts.
      const active = rng.chance(a.churnedAt === null ? 0.94 : 0.6) ? 'Yes' : 'No';
      rows.push([`CON-${no++}`, a.id, first, last, email, rng.pick(TITLES[role]), role, `+1 555 01${String(rng.int(0, 99)).padStart(2, '0')}`, active]);
    }
  }
  return csv(['Contact ID', 'Account ID', 'First Name', 'Last Name', 'Email', 'Job Title', 'Role', 'Phone', 'Active'], rows);
}

function usageCsv(rng: Rng, accounts: Account[], asOf: number, days: number): string {
  const rows: unknown[][] = [];
  for (const a of accounts) {
    const seats = a.subs.at(-1)?.seats ?? 10;
    // Daily active share of the seats: healthy accounts 8–20 %, fading ones lose most of it.
    const base = Math.min(60, Math.max(2, Math.round(seats * rng.range(0.08, 0.2))));
    const fading = a.atRisk || (a.churnedAt !== null && a.churnedAt > asOf - days * DAY);
    for (let d = days; d >= 1; d--) {
      const t = asOf - d * DAY;
      if (t < a.signup || (a.churnedAt !== null && t >= a.churnedAt)) continue;
      const weekday = new Date(t).getUTCDay() % 6 !== 0;
      // Fading: the last 60 days before the churn or the as-of date fall to a fifth.
      const until = a.churnedAt ?? asOf;
      const fade = fading ? Math.max(0.2, Math.min(1, (until - t) / (60 * DAY))) : 1;
      const users = Math.round(base * fade * (weekday ? 1 : 0.25) * rng.range(0.7, 1.3));
      if (users === 0) continue;
      for (const feature of FEATURES) {
        const p = { 'Logged In': 1, 'Dashboard Viewed': 0.6, 'Report Created': 0.3, 'Export Run': 0.12, 'API Call': 0.25, 'Invite Sent': 0.03, 'Integration Connected': 0.01 }[feature];
        if (!rng.chance(p)) continue;
        const u = feature === 'Logged In' ? users : Math.max(1, Math.round(users * rng.range(0.2, 0.7)));
        const count = feature === 'API Call' ? rng.int(20, 400) : u * rng.int(1, 4);
        // API calls come from integrations (no user); a few other rows lost their user count.
        rows.push([a.domain, iso(t), feature, count, feature === 'API Call' || rng.chance(0.03) ? '' : u]);
      }
    }
  }
  return csv(['company_domain', 'date', 'feature', 'event_count', 'active_users'], rows);
}

function ticketsCsv(rng: Rng, accounts: Account[], asOf: number): string {
  const rows: { at: number; row: unknown[] }[] = [];
  for (const a of accounts) {
    const troubled = a.atRisk || (a.churnedAt !== null && a.churnedAt > asOf - 180 * DAY);
    const n = troubled ? rng.int(4, 9) : rng.int(0, 3);
    for (let k = 0; k < n; k++) {
      const until = Math.min(a.churnedAt ?? asOf, asOf);
      const at = until - rng.int(1, 150) * DAY + rng.int(8 * 3600, 18 * 3600) * 1000;
      if (at < a.signup) continue;
      const priority = troubled && rng.chance(0.4) ? rng.pick(['High', 'Urgent']) : rng.pick(['Low', 'Normal', 'Normal', 'High']);
      const status = asOf - at > 14 * DAY ? rng.pick(['Solved', 'Closed']) : rng.pick(['Open', 'Pending', 'Solved']);
      rows.push({ at, row: [a.name, rng.pick(TICKET_SUBJECTS), priority, status, new Date(at).toISOString().slice(0, 19).replace('T', ' '), `support@${a.domain}`] });
    }
  }
  rows.sort((x, y) => x.at - y.at);
  return csv(['Ticket ID', 'Organization', 'Subject', 'Priority', 'Status', 'Created', 'Requester'], rows.map((r, i) => [`${40001 + i}`, ...r.row]));
}

function outcomesCsv(accounts: Account[]): string {
  const rows = accounts.flatMap((a) => a.outcomes.map((o) => ({ at: o.at, row: [a.id, o.kind, iso(o.at), o.before.toFixed(2), o.after.toFixed(2), o.reason] })));
  rows.sort((x, y) => x.at - y.at || String(x.row[0]).localeCompare(String(y.row[0])));
  return csv(['Account ID', 'Event', 'Event Date', 'ARR Before', 'ARR After', 'Reason'], rows.map((r) => r.row));
}

export function sampleExport(opts: SampleOptions = {}): SampleFiles {
  const seed = opts.seed ?? 13;
  const asOf = dayMs(opts.asOf ?? '2026-11-30');
  if (Number.isNaN(asOf)) throw new RangeError(`as-of must be YYYY-MM-DD, got ${opts.asOf}`);
  const accounts = makeAccounts(new Rng(mixSeed(seed, 1)), opts.accounts ?? 60, asOf);
  return {
    accounts: accountsCsv(accounts, asOf),
    subscriptions: subscriptionsCsv(accounts, asOf),
    contacts: contactsCsv(new Rng(mixSeed(seed, 2)), accounts),
    usage_daily: usageCsv(new Rng(mixSeed(seed, 3)), accounts, asOf, 120),
    tickets: ticketsCsv(new Rng(mixSeed(seed, 4)), accounts, asOf),
    outcomes: outcomesCsv(accounts),
  };
}

export const SAMPLE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../docs/sample-export');

function main(argv: string[]) {
  const arg = (name: string) => { const i = argv.indexOf(`--${name}`); return i >= 0 ? argv[i + 1] : undefined; };
  const out = path.resolve(arg('out') ?? SAMPLE_DIR);
  const seed = arg('seed');
  const files = sampleExport({ seed: seed === undefined ? undefined : Number(seed), asOf: arg('as-of') });
  fs.mkdirSync(out, { recursive: true });
  for (const [name, text] of Object.entries(files)) {
    fs.writeFileSync(path.join(out, `${name}.csv`), text);
    console.log(`${name}.csv: ${text.split('\n').length - 2} rows, ${text.length} bytes`);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main(process.argv.slice(2));
