// The health benchmark's generated book (moved out of test/bench/health.bench.ts so that other
// benchmarks, e.g. test/bench/risk.bench.ts, load the same book): accounts with a stage mix, seats,
// ARR and renewal dates, 3 contacts each, and `usage_daily` for DAYS days x 20 event names with
// sparsity (activity level, breadth and trend per account, quieter weekends) plus the '$all' rows.
// Deterministic for a seed; the behaviour is the one health.bench.ts had inline.
import { performance } from 'node:perf_hooks';
import type { Database } from '../../src/db/connect.js';
import { check } from './harness.js';

/** mulberry32: a small deterministic PRNG. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
/** 20 rolled-up event names with how likely an average account uses each on an active day. */
export const EVENTS: [string, number][] = [
  ['$page', 0.9], ['Dashboard Viewed', 0.8], ['Search Performed', 0.6], ['Report Created', 0.5], ['Task Completed', 0.45],
  ['Filter Applied', 0.4], ['Comment Added', 0.35], ['Report Exported', 0.3], ['File Uploaded', 0.3], ['API Call', 0.3],
  ['Workflow Run', 0.25], ['$screen', 0.2], ['Project Created', 0.15], ['Share Link Created', 0.15], ['Alert Configured', 0.1],
  ['Settings Updated', 0.08], ['Invite Sent', 0.04], ['Seat Activated', 0.03], ['Billing Viewed', 0.03], ['Integration Connected', 0.02],
];
const EVENT_WEIGHT_SUM = EVENTS.reduce((a, [, w]) => a + w, 0);
export type Stage = 'onboarding' | 'adoption' | 'renewal';
export const SEGMENTS = ['SMB', 'Mid-Market', 'Enterprise'];

export type Account = {
  idx: number; id: string; externalId: string; stage: Stage; seats: number | null;
  /** chance of an active weekday; 0 = dormant */
  pActive: number; breadth: number; trend: -1 | 0 | 1; ageDays: number;
  /** share of the live event stream this account sends (0 for dormant ones) */
  weight: number;
};

export const DAY_MS = 86_400_000;
export const dayString = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export function uuidFrom(r: () => number): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(r() * 16).toString(16));
  hex[12] = '4';
  hex[16] = ((Math.floor(r() * 4) & 3) | 8).toString(16);
  const h = hex.join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export type Book = { accounts: Account[]; usageRows: number; allRows: number; activeAccounts: number; loadMs: number; contacts: number };
export type Usage = { usageRows: number; allRows: number; activeAccounts: number; firstActive: Map<number, string>; lastActive: Map<number, string> };

/** Draws accounts in proportion to their weight (cumulative weights + binary search). */
export function weightedPicker(accounts: Account[], r: () => number): () => Account {
  const cum: number[] = [];
  let total = 0;
  for (const a of accounts) cum.push((total += a.weight));
  return () => {
    const x = r() * total;
    let lo = 0;
    let hi = cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((cum[mid] ?? 0) < x) lo = mid + 1;
      else hi = mid;
    }
    return accounts[lo] ?? (accounts[0] as Account);
  };
}

export type BookOptions = {
  seed: number;
  /** days of rollups */
  days: number;
  /** mean event names (of 20) an account uses on an active day */
  eventsPerDay: number;
  /** throws when the run's time limit is past (called while loading) */
  checkDeadline: (what: string) => void;
};

/** The book's generator for a seed and size: accounts regenerated from the seed, loading, reuse. */
export function bookGenerator(o: BookOptions) {
  const SEED = o.seed;
  const DAYS = o.days;
  const EVENTS_PER_DAY = o.eventsPerDay;
  const COPY_CHUNK = 200_000;
  const checkDeadline = o.checkDeadline;

  const seeded = (i: number, salt: number) => rng((SEED * 1_000_003 + i * 7919 + salt * 104_729) >>> 0);

  function makeAccount(idx: number): Account {
    const r = seeded(idx, 1);
    const id = uuidFrom(r);
    const u = r();
    const stage = u < 0.2 ? 'onboarding' : u < 0.7 ? 'adoption' : 'renewal';
    const seats = r() < 0.04 ? null : Math.max(3, Math.round(Math.exp(2 + r() * 3.5))); // 7 .. ~240, log-uniform
    const level = r();
    const pActive = level < 0.06 ? 0 : level < 0.31 ? 0.15 + r() * 0.3 : level < 0.71 ? 0.45 + r() * 0.35 : 0.8 + r() * 0.18;
    const breadth = 0.4 + r() * 1.2;
    const t = r();
    const trend: -1 | 0 | 1 = t < 0.15 ? -1 : t < 0.25 ? 1 : 0;
    const ageDays = stage === 'onboarding' ? 14 + Math.floor(r() * 100) : 200 + Math.floor(r() * 1300);
    const weight = pActive * breadth * Math.sqrt(seats ?? 10);
    return { idx, id, externalId: `acct-${String(idx).padStart(6, '0')}`, stage, seats, pActive, breadth, trend, ageDays, weight };
  }


  /**
   * usage_daily generated account by account in primary-key order (accounts sorted by id), COPY in
   * chunks of 200k rows, the next chunk built while the previous one is being written.
   */
  async function loadUsage(database: Database, accounts: Account[]): Promise<Usage> {
    const todayMs = Date.parse(`${dayString(Date.now())}T00:00:00Z`);
    const days = Array.from({ length: DAYS }, (_, d) => {
      const ago = DAYS - 1 - d;
      const ms = todayMs - ago * DAY_MS;
      return { ago, day: dayString(ms), weekend: [0, 6].includes(new Date(ms).getUTCDay()) };
    });
    const scale = EVENTS_PER_DAY / EVENT_WEIGHT_SUM;
    const byId = [...accounts].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const lastActive = new Map<number, string>();
    const firstActive = new Map<number, string>();
    let usageRows = 0;
    let allRows = 0;
    let pending: Promise<number> | null = null;
    let chunk: unknown[][] = [];
    const flush = async () => {
      if (pending) await pending;
      checkDeadline('loading usage_daily');
      const rows = chunk;
      chunk = [];
      usageRows += rows.length;
      pending = rows.length ? database.copyRows('usage_daily', ['account_id', 'event', 'day', 'count', 'users'], rows) : null;
    };
    // The rows reference existing accounts by construction: the per-row foreign-key check (a
    // FOR KEY SHARE lookup in accounts for each of ~20M rows) is switched off while loading.
    await database.query('ALTER TABLE usage_daily DISABLE TRIGGER ALL');
    for (const a of byId) {
      const r = seeded(a.idx, 2);
      for (const d of days) {
        if (d.ago >= a.ageDays) continue; // before the account existed
        const trendMul = a.trend === -1 ? 0.25 + (0.75 * d.ago) / (DAYS - 1) : a.trend === 1 ? 1 - (0.75 * d.ago) / (DAYS - 1) : 1;
        if (r() >= a.pActive * trendMul * (d.weekend ? 0.35 : 1)) continue;
        let sumCount = 0;
        let sumUsers = 0;
        let maxUsers = 0;
        const cap = Math.min(a.seats ?? 10, 60);
        for (const [event, w] of EVENTS) {
          if (r() >= Math.min(0.97, w * a.breadth * scale)) continue;
          const users = Math.min(cap, 1 + Math.floor(r() * r() * cap * a.breadth));
          const count = users * (1 + Math.floor(r() * 6));
          chunk.push([a.id, event, d.day, count, users]);
          sumCount += count;
          sumUsers += users;
          maxUsers = Math.max(maxUsers, users);
        }
        if (sumCount === 0) {
          chunk.push([a.id, '$page', d.day, 1, 1]);
          sumCount = sumUsers = maxUsers = 1;
        }
        // users distinct across events: at least the busiest event's, at most the sum
        chunk.push([a.id, '$all', d.day, sumCount, Math.min(sumUsers, maxUsers + Math.floor(0.35 * (sumUsers - maxUsers)))]);
        allRows++;
        if (!firstActive.has(a.idx)) firstActive.set(a.idx, d.day);
        lastActive.set(a.idx, d.day);
      }
      if (chunk.length >= COPY_CHUNK) await flush();
    }
    await flush();
    if (pending) await pending;
    await database.query('ALTER TABLE usage_daily ENABLE TRIGGER ALL');
    return { usageRows, allRows, activeAccounts: lastActive.size, firstActive, lastActive };
  }

  function accountRows(accounts: Account[], lastActive: (a: Account) => string | null, now: number): unknown[][] {
    return accounts.map((a) => {
      const r = seeded(a.idx, 3);
      const created = new Date(now - a.ageDays * DAY_MS - Math.floor(r() * DAY_MS));
      const renewalInDays = a.stage === 'renewal' ? Math.floor(r() * 120) : 120 + Math.floor(r() * 245);
      const arr = (a.seats ?? 20) * (300 + Math.floor(r() * 900));
      return [
        a.id, a.externalId, `Account ${a.idx}`, `a${a.idx}.example.com`, a.stage, a.seats, arr, dayString(now + renewalInDays * DAY_MS),
        created, lastActive(a), SEGMENTS[a.idx % 3],
      ];
    });
  }

  async function buildBook(database: Database, n: number): Promise<Book> {
    const t0 = performance.now();
    const now = Date.now();
    const accounts = Array.from({ length: n }, (_, i) => makeAccount(i));
    // Accounts first (usage_daily references them), last_activity_at filled in after the usage is generated.
    const ACCOUNT_COLUMNS = ['id', 'external_id', 'name', 'domain', 'stage', 'seats', 'arr', 'renewal_date', 'created_at', 'last_activity_at', 'segment'];
    for (let i = 0; i < n; i += 50_000) await database.copyRows('accounts', ACCOUNT_COLUMNS, accountRows(accounts.slice(i, i + 50_000), () => null, now));
    const book = await loadUsage(database, accounts);
    // last_activity_at / first_activity_at: the last and first active day at a plausible hour (never
    // in the future); accounts older than the window started using the product before it; dormant
    // accounts either never sent anything or last did long before the window.
    const activity: [string, string, string][] = [];
    for (const a of accounts) {
      const r = seeded(a.idx, 4);
      const last = book.lastActive.get(a.idx) ?? null;
      const first = book.firstActive.get(a.idx) ?? null;
      const createdMs = now - a.ageDays * DAY_MS;
      let lastAt: number | null = null;
      let firstAt: number | null = null;
      if (last && first) {
        lastAt = Math.min(now - 60_000, Date.parse(`${last}T00:00:00Z`) + Math.floor(r() * DAY_MS));
        firstAt = a.ageDays > DAYS ? createdMs + Math.floor(r() * 20 * DAY_MS) : Math.min(lastAt, Date.parse(`${first}T00:00:00Z`) + Math.floor(r() * DAY_MS));
      } else if (r() < 0.5 && a.ageDays > DAYS + 10) {
        lastAt = now - (DAYS + Math.floor(r() * Math.max(1, a.ageDays - DAYS - 10))) * DAY_MS;
        firstAt = Math.min(lastAt, createdMs + Math.floor(r() * 10 * DAY_MS));
      }
      if (lastAt !== null && firstAt !== null) activity.push([a.id, new Date(firstAt).toISOString(), new Date(lastAt).toISOString()]);
    }
    const hasFirst = (await database.query(`SELECT 1 FROM information_schema.columns WHERE table_name = 'accounts' AND column_name = 'first_activity_at'`)).rows.length > 0;
    await database.query(`CREATE TEMP TABLE bench_activity (id uuid PRIMARY KEY, first_at timestamptz, last_at timestamptz)`);
    for (let i = 0; i < activity.length; i += 50_000) await database.copyRows('bench_activity', ['id', 'first_at', 'last_at'], activity.slice(i, i + 50_000));
    const updated = await database.query(
      `UPDATE accounts a SET last_activity_at = b.last_at${hasFirst ? ', first_activity_at = b.first_at' : ''} FROM bench_activity b WHERE a.id = b.id`,
    );
    check(updated.rowCount === activity.length, `last_activity_at set on ${updated.rowCount} accounts, expected ${activity.length}`);
    await database.query(`DROP TABLE bench_activity`);
    // 3 contacts per account: executive sponsor (or champion), champion/admin, user.
    const contacts: unknown[][] = [];
    for (const a of accounts) {
      const r = seeded(a.idx, 5);
      const last = book.lastActive.get(a.idx) ?? null;
      const lastMs = last ? Date.parse(`${last}T00:00:00Z`) : null;
      const seen = (p: number, spreadDays: number) =>
        lastMs !== null && r() < p ? new Date(Math.min(now - 60_000, lastMs - Math.floor(r() * spreadDays) * DAY_MS + Math.floor(r() * DAY_MS))) : null;
      contacts.push([`u-${a.idx}-0`, a.id, `exec${a.idx}@a${a.idx}.example.com`, `Exec ${a.idx}`, r() < 0.75 ? 'executive_sponsor' : 'champion', seen(0.8, 90)]);
      contacts.push([`u-${a.idx}-1`, a.id, `champ${a.idx}@a${a.idx}.example.com`, `Champion ${a.idx}`, r() < 0.5 ? 'champion' : 'admin', seen(0.95, 10)]);
      contacts.push([`u-${a.idx}-2`, a.id, `user${a.idx}@a${a.idx}.example.com`, `User ${a.idx}`, 'user', seen(0.9, 20)]);
    }
    for (let i = 0; i < contacts.length; i += 50_000) {
      await database.copyRows('contacts', ['external_id', 'account_id', 'email', 'name', 'role', 'last_seen_at'], contacts.slice(i, i + 50_000));
    }
    await database.query('VACUUM ANALYZE');
    if (database.kind === 'postgres') await database.query('CHECKPOINT');
    return { accounts, usageRows: book.usageRows, allRows: book.allRows, activeAccounts: book.activeAccounts, contacts: contacts.length, loadMs: performance.now() - t0 };
  }

  /** The book of a reused database: the accounts regenerated from the seed, the counts read back. */
  async function existingBook(database: Database, n: number): Promise<Book> {
    const accounts = Array.from({ length: n }, (_, i) => makeAccount(i));
    const { rows } = await database.query<{ accounts: number; rows: number; all: number; active: number; contacts: number; probe: string | null }>(
      `SELECT (SELECT count(*) FROM accounts)::int AS accounts, (SELECT count(*) FROM usage_daily)::int AS rows,
              (SELECT count(*) FROM usage_daily WHERE event = '$all')::int AS all, (SELECT count(DISTINCT account_id) FROM usage_daily)::int AS active,
              (SELECT count(*) FROM contacts)::int AS contacts, (SELECT id::text FROM accounts WHERE external_id = $1) AS probe`,
      [accounts[0]?.externalId],
    );
    const r = rows[0];
    check(r !== undefined && r.accounts === n && r.probe === accounts[0]?.id, `BENCH_REUSE_DB holds ${r?.accounts} accounts, not the book of ${n} accounts with seed ${SEED}`);
    await database.query('TRUNCATE health_dirty, health_claims');
    return { accounts, usageRows: r.rows, allRows: r.all, activeAccounts: r.active, contacts: r.contacts, loadMs: 0 };
  }

  return { seeded, makeAccount, buildBook, existingBook };
}
