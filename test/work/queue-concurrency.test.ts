import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/connect.js';
import { createJobQueue, type JobDefinition, type JobQueue } from '../../src/jobs/queue.js';
import { createTestDatabase } from '../support/db.js';

/**
 * A queue worked with `concurrency` > 1: one fetch claims several jobs and runs them at once, yet
 * each job keeps its own outcome (a failing job is retried alone; its batch-mates run once), and a
 * backlog drains without a polling pause per batch.
 */
const quiet = { info: () => undefined, error: () => undefined };
let database: Database;
let drop: () => Promise<void>;
let queue: JobQueue;
const calls = new Map<number, number>();
const succeeded = new Set<number>();
let inFlight = 0;
let maxInFlight = 0;

const definitions: JobDefinition[] = [{
  name: 'test.concurrent',
  concurrency: 4,
  retryLimit: 2,
  retryDelaySeconds: 1,
  handler: async (data: object) => {
    const { i } = data as { i: number };
    calls.set(i, (calls.get(i) ?? 0) + 1);
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    try {
      await new Promise((r) => setTimeout(r, 20));
      if (i === 3 && calls.get(i) === 1) throw new Error('first attempt fails');
      succeeded.add(i);
    } finally {
      inFlight--;
    }
  },
}];

beforeAll(async () => {
  const t = await createTestDatabase();
  database = t.database;
  drop = t.drop;
  queue = await createJobQueue(database, t.url, definitions, quiet);
  await queue.work();
}, 60_000);
afterAll(async () => {
  await queue.stop();
  await drop();
});

describe('a queue with concurrency', () => {
  it('runs a batch at once, retries only the job that failed, and drains a backlog without pausing', async () => {
    const n = 40;
    const t0 = Date.now();
    for (let i = 0; i < n; i++) await queue.send('test.concurrent', { i });
    const deadline = Date.now() + 30_000;
    let othersDoneMs = Number.POSITIVE_INFINITY;
    while (succeeded.size < n && Date.now() < deadline) {
      if (othersDoneMs === Number.POSITIVE_INFINITY && succeeded.size === n - 1 && !succeeded.has(3)) othersDoneMs = Date.now() - t0;
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(succeeded.size).toBe(n);
    expect(calls.get(3)).toBe(2);
    expect([...calls].filter(([i]) => i !== 3).every(([, c]) => c === 1)).toBe(true);
    expect(maxInFlight).toBeGreaterThan(1);
    expect(maxInFlight).toBeLessThanOrEqual(4);
    // 10 batches of 4: with pg-boss's 0.5 s pause after each fetch this would take 5 s or more
    // (the failed job waits for its retry delay, so it is left out).
    expect(othersDoneMs).toBeLessThan(4_000);
    const { rows } = await database.query<{ state: string; n: number }>(
      `SELECT state, count(*)::int AS n FROM pgboss.job WHERE name = 'test.concurrent' GROUP BY state`,
    );
    expect(rows).toEqual([{ state: 'completed', n }]);
  }, 40_000);
});
