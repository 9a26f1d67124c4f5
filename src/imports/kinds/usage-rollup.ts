import { createHash } from 'node:crypto';
import { ALL_EVENTS } from '../../ingest/rollup-sql.js';

/**
 * Pure helpers of the usage kinds (issue 13, part D): message-id keys and the in-memory rollup of
 * a chunk, which usage-store.ts writes in one statement. The rollup is the one live ingestion
 * makes (src/ingest/rollup-sql.ts): per event name and under '$all', per UTC day, the count, the
 * events with no user (unattributed) and the distinct users (through usage_daily_users).
 */

/** The dedupe key of an imported message id: md5 as a uuid (16 bytes a row in usage_import_ids). */
export function messageKey(messageId: string): string {
  const h = createHash('md5').update(messageId).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** The message id of a row without one: the file's sha-256 and the row number, so re-importing the file adds nothing. */
export const derivedMessageId = (fileKey: string, row: number) => `import:${fileKey}:${row}`;

export type UsageFact = { accountId: string; event: string; ts: string; userId: string | null; count: number };

export type ChunkRollup = {
  /** Distinct user keys of recent days (written to usage_daily_users). */
  users: { account: string[]; event: string[]; day: string[]; user: string[] };
  /** Distinct user keys of old days (before the cutoff): counted in memory, not written (see countOldUsers). */
  oldUsers: string[];
  /** users: distinct users of old days new to the run, filled by the store (0 for recent days: counted in SQL). */
  daily: { account: string[]; event: string[]; day: string[]; count: number[]; unattributed: number[]; users: number[] };
  accounts: { id: string[]; first: string[]; last: string[] };
  contacts: { user: string[]; last: string[] };
  /** The earliest UTC day of the chunk (for the health rebuild). */
  earliestDay: string | null;
};

const dayOf = (ts: string) => new Date(ts).toISOString().slice(0, 10);

/**
 * usage_daily_users keeps 120 days (the pruning in src/ingest/service.ts deletes day < current_date
 * - 120). Days before this cutoff (a day of margin) are old: their user keys are not written.
 */
export const USER_DAYS_KEPT = 120;
export function oldDayCutoff(now = Date.now()): string {
  return new Date(now - (USER_DAYS_KEPT + 1) * 86_400_000).toISOString().slice(0, 10);
}

/** Joins (account, event, day) and a user into one key of the run's memory. */
export const userKey = (account: string, event: string, day: string, user: string) => `${account}\u0000${event}\u0000${day}\u0000${user}`;

/**
 * Distinct users of old days new to the run: per (account, event, day), the chunk's keys neither
 * counted by an earlier chunk of the run (seen) nor stored in usage_daily_users (stored). Pure.
 */
export function countOldUsers(keys: string[], seen: ReadonlySet<string>, stored: ReadonlySet<string>): { perGroup: Map<string, number>; fresh: string[] } {
  const perGroup = new Map<string, number>();
  const fresh: string[] = [];
  for (const k of keys) {
    if (seen.has(k) || stored.has(k)) continue;
    fresh.push(k);
    const g = k.slice(0, k.lastIndexOf('\u0000'));
    perGroup.set(g, (perGroup.get(g) ?? 0) + 1);
  }
  return { perGroup, fresh };
}

/**
 * Aggregates a chunk's events (count 1 each, or a count) as the live rollup would. User keys of
 * days before oldBefore go to oldUsers instead of users.
 */
export function rollUpChunk(facts: UsageFact[], oldBefore: string | null = null): ChunkRollup {
  const daily = new Map<string, { n: number; un: number }>();
  const users = new Set<string>();
  const accounts = new Map<string, { first: string; last: string; firstMs: number; lastMs: number }>();
  const contacts = new Map<string, { last: string; ms: number }>();
  let earliestDay: string | null = null;
  for (const f of facts) {
    const ms = Date.parse(f.ts);
    const day = dayOf(f.ts);
    if (earliestDay === null || day < earliestDay) earliestDay = day;
    for (const event of [f.event, ALL_EVENTS]) {
      const k = `${f.accountId}\u0000${event}\u0000${day}`;
      const d = daily.get(k) ?? { n: 0, un: 0 };
      d.n += f.count;
      if (f.userId === null) d.un += f.count;
      daily.set(k, d);
      if (f.userId !== null) users.add(`${k}\u0000${f.userId}`);
    }
    const a = accounts.get(f.accountId);
    if (!a) accounts.set(f.accountId, { first: f.ts, last: f.ts, firstMs: ms, lastMs: ms });
    else {
      if (ms < a.firstMs) Object.assign(a, { first: f.ts, firstMs: ms });
      if (ms > a.lastMs) Object.assign(a, { last: f.ts, lastMs: ms });
    }
    if (f.userId !== null) {
      const c = contacts.get(f.userId);
      if (!c || ms > c.ms) contacts.set(f.userId, { last: f.ts, ms });
    }
  }
  const out: ChunkRollup = {
    users: { account: [], event: [], day: [], user: [] },
    oldUsers: [],
    daily: { account: [], event: [], day: [], count: [], unattributed: [], users: [] },
    accounts: { id: [], first: [], last: [] },
    contacts: { user: [], last: [] },
    earliestDay,
  };
  // Key order, as the live rollup writes them: concurrent writers lock rows in the same order.
  for (const k of [...users].sort()) {
    const [account = '', event = '', day = '', user = ''] = k.split('\u0000');
    if (oldBefore !== null && day < oldBefore) { out.oldUsers.push(k); continue; }
    out.users.account.push(account); out.users.event.push(event); out.users.day.push(day); out.users.user.push(user);
  }
  for (const k of [...daily.keys()].sort()) {
    const [account = '', event = '', day = ''] = k.split('\u0000');
    const d = daily.get(k) ?? { n: 0, un: 0 };
    out.daily.account.push(account); out.daily.event.push(event); out.daily.day.push(day);
    out.daily.count.push(d.n); out.daily.unattributed.push(d.un); out.daily.users.push(0);
  }
  for (const id of [...accounts.keys()].sort()) {
    const a = accounts.get(id);
    if (!a) continue;
    out.accounts.id.push(id); out.accounts.first.push(a.first); out.accounts.last.push(a.last);
  }
  for (const [user, c] of contacts) { out.contacts.user.push(user); out.contacts.last.push(c.last); }
  return out;
}

/** The first day of each month the timestamps fall in (for the events partitions). */
export function monthsOf(ts: Iterable<string>): string[] {
  const s = new Set<string>();
  for (const t of ts) s.add(`${new Date(t).toISOString().slice(0, 7)}-01`);
  return [...s].sort();
}
