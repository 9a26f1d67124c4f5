import { describe, expect, it } from 'vitest';
import { startSendPool, type SendPoolOptions } from './send-pool.js';

type Job = { id: string; host: string; ms: number; fail?: boolean };
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * A fake outbox: due jobs in order; a claim takes up to `limit` of them, leaving out full hosts
 * (as the claim SQL does). Records what runs at once, starts, ends, claims, renewals, releases.
 */
function fakeOutbox(jobs: Job[], opts: Partial<SendPoolOptions<Job>> = {}) {
  const due = [...jobs];
  const log = {
    inFlight: 0, maxInFlight: 0, byHost: new Map<string, number>(), maxByHost: new Map<string, number>(),
    started: new Map<string, number>(), ended: new Map<string, number>(), sends: [] as string[],
    claims: [] as { limit: number; full: string[] }[], renewed: [] as string[][], released: [] as string[],
  };
  const t0 = Date.now();
  const pool = startSendPool<Job>({
    concurrency: 4, perHost: 2, pollMs: 10, renewEveryMs: 1000, budgetMs: 10_000,
    hostOf: (j) => j.host,
    async claim(limit, full) {
      log.claims.push({ limit, full: [...full] });
      await sleep(1);
      const out: Job[] = [];
      for (let i = 0; i < due.length && out.length < limit;) {
        const j = due[i] as Job;
        if (full.has(j.host)) i++;
        else out.push(...due.splice(i, 1));
      }
      return out;
    },
    async send(j) {
      log.sends.push(j.id);
      log.started.set(j.id, Date.now() - t0);
      log.inFlight++;
      log.byHost.set(j.host, (log.byHost.get(j.host) ?? 0) + 1);
      log.maxInFlight = Math.max(log.maxInFlight, log.inFlight);
      log.maxByHost.set(j.host, Math.max(log.maxByHost.get(j.host) ?? 0, log.byHost.get(j.host) ?? 0));
      await sleep(j.ms);
      log.inFlight--;
      log.byHost.set(j.host, (log.byHost.get(j.host) ?? 0) - 1);
      log.ended.set(j.id, Date.now() - t0);
      if (j.fail === true) throw new Error('recording failed');
      return true;
    },
    async renew(items) {
      log.renewed.push(items.map((j) => j.id).sort());
    },
    async release(items) {
      log.released.push(...items.map((j) => j.id));
    },
    ...opts,
  });
  return { pool, log, due, add: (j: Job) => due.push(j) };
}

const many = (n: number, host: string, ms: number, prefix = host): Job[] => Array.from({ length: n }, (_, i) => ({ id: `${prefix}${i}`, host, ms }));

describe('send pool', () => {
  it('keeps to the global and the per-host bound and sends everything exactly once', async () => {
    const jobs = [...many(12, 'a', 15), ...many(12, 'b', 10), ...many(12, 'c', 5)];
    const { pool, log } = fakeOutbox(jobs, { concurrency: 5, perHost: 2 });
    const r = await pool.done;
    expect(r).toMatchObject({ sent: 36, failed: 0, released: 0 });
    expect(log.sends.sort()).toEqual(jobs.map((j) => j.id).sort());
    expect(log.maxInFlight).toBeLessThanOrEqual(5);
    expect(log.maxInFlight).toBeGreaterThanOrEqual(5);
    // No host ever above its bound. (Whether a host reaches it depends on timing: the last host's
    // 5 ms sends can each finish before a second slot frees, so reaching it is checked below.)
    for (const h of ['a', 'b', 'c']) expect(log.maxByHost.get(h)).toBeLessThanOrEqual(2);
  });

  it('fills a host up to its bound, not beyond, when only that host has work', async () => {
    // One claim takes 5 items of one host; one dispatch starts exactly 2 of them at once.
    const { pool, log } = fakeOutbox(many(10, 'solo', 20), { concurrency: 5, perHost: 2 });
    const r = await pool.done;
    expect(r).toMatchObject({ sent: 10, failed: 0 });
    expect(log.maxByHost.get('solo')).toBe(2);
    expect(log.maxInFlight).toBe(2);
  });

  it('refills a slot as soon as one send finishes, never waiting for the slowest of a batch', async () => {
    // Two slots: one send takes 300 ms, the others 10 ms each; all go through the second slot meanwhile.
    const jobs: Job[] = [{ id: 'long', host: 'x', ms: 300 }, ...many(8, 'y', 10)];
    const { pool, log } = fakeOutbox(jobs, { concurrency: 2, perHost: 2 });
    await pool.done;
    const long = log.ended.get('long') ?? 0;
    for (let i = 0; i < 8; i++) expect(log.ended.get(`y${i}`)).toBeLessThan(long);
    // Each short send starts right after the previous one ended (a claim round in between).
    for (let i = 1; i < 8; i++) expect((log.started.get(`y${i}`) ?? 0) - (log.ended.get(`y${i - 1}`) ?? 0)).toBeLessThan(40);
  });

  it('a slow host keeps its slots only: the fast host is not held behind it, and the claim leaves the full host out', async () => {
    // The slow host's items are the oldest (first in line), as a backlog would be.
    const jobs = [...many(10, 'slow', 250), ...many(20, 'fast', 5)];
    const { pool, log } = fakeOutbox(jobs, { concurrency: 4, perHost: 2, maxHeld: 8 });
    await pool.done;
    expect(log.maxByHost.get('slow')).toBe(2);
    // All twenty fast ones are done before the first two slow ones even finish.
    const firstSlowEnd = Math.min(...many(10, 'slow', 0).map((j) => log.ended.get(j.id) ?? Infinity));
    for (const j of many(20, 'fast', 0)) expect(log.ended.get(j.id)).toBeLessThan(firstSlowEnd);
    expect(log.claims.some((c) => c.full.includes('slow'))).toBe(true);
    expect(log.sends).toHaveLength(30);
  });

  it('picks up newly due items while a slow send is in flight (polling)', async () => {
    const { pool, log, add } = fakeOutbox([{ id: 'slow', host: 's', ms: 300 }], { pollMs: 20 });
    await sleep(50);
    add({ id: 'late', host: 'f', ms: 1 });
    await pool.done;
    expect(log.ended.get('late')).toBeLessThan(150);
    expect(log.ended.get('slow')).toBeGreaterThanOrEqual(290);
  });

  it('renews the claims of everything held, in flight or waiting', async () => {
    const jobs = [...many(3, 'h', 120)];
    const { pool, log } = fakeOutbox(jobs, { concurrency: 4, perHost: 1, renewEveryMs: 30 });
    const r = await pool.done;
    expect(r.sent).toBe(3);
    expect(r.renewals).toBeGreaterThanOrEqual(8);
    // Early on one is in flight and two wait: all three are renewed together.
    expect(log.renewed[0]).toEqual(['h0', 'h1', 'h2']);
    // Later only what is still held.
    expect(log.renewed[log.renewed.length - 1]).toEqual(['h2']);
  });

  it('after its budget stops claiming, gives back what waits and lets the sends in flight finish', async () => {
    const jobs = many(6, 'h', 100);
    const { pool, log, due } = fakeOutbox(jobs, { concurrency: 4, perHost: 1, budgetMs: 50, maxHeld: 4 });
    const r = await pool.done;
    expect(r.sent).toBe(1);
    expect(log.sends).toEqual(['h0']);
    expect(log.released.sort()).toEqual(['h1', 'h2', 'h3']);
    expect(due.map((j) => j.id)).toEqual(['h4', 'h5']);
    expect(log.ended.get('h0')).toBeGreaterThanOrEqual(95);
  });

  it('ends at once when nothing is due', async () => {
    const { pool, log } = fakeOutbox([]);
    const t = Date.now();
    expect(await pool.done).toMatchObject({ sent: 0, failed: 0, claims: 1 });
    expect(Date.now() - t).toBeLessThan(50);
    expect(log.claims).toHaveLength(1);
  });

  it('a send that throws (its outcome could not be recorded) ends the pool after the others finish, and the pool rejects', async () => {
    const jobs: Job[] = [{ id: 'bad', host: 'a', ms: 5, fail: true }, { id: 'ok', host: 'b', ms: 60 }, ...many(4, 'c', 1)];
    const { pool, log } = fakeOutbox(jobs, { concurrency: 2, perHost: 1 });
    await expect(pool.done).rejects.toThrow('recording failed');
    expect(log.ended.has('ok')).toBe(true);
    expect(log.sends).not.toContain('c3');
  });
});
