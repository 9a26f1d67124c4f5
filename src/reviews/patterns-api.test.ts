import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, unique, type SignedIn, type TestApp } from '../../test/support/app.js';

// A small book of its own (patterns count every account of the database), counted by hand:
//   losses   L1: usage_drop (60 d before), champion_left (30 d)    L2: usage_drop (90), champion_left (20)
//            L3: usage_drop (45)                                    L4 (moved to churned today): champion_left (10)
//   retained R1 (renewed): usage_drop                               R2 (expanded): usage_drop, champion_left (200 d: outside)
//            R3 (active, no outcome): champion_left                 R4 (active): nothing
let t: TestApp;
let manager: SignedIn;
const DAY = 86_400_000;
const dayAgo = (n: number) => new Date(Math.floor(Date.now() / DAY) * DAY - n * DAY);
const iso = (d: Date) => d.toISOString().slice(0, 10);

beforeAll(async () => {
  t = await createTestApp();
  manager = await t.signIn('manager');
});
afterAll(() => t.close());

const api = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) => t.app.inject({ method, url, headers: manager.headers, ...(payload ? { payload } : {}) });

async function account() {
  return ((await api('POST', '/api/accounts', { name: unique('Book'), stage: 'renewal', arr: 10_000 })).json() as { id: string }).id;
}
async function signal(accountId: string, kind: string, end: Date, daysBefore: number) {
  await t.database.query(`INSERT INTO risk_signals (account_id, kind, strength, started_at, source) VALUES ($1, $2, 0.2, $3, 'manual')`,
    [accountId, kind, new Date(end.getTime() - daysBefore * DAY + 3_600_000)]);
}
async function outcome(accountId: string, kind: string, on: Date) {
  expect((await api('POST', '/api/outcomes', { accountId, kind, occurredOn: iso(on), arrBefore: 10_000, arrAfter: kind === 'churned' ? 0 : 10_000 })).statusCode).toBe(201);
}

type Result = { losses: number; retained: number; patterns: { kinds: string[]; labels: string[]; support: number; lossCount: number; retainedCount: number; lift: number; medianLeadDays: number }[] };

describe('GET /api/reviews/patterns on a small book', () => {
  beforeAll(async () => {
    const l1 = await account(); await signal(l1, 'usage_drop', dayAgo(30), 60); await signal(l1, 'champion_left', dayAgo(30), 30); await outcome(l1, 'churned', dayAgo(30));
    const l2 = await account(); await signal(l2, 'usage_drop', dayAgo(50), 90); await signal(l2, 'champion_left', dayAgo(50), 20); await outcome(l2, 'downgraded', dayAgo(50));
    const l3 = await account(); await signal(l3, 'usage_drop', dayAgo(70), 45); await outcome(l3, 'churned', dayAgo(70));
    const l4 = await account(); await signal(l4, 'champion_left', dayAgo(0), 10);
    expect((await api('PATCH', `/api/accounts/${l4}`, { stage: 'churned' })).statusCode).toBe(200);
    const r1 = await account(); await signal(r1, 'usage_drop', dayAgo(20), 30); await outcome(r1, 'renewed', dayAgo(20));
    const r2 = await account(); await signal(r2, 'usage_drop', dayAgo(20), 30); await signal(r2, 'champion_left', dayAgo(20), 200); await outcome(r2, 'expanded', dayAgo(20));
    const r3 = await account(); await signal(r3, 'champion_left', dayAgo(0), 15);
    await account();
  });

  it('counts losses, retained episodes and each combination', async () => {
    const res = await api('GET', '/api/reviews/patterns?minSupport=0');
    expect(res.statusCode).toBe(200);
    const r = res.json() as Result;
    expect(r).toMatchObject({ losses: 4, retained: 4 });
    const base = 4.5 / 9;
    const by = new Map(r.patterns.map((p) => [p.kinds.join('+'), p]));
    // usage_drop: L1 L2 L3; R1 R2 -> lift (3.5/6)/base; leads 60, 90, 45 -> 60
    expect(by.get('usage_drop')).toMatchObject({ lossCount: 3, retainedCount: 2, support: 0.75, medianLeadDays: 60, labels: ['Usage down month on month'] });
    expect(by.get('usage_drop')?.lift).toBeCloseTo(3.5 / 6 / base, 10);
    // champion_left: L1 L2 L4; R3 (R2's is outside the 180 days) -> (3.5/5)/base; leads 30, 20, 10 -> 20
    expect(by.get('champion_left')).toMatchObject({ lossCount: 3, retainedCount: 1, medianLeadDays: 20 });
    expect(by.get('champion_left')?.lift).toBeCloseTo(3.5 / 5 / base, 10);
    // both: L1 L2 (complete at 30 and 20 days before) -> 25; no retained -> (2.5/3)/base
    expect(by.get('champion_left+usage_drop')).toMatchObject({ lossCount: 2, retainedCount: 0, support: 0.5, medianLeadDays: 25 });
    expect(r.patterns.map((p) => p.kinds.join('+'))).toEqual(['champion_left+usage_drop', 'champion_left', 'usage_drop']);
  });

  it('applies minSupport and lookbackDays, and refuses bad values', async () => {
    expect(((await api('GET', '/api/reviews/patterns?minSupport=0.6')).json() as Result).patterns.map((p) => p.kinds.join('+'))).toEqual(['champion_left', 'usage_drop']);
    // 50 days: usage_drop only in L3 (45) -> below 2; champion_left in L1 L2 L4 and R3
    const short = (await api('GET', '/api/reviews/patterns?minSupport=0&lookbackDays=50')).json() as Result;
    expect(short.patterns.map((p) => [p.kinds.join('+'), p.lossCount, p.retainedCount])).toEqual([['champion_left', 3, 1]]);
    for (const q of ['minSupport=2', 'minSupport=-1', 'minSupport=abc', 'minSupport=1e308', 'lookbackDays=3', 'lookbackDays=100000', 'lookbackDays=1.5']) {
      expect((await api('GET', `/api/reviews/patterns?${q}`)).statusCode, q).toBe(400);
    }
  });
});
