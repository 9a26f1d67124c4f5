// The signals the demo book carries for health and driver impact: daily active users per seat
// by pattern, executive sponsor activity, activation milestones, and outcomes that follow the
// patterns with some noise.
import { describe, it, expect } from 'vitest';
import { DAY_MS, generateDemoBook, utcDayStart } from './generate.js';
import { OUTCOME_KINDS, type DemoAccount, type DemoBook, type DemoEvent } from './types.js';

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

/** Per account: daily active users ÷ seats, averaged over the last `days` UTC days (today included). */
function dailyUsersPerSeat(b: DemoBook, days: number): Map<string, number> {
  const from = utcDayStart(b.now) - (days - 1) * DAY_MS;
  const userDays = new Map<string, Set<string>>();
  for (const e of b.events) {
    if (e.ts.getTime() < from) continue;
    const set = userDays.get(e.account_id) ?? new Set<string>();
    set.add(`${Math.floor(e.ts.getTime() / DAY_MS)}|${e.user_id}`);
    userDays.set(e.account_id, set);
  }
  return new Map(b.accounts.map((a) => [a.id, (userDays.get(a.id)?.size ?? 0) / days / a.seats]));
}

const isLost = (kind: string) => kind === 'churned' || kind === 'downgraded';
/** An outcome against its account's pattern: a growing or steady account lost, a declining or silent one kept. */
function contradicts(a: DemoAccount, kind: string): boolean {
  const p = a.custom.demo_pattern;
  return ((p === 'growing' || p === 'steady') && isLost(kind)) || ((p === 'declining' || p === 'silent') && !isLost(kind));
}

describe('demo book signals', () => {
  it('makes daily active users a share of seats that follows the pattern and varies by account', () => {
    const utilization = dailyUsersPerSeat(book, 28);
    const stats = (pattern: string) => {
      const xs = book.accounts.filter((a) => a.custom.demo_pattern === pattern && a.stage !== 'churned').map((a) => utilization.get(a.id) ?? 0);
      const mean = xs.reduce((x, y) => x + y, 0) / xs.length;
      return { mean, min: Math.min(...xs), max: Math.max(...xs) };
    };
    const growing = stats('growing');
    const steady = stats('steady');
    const seasonal = stats('seasonal');
    const declining = stats('declining');
    const silent = stats('silent');
    expect(growing.mean).toBeGreaterThan(0.2);
    expect(growing.mean).toBeLessThan(0.4);
    expect(steady.mean).toBeGreaterThan(0.1);
    expect(steady.mean).toBeLessThan(0.25);
    expect(seasonal.mean).toBeGreaterThan(0.1);
    expect(seasonal.mean).toBeLessThan(0.25);
    expect(declining.mean).toBeLessThan(0.06);
    expect(silent.max).toBeLessThan(0.05); // only the days before going quiet count
    expect(growing.mean).toBeGreaterThan(steady.mean);
    expect(steady.mean).toBeGreaterThan(declining.mean);
    expect(declining.mean).toBeGreaterThan(silent.mean);
    // Accounts differ within a pattern, and none has more daily users than seats.
    expect(growing.max - growing.min).toBeGreaterThan(0.15);
    expect(steady.max - steady.min).toBeGreaterThan(0.1);
    for (const v of utilization.values()) expect(v).toBeLessThanOrEqual(1);
  });

  it('brings executive sponsors by often in healthy accounts, rarely or not at all in fading ones', () => {
    const sponsors = new Map(book.contacts.filter((c) => c.role === 'executive_sponsor').map((c) => [c.external_id, c.account_id]));
    const lastSeen = new Map<string, number>();
    for (const e of book.events) if (sponsors.has(e.user_id)) lastSeen.set(e.account_id, Math.max(lastSeen.get(e.account_id) ?? 0, e.ts.getTime()));
    const now = NOW.getTime();
    const share = (pattern: string, pred: (seen: number | undefined) => boolean) => {
      const accounts = book.accounts.filter((a) => a.custom.demo_pattern === pattern);
      return accounts.filter((a) => pred(lastSeen.get(a.id))).length / accounts.length;
    };
    const recent = (seen: number | undefined) => seen !== undefined && seen >= now - 14 * DAY_MS;
    const gone = (seen: number | undefined) => seen === undefined || seen < now - 30 * DAY_MS;
    expect(share('growing', recent)).toBeGreaterThan(0.6);
    expect(share('steady', recent)).toBeGreaterThan(0.4);
    expect(share('declining', gone)).toBeGreaterThan(0.75);
    expect(share('silent', gone)).toBe(1);
    const never = book.accounts.filter((a) => !lastSeen.has(a.id)).length / book.accounts.length;
    expect(never).toBeGreaterThan(0.05);
    expect(never).toBeLessThan(0.4);
  });

  it('puts activation milestones in the first weeks of a new customer, and some skip one', () => {
    const activation = new Set(['Integration Connected', 'Invite Sent', 'Seat Activated']);
    const byAccount = eventsByAccount(book);
    let early = 0;
    let total = 0;
    let incomplete = 0;
    const onboarding = book.accounts.filter((a) => a.stage === 'onboarding');
    for (const a of onboarding) {
      const start = Date.parse(`${a.contract_start}T00:00:00Z`);
      const done = (byAccount.get(a.id) ?? []).filter((e) => activation.has(e.event));
      total += done.length;
      early += done.filter((e) => e.ts.getTime() < start + 21 * DAY_MS).length;
      if (new Set(done.map((e) => e.event)).size < 3) incomplete++;
    }
    expect(early / total).toBeGreaterThan(0.8);
    expect(incomplete).toBeGreaterThan(0);
    expect(incomplete).toBeLessThan(onboarding.length * 0.75);
    // Established accounts add a few now and then, so the milestones are far rarer there.
    const established = book.accounts.filter((a) => a.stage !== 'onboarding');
    const ongoing = established.reduce((n, a) => n + (byAccount.get(a.id) ?? []).filter((e) => activation.has(e.event)).length, 0);
    expect(ongoing / established.length).toBeLessThan(total / onboarding.length / 4);
  });

  it('records 60-90 recent outcomes of every kind, on accounts with usage before them', () => {
    const { outcomes } = book;
    expect(outcomes.length).toBeGreaterThanOrEqual(60);
    expect(outcomes.length).toBeLessThanOrEqual(90);
    expect(new Set(outcomes.map((o) => o.kind))).toEqual(new Set(OUTCOME_KINDS));
    expect(new Set(outcomes.map((o) => o.id)).size).toBe(outcomes.length);
    expect(new Set(outcomes.map((o) => o.account_id)).size).toBe(outcomes.length);
    const accounts = new Map(book.accounts.map((a) => [a.id, a]));
    const firstEvent = new Map<string, number>();
    for (const e of book.events) if (!firstEvent.has(e.account_id)) firstEvent.set(e.account_id, e.ts.getTime());
    const today = utcDayStart(NOW);
    for (const o of outcomes) {
      const a = accounts.get(o.account_id);
      if (!a) throw new Error(`outcome ${o.id} of an unknown account`);
      const on = Date.parse(`${o.occurred_on}T00:00:00Z`);
      const ago = (today - on) / DAY_MS;
      expect(ago, a.external_id).toBeGreaterThanOrEqual(10);
      expect(ago, a.external_id).toBeLessThanOrEqual(45);
      // Usage from at least four weeks before: the driver values that driver impact looks at.
      expect(firstEvent.get(a.id) ?? Number.POSITIVE_INFINITY, a.external_id).toBeLessThan(on - 28 * DAY_MS);
      if (a.custom.demo_silent_since) expect(a.custom.demo_silent_since <= o.occurred_on, a.external_id).toBe(true);
      expect(o.note).toBeTruthy();
      if (o.kind === 'churned') {
        expect(a.stage).toBe('churned');
        expect({ renewal: a.renewal_date, before: o.arr_before, after: o.arr_after }).toEqual({ renewal: o.occurred_on, before: a.arr, after: 0 });
      } else {
        // Renewed (possibly bigger or smaller) that day: back in adoption on a fresh one-year term.
        expect(a.stage, a.external_id).toBe('adoption');
        expect(a.contract_start).toBe(o.occurred_on);
        expect((Date.parse(`${a.renewal_date}T00:00:00Z`) - today) / DAY_MS).toBeGreaterThanOrEqual(274);
        expect(o.arr_after).toBe(a.arr);
        if (o.kind === 'renewed') expect(o.arr_before).toBe(o.arr_after);
        if (o.kind === 'expanded') expect(o.arr_before).toBeLessThan(o.arr_after);
        if (o.kind === 'downgraded') expect(o.arr_before).toBeGreaterThan(o.arr_after);
      }
    }
    const churned = book.accounts.filter((a) => a.stage === 'churned');
    expect(outcomes.filter((o) => o.kind === 'churned').map((o) => o.account_id).sort()).toEqual(churned.map((a) => a.id).sort());
  });

  it('correlates outcomes with usage patterns, with about a fifth against the pattern', () => {
    const accounts = new Map(book.accounts.map((a) => [a.id, a]));
    const withPattern = book.outcomes.map((o) => ({ o, a: accounts.get(o.account_id) as DemoAccount }));
    const lostShare = (patterns: string[]) => {
      const xs = withPattern.filter(({ a }) => patterns.includes(a.custom.demo_pattern));
      return xs.filter(({ o }) => isLost(o.kind)).length / xs.length;
    };
    expect(lostShare(['declining', 'silent'])).toBeGreaterThan(0.7);
    expect(lostShare(['growing', 'steady'])).toBeLessThan(0.4);
    const seasonal = withPattern.filter(({ a }) => a.custom.demo_pattern === 'seasonal');
    expect(seasonal.length).toBeGreaterThan(0);
    const against = withPattern.filter(({ o, a }) => contradicts(a, o.kind)).length / withPattern.length;
    expect(against).toBeGreaterThan(0.15);
    expect(against).toBeLessThan(0.25);

    // The signal is there ~4 weeks before the outcome: lost accounts had fewer daily users per seat.
    const before = (kindLost: boolean) => {
      const xs = withPattern.filter(({ o }) => isLost(o.kind) === kindLost).map(({ o, a }) => {
        const end = Date.parse(`${o.occurred_on}T00:00:00Z`) - 28 * DAY_MS;
        const userDays = new Set(
          book.events.filter((e) => e.account_id === a.id && e.ts.getTime() < end && e.ts.getTime() >= end - 28 * DAY_MS).map((e) => `${Math.floor(e.ts.getTime() / DAY_MS)}|${e.user_id}`),
        );
        return userDays.size / 28 / a.seats;
      });
      return xs.reduce((x, y) => x + y, 0) / xs.length;
    };
    expect(before(false)).toBeGreaterThan(before(true) * 1.2);
  });
});
