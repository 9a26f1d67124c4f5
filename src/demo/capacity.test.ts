// The demo's capacity (issue 11) on a real database: after the load, the capacity screens have
// something to say — accounts near and over this week's spoons, a confirmed overload on record, a
// capacity lowered for a reason quoted from the evidence, spoons given, a contact's own capacity.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/support/app.js';
import { accountCapacity } from '../capacity/index.js';
import { demoCapacityLine, seedDemoCapacity, type DemoCapacitySummary } from './capacity.js';
import { seedDemoReadiness } from './readiness.js';
import { seedDemo } from './seed.js';

let t: TestApp;
let summary: DemoCapacitySummary;
const now = new Date();

let readinessLoaded: Awaited<ReturnType<typeof seedDemoReadiness>>;

beforeAll(async () => {
  t = await createTestApp();
  await seedDemo(t.database, { accounts: 60, days: 30, seed: 13, now });
  readinessLoaded = await seedDemoReadiness(t.config, t.database, { seed: 13, now });
  summary = await seedDemoCapacity(t.config, t.database, { seed: 13, now });
}, 240_000);
afterAll(() => t.close());

const cap = (id: string) => accountCapacity(t.database, id, now);

describe('demo capacity', () => {
  it('has accounts near capacity (a few spoons left) and over it (none left), with one overload recorded', async () => {
    expect(summary).toMatchObject({ near: 2, over: 2, overloads: 1 });
    for (const id of summary.accounts.near) {
      const c = await cap(id);
      expect(c.used, id).toBeGreaterThan(0);
      expect(c.left, id).toBeGreaterThan(0);
      expect(c.left, id).toBeLessThanOrEqual(Math.max(3, c.capacity - 7));
    }
    const over = await Promise.all(summary.accounts.over.map(cap));
    for (const c of over) expect(c.left).toBeLessThanOrEqual(0);
    expect(over.some((c) => c.left < 0 && c.overloads === 1 && c.asks.some((a) => a.overload))).toBe(true);
  });

  it('lowers one account for a low-confidence check-in and sustain talk, quoting them', async () => {
    const [id] = summary.accounts.lowered;
    const c = await cap(id as string);
    expect(c.base).toBe(10);
    expect(c.capacity).toBeLessThan(10);
    const text = c.reasons.map((r) => r.text).join('\n');
    expect(text).toContain('Low confidence: 3/10 on “Move the reporting to scheduled exports”');
    expect(text).toMatch(/Sustain talk in an activity note .*busy/);
  });

  it('gives spoons (a customer task turned into ours, and one of ours), and sets a contact her own capacity', async () => {
    expect(summary.spoonsGiven).toBe(2);
    for (const id of summary.accounts.given) expect((await cap(id)).given).toHaveLength(1);
    const [own] = summary.accounts.ownCapacity;
    const c = await cap(own as string);
    expect(c).toMatchObject({ capacity: 14, isDefault: false, contacts: [{ capacity: 3, used: 2, left: 1 }] });
  });
});

describe('the capacity demo\'s log line', () => {
  it('says what it added after the readiness line was printed, so the two lines add up to the database', async () => {
    expect(summary.added).toMatchObject({ initiatives: 1, checkIns: 1, activities: 1 });
    expect(summary.added.tasks).toBeGreaterThan(0);
    const { rows: [db] } = await t.database.query<{ initiatives: number; accounts: number }>(
      'SELECT count(*)::int AS initiatives, count(DISTINCT account_id)::int AS accounts FROM initiatives');
    expect(readinessLoaded.initiatives + summary.added.initiatives).toBe(db?.initiatives);
    expect(summary.readinessAfter).toEqual({ initiatives: db?.initiatives, accounts: db?.accounts });
    const line = demoCapacityLine(summary);
    expect(line).toContain('1 initiative with 1 check-in and 1 activity');
    expect(line).toContain(`(readiness now: ${db?.initiatives} initiatives on ${db?.accounts} accounts)`);
  });
});
