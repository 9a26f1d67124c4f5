import { describe, it, expect } from 'vitest';
import { DAY_MS, generateDemoBook, utcDayStart } from './generate.js';
import { USAGE_PATTERNS, type DemoBook, type DemoEvent } from './types.js';

const NOW = new Date('2025-11-22T13:45:00Z');
const book = generateDemoBook({ now: NOW });

function eventsByAccount(b: DemoBook): Map<string, DemoEvent[]> {
  const map = new Map<string, DemoEvent[]>();
  for (const e of b.events) {
    const list = map.get(e.account_id) ?? [];
    list.push(e);
    map.set(e.account_id, list);
  }
  return map;
}

describe('generateDemoBook', () => {
  it('is a pure function of its options', () => {
    const again = generateDemoBook({ now: NOW });
    expect(again).toEqual(book);
    const other = generateDemoBook({ seed: 7, now: NOW });
    expect(other.accounts.map((a) => a.name)).not.toEqual(book.accounts.map((a) => a.name));
    expect(other.events.length).not.toBe(book.events.length);
  });

  it('has the expected people and teams', () => {
    expect(book.teams.map((t) => t.name)).toEqual(['Enterprise Team', 'Growth Team']);
    expect(book.users.filter((u) => u.role === 'manager')).toHaveLength(1);
    expect(book.users.filter((u) => u.role === 'csm')).toHaveLength(5);
    const teamIds = new Set(book.teams.map((t) => t.id));
    for (const u of book.users) {
      expect(u.email).toMatch(/^[a-z]+\.[a-z]+@canopy\.example$/);
      expect(teamIds.has(u.team_id)).toBe(true);
    }
  });

  it('produces ~300 unique accounts in sensible proportions', () => {
    const { accounts } = book;
    expect(accounts).toHaveLength(300);
    for (const key of ['id', 'name', 'domain', 'external_id'] as const) {
      expect(new Set(accounts.map((a) => a[key])).size).toBe(300);
    }
    expect(accounts[0]?.external_id).toBe('acct_0001');
    const share = (pred: (a: (typeof accounts)[number]) => boolean) => accounts.filter(pred).length / accounts.length;
    expect(share((a) => a.segment === 'Enterprise')).toBeCloseTo(0.15, 2);
    expect(share((a) => a.segment === 'SMB')).toBeCloseTo(0.5, 2);
    expect(share((a) => a.stage === 'adoption')).toBeGreaterThan(0.4);
    expect(share((a) => a.stage === 'churned')).toBeGreaterThan(0);
    expect(share((a) => a.stage === 'churned')).toBeLessThan(0.1);
    const unassigned = share((a) => a.owner_id === null);
    expect(unassigned).toBeGreaterThan(0);
    expect(unassigned).toBeLessThan(0.08);
  });

  it('keeps ARR, seats, owners and custom fields consistent with the segment', () => {
    const ranges = { Enterprise: [120_000, 900_000], 'Mid-Market': [30_000, 150_000], SMB: [5_000, 30_000] } as const;
    const seatRanges = { Enterprise: [60, 200], 'Mid-Market': [15, 60], SMB: [5, 20] } as const;
    const enterpriseTeam = book.teams[0]?.id;
    for (const a of book.accounts) {
      const [lo, hi] = ranges[a.segment];
      expect(a.arr).toBeGreaterThanOrEqual(lo);
      expect(a.arr).toBeLessThanOrEqual(hi);
      const [seatsLo, seatsHi] = seatRanges[a.segment];
      expect(a.seats, a.external_id).toBeGreaterThanOrEqual(seatsLo);
      expect(a.seats, a.external_id).toBeLessThanOrEqual(seatsHi);
      expect(['NA', 'EMEA', 'APAC']).toContain(a.custom.region);
      expect(a.custom.plan).toBeTruthy();
      if (a.owner_id !== null) expect(a.team_id === enterpriseTeam).toBe(a.segment === 'Enterprise');
      else expect(a.team_id).toBeNull();
    }
  });

  it('spreads renewals over the next 13 months, renewal-stage ones within 90 days', () => {
    const today = utcDayStart(NOW);
    for (const a of book.accounts) {
      const daysAhead = (Date.parse(`${a.renewal_date}T00:00:00Z`) - today) / DAY_MS;
      expect(Date.parse(a.contract_start)).toBeLessThan(Date.parse(a.renewal_date));
      if (a.stage === 'churned') expect(daysAhead).toBeLessThan(0);
      else expect(daysAhead).toBeGreaterThan(0);
      expect(daysAhead).toBeLessThanOrEqual(396);
      if (a.stage === 'renewal') expect(daysAhead).toBeLessThanOrEqual(90);
      else if (a.stage !== 'churned') expect(daysAhead).toBeGreaterThan(90);
    }
  });

  it('gives every account 3-8 contacts at its own domain, with roles', () => {
    const byId = new Map(book.accounts.map((a) => [a.id, a]));
    const perAccount = new Map<string, number>();
    for (const c of book.contacts) {
      const account = byId.get(c.account_id);
      expect(account).toBeDefined();
      expect(c.email.endsWith(`@${account?.domain}`)).toBe(true);
      expect(c.external_id).toMatch(/^user_\d{4}_\d{2}$/);
      perAccount.set(c.account_id, (perAccount.get(c.account_id) ?? 0) + 1);
    }
    expect(perAccount.size).toBe(300);
    for (const n of perAccount.values()) expect(n >= 3 && n <= 8).toBe(true);
    expect(new Set(book.contacts.map((c) => c.external_id)).size).toBe(book.contacts.length);
    expect(new Set(book.contacts.map((c) => c.role))).toEqual(new Set(['champion', 'executive_sponsor', 'admin', 'user']));
  });

  it('generates 250k-400k well-formed events inside the window, by contacts and other product users', () => {
    const { events } = book;
    expect(events.length).toBeGreaterThan(250_000);
    expect(events.length).toBeLessThan(400_000);
    expect(new Set(events.map((e) => e.message_id)).size).toBe(events.length);
    expect(new Set(events.map((e) => e.event)).size).toBe(12);
    const start = utcDayStart(NOW) - 89 * DAY_MS;
    const contactsOf = new Map<string, Set<string>>();
    for (const c of book.contacts) contactsOf.set(c.account_id, (contactsOf.get(c.account_id) ?? new Set()).add(c.external_id));
    const externalId = new Map(book.accounts.map((a) => [a.id, a.external_id]));
    const seatsOf = new Map(book.accounts.map((a) => [a.id, a.seats]));
    // A product user is a contact, or `user_<account number>_u<nnn>`: about as many users as seats.
    const isUser = (e: DemoEvent) => {
      if (contactsOf.get(e.account_id)?.has(e.user_id) === true) return true;
      const m = /^user_(\d{4})_u(\d{3})$/.exec(e.user_id);
      return m !== null && `acct_${m[1]}` === externalId.get(e.account_id) && Number(m[2]) <= Math.max(8, Math.round(1.05 * (seatsOf.get(e.account_id) ?? 0)));
    };
    // Collect offenders instead of calling expect() 300k times, which is slow.
    const bad = events.filter(
      (e) => e.ts.getTime() < start || e.ts.getTime() >= NOW.getTime() || !isUser(e) || e.group_id !== externalId.get(e.account_id) || e.type !== 'track',
    );
    expect(bad.slice(0, 3)).toEqual([]);
    const users = new Set(events.map((e) => e.user_id));
    expect(users.size).toBeGreaterThan(2 * book.contacts.length);
    expect(book.contacts.filter((c) => users.has(c.external_id)).length / book.contacts.length).toBeGreaterThan(0.7);
  });

  it('has a weekday/weekend rhythm', () => {
    let weekday = 0;
    let weekend = 0;
    for (const e of book.events) {
      const d = e.ts.getUTCDay();
      if (d === 0 || d === 6) weekend++;
      else weekday++;
    }
    // per day: weekends should be well under half as busy
    expect(weekend / 2 / (weekday / 5)).toBeLessThan(0.5);
  });

  it('shapes each account by its usage pattern', () => {
    const present = new Set(book.accounts.map((a) => a.custom.demo_pattern));
    expect(present).toEqual(new Set(USAGE_PATTERNS));
    const byAccount = eventsByAccount(book);
    const now = NOW.getTime();
    const first30End = utcDayStart(NOW) - 89 * DAY_MS + 30 * DAY_MS;
    const last30Start = now - 30 * DAY_MS;
    const grew: boolean[] = [];
    for (const a of book.accounts) {
      const events = byAccount.get(a.id) ?? [];
      const first = events.filter((e) => e.ts.getTime() < first30End).length;
      const last = events.filter((e) => e.ts.getTime() >= last30Start).length;
      if (a.custom.demo_pattern === 'declining') expect(last, a.external_id).toBeLessThan(first);
      // A 5-seat account has one or two users a day: noise may beat its growth now and then.
      if (a.custom.demo_pattern === 'growing') grew.push(last > first);
      if (a.custom.demo_pattern === 'silent') {
        expect(events.filter((e) => e.ts.getTime() >= now - 14 * DAY_MS), a.external_id).toHaveLength(0);
        expect(a.custom.demo_silent_since).toMatch(/^\d{4}-\d{2}-\d{2}$/);
        const quiet = Date.parse(`${a.custom.demo_silent_since}T00:00:00Z`);
        expect(events.filter((e) => e.ts.getTime() >= quiet), a.external_id).toHaveLength(0);
        expect(events.length, a.external_id).toBeGreaterThan(0);
      }
      if (a.stage === 'churned') expect(a.custom.demo_pattern).toBe('silent');
    }
    expect(grew.filter(Boolean).length / grew.length).toBeGreaterThan(0.9);
  });

  it('starts usage no earlier than the contract for new customers', () => {
    const byAccount = eventsByAccount(book);
    for (const a of book.accounts.filter((x) => x.stage === 'onboarding')) {
      const firstTs = byAccount.get(a.id)?.[0]?.ts.getTime() ?? Number.POSITIVE_INFINITY;
      expect(firstTs).toBeGreaterThanOrEqual(Date.parse(`${a.contract_start}T00:00:00Z`));
    }
  });

  it('scales to small books and rejects nonsense options', () => {
    const small = generateDemoBook({ accounts: 40, days: 30, now: NOW });
    expect(small.accounts).toHaveLength(40);
    expect(new Set(small.accounts.map((a) => a.custom.demo_pattern))).toEqual(new Set(USAGE_PATTERNS));
    // 2 churned + 8 renewals; a 30-day window keeps them 10-15 days back, after some usage.
    expect(small.outcomes).toHaveLength(10);
    const today = utcDayStart(NOW);
    for (const o of small.outcomes) {
      const ago = (today - Date.parse(`${o.occurred_on}T00:00:00Z`)) / DAY_MS;
      expect(ago >= 10 && ago <= 15, o.occurred_on).toBe(true);
    }
    expect(() => generateDemoBook({ accounts: 0, now: NOW })).toThrow(RangeError);
    expect(() => generateDemoBook({ days: 1.5, now: NOW })).toThrow(RangeError);
    expect(() => generateDemoBook({ now: new Date('nope') })).toThrow(RangeError);
  });

  it('generates the default book quickly', () => {
    const t0 = performance.now();
    generateDemoBook({ seed: 3, now: NOW });
    expect(performance.now() - t0).toBeLessThan(3000);
  });
});
