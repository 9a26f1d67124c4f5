// The demo's health history as `canopy start --demo` loads it (issue 9 §1): the book, today's scores,
// the back-fill of its 90 days, then the demo work, whose rules are evaluated once at its end.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import type { Database } from '../db/connect.js';
import { createHealthService } from '../health/service.js';
import { createTestDatabase } from '../../test/support/db.js';
import { seedDemo } from './seed.js';
import { seedDemoWork } from './work.js';

let database: Database;
let drop: () => Promise<void>;
let days = 0;

beforeAll(async () => {
  const t = await createTestDatabase();
  database = t.database;
  drop = t.drop;
  days = (await seedDemo(database, { accounts: 60, seed: 7 })).days;
  const health = createHealthService(database, null);
  await health.startRecompute('test');
  await health.startBackfill(days, 'test');
  await seedDemoWork(loadConfig({ LOG_LEVEL: 'silent' }), database, { seed: 7 });
}, 240_000);
afterAll(() => drop());

const rows = async <T>(sql: string) => (await database.query<T>(sql)).rows;

describe('the demo after its load', () => {
  it('has a snapshot for every day since each account’s first use, about 90 for most accounts', async () => {
    const accounts = await rows<{ id: string; n: number; want: number }>(
      `SELECT a.id, count(s.day)::int AS n, (current_date - greatest(current_date - ${days}, a.first_activity_at::date) + 1)::int AS want
         FROM accounts a LEFT JOIN health_snapshots s ON s.account_id = a.id
        WHERE a.first_activity_at IS NOT NULL GROUP BY a.id, a.first_activity_at`,
    );
    expect(days).toBe(90);
    expect(accounts.length).toBeGreaterThan(40);
    for (const a of accounts) expect(a.n, a.id).toBe(a.want);
    expect(accounts.filter((a) => a.n >= 85).length).toBeGreaterThan(accounts.length / 2);
  });

  it('shows real trends: accounts dropped ≥ 10 in 30 days, and the shipped "Health dropped 15 points" rule has fired', async () => {
    const [dropped] = await rows<{ n: number }>(
      `SELECT count(*)::int AS n FROM account_health_effective h JOIN health_snapshots s ON s.account_id = h.account_id AND s.day = current_date - 30
        WHERE s.score - h.computed_score >= 10`,
    );
    expect(dropped?.n).toBeGreaterThan(0);
    const [fired] = await rows<{ n: number }>(
      `SELECT count(*)::int AS n FROM rule_firings f JOIN rules r ON r.id = f.rule_id WHERE r.name = 'Health dropped 15 points'`,
    );
    expect(fired?.n).toBeGreaterThan(0);
  });
});
