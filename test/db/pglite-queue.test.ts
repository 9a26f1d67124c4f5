import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SupervisedPglite } from '../../src/db/pglite-supervised.js';
import { currentPriority, DatabaseBusyError, priorityOfSql, type Priority, SessionQueue, withPriority } from '../../src/db/pglite-queue.js';
import Fastify from 'fastify';
import { errorHandler, isDatabaseUnavailable } from '../../src/http/error-handler.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A holder that keeps the queue's session until `release()` is called. */
async function hold(queue: SessionQueue) {
  let release: (() => void) | undefined;
  const done = queue.run(() => new Promise<void>((r) => (release = r)), 'interactive');
  while (!release) await sleep(1);
  return { done, release };
}

describe('the queue for the one PGlite session', () => {
  it('serves interactive callers before background ones, in arrival order within each', async () => {
    const queue = new SessionQueue({ maxWaitMs: 10_000, agingMs: 10_000 });
    const order: string[] = [];
    const h = await hold(queue);
    const runs = [
      queue.run(async () => void order.push('bg1'), 'background'),
      queue.run(async () => void order.push('i1'), 'interactive'),
      queue.run(async () => void order.push('bg2'), 'background'),
      queue.run(async () => void order.push('i2'), 'interactive'),
    ];
    h.release();
    await Promise.all([h.done, ...runs]);
    expect(order).toEqual(['i1', 'i2', 'bg1', 'bg2']);
  });

  it('lets a background caller that waited past the aging bound go ahead of interactive ones', async () => {
    const queue = new SessionQueue({ maxWaitMs: 10_000, agingMs: 50 });
    const order: string[] = [];
    const h = await hold(queue);
    const bg = queue.run(async () => void order.push('bg'), 'background');
    await sleep(80);
    const i = queue.run(async () => void order.push('i'), 'interactive');
    h.release();
    await Promise.all([h.done, bg, i]);
    expect(order).toEqual(['bg', 'i']);
  });

  it('refuses an interactive caller that waited past maxWaitMs, without running it; a background one keeps waiting', async () => {
    const queue = new SessionQueue({ maxWaitMs: 60, agingMs: 10_000 });
    const ran: string[] = [];
    const h = await hold(queue);
    const started = performance.now();
    const interactive = queue.run(async () => void ran.push('interactive'), 'interactive').catch((e: unknown) => e);
    const background = queue.run(async () => void ran.push('background'), 'background');
    const err = await interactive;
    expect(performance.now() - started).toBeLessThan(1000);
    expect(err).toBeInstanceOf(DatabaseBusyError);
    expect(err).toMatchObject({ code: '57P03' });
    // The HTTP layer answers it as a database that is unavailable: 503 with Retry-After.
    expect(isDatabaseUnavailable(err)).toBe(true);
    expect(queue.stats.refused).toBe(1);
    await sleep(100);
    expect(ran).toEqual([]);
    h.release();
    await Promise.all([h.done, background]);
    expect(ran).toEqual(['background']);
  });

  it('refuses at once when the expected wait of the queue ahead already exceeds maxWaitMs', async () => {
    const queue = new SessionQueue({ maxWaitMs: 1000, agingMs: 10_000 });
    await queue.run(() => sleep(100), 'interactive'); // teaches the queue how long a caller holds the session
    const ewma = queue.stats.holdEwmaMs;
    expect(ewma).toBeGreaterThanOrEqual(95);
    const h = await hold(queue);
    const waiting: Promise<unknown>[] = [];
    let refused: { err: unknown; ms: number } | null = null;
    while (!refused && waiting.length < 20) {
      const started = performance.now();
      let settled: unknown = null;
      const p = queue.run(() => sleep(1), 'interactive').catch((e: unknown) => (settled = e));
      await Promise.resolve();
      await Promise.resolve();
      if (settled) refused = { err: settled, ms: performance.now() - started };
      else waiting.push(p);
    }
    expect(refused?.err).toBeInstanceOf(DatabaseBusyError);
    expect(refused?.ms).toBeLessThan(30);
    // Refused exactly when the callers ahead, at the learned hold time each, would take longer than maxWaitMs.
    expect(waiting.length * ewma).toBeGreaterThan(1000);
    expect((waiting.length - 1) * ewma).toBeLessThanOrEqual(1000);
    h.release();
    await Promise.all([h.done, ...waiting]);
  });

  it('takes the priority from the caller, background by default, and treats pg-boss statements as background', () => {
    expect(priorityOfSql('SELECT 1')).toBe('background');
    expect(withPriority('interactive', () => priorityOfSql('SELECT 1'))).toBe('interactive');
    expect(withPriority('interactive', () => priorityOfSql('WITH next as (SELECT id FROM pgboss.job)'))).toBe('background');
  });

  it('marks the work of a request to a Node HTTP server as interactive, and nothing outside it', async () => {
    const seen: Priority[] = [];
    const server = http.createServer((req, res) => {
      seen.push(currentPriority());
      req.on('data', () => undefined);
      req.on('end', () => {
        void (async () => {
          await sleep(5);
          seen.push(currentPriority());
          res.end('ok');
        })();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const { port } = server.address() as AddressInfo;
      const r = await fetch(`http://127.0.0.1:${port}/`, { method: 'POST', body: 'x'.repeat(100_000) });
      expect(await r.text()).toBe('ok');
    } finally {
      server.close();
    }
    expect(seen).toEqual(['interactive', 'interactive']);
    expect(currentPriority()).toBe('background');
  });
});

describe('the embedded database under a long statement', () => {
  let engine: SupervisedPglite;
  beforeAll(async () => {
    engine = await SupervisedPglite.open({ pgdata: undefined, maxWaitMs: 200 });
    await engine.withSession((s) => s.exec('CREATE TABLE t (v int)'));
  });
  afterAll(async () => {
    await engine.close();
  });

  it('answers a waiting request with DatabaseBusyError after maxWaitMs, before it runs, and serves the next one normally', async () => {
    const long = engine.withSession((s) => s.exec('SELECT pg_sleep(1)'));
    await sleep(20);
    const started = performance.now();
    const err = await engine.withSession((s) => s.query('INSERT INTO t VALUES ($1)', [1]), 'interactive').catch((e: unknown) => e);
    const waited = performance.now() - started;
    expect(err).toBeInstanceOf(DatabaseBusyError);
    expect(waited).toBeGreaterThanOrEqual(150);
    expect(waited).toBeLessThan(900); // refused while the long statement still ran
    await long;
    const { rows } = await engine.withSession((s) => s.query('SELECT count(*)::int AS n FROM t', []));
    expect(rows).toEqual([{ n: 0 }]);
    expect(engine.queue.refused).toBe(1);
    expect(engine.state).toBe('up');
  });

  it('answers service.busy also when the refusal comes wrapped as a cause (as drizzle wraps query errors)', async () => {
    const app = Fastify();
    app.setErrorHandler(errorHandler);
    app.get('/wrapped', async () => {
      throw new Error('Failed query: select 1', { cause: new DatabaseBusyError(5000) });
    });
    const res = await app.inject({ method: 'GET', url: '/wrapped' });
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBe('5');
    expect(res.json()).toMatchObject({ code: 'service.busy' });
    await app.close();
  });

  it('answers an HTTP request that cannot get the session in time with 503 and Retry-After, at once after maxWaitMs', async () => {
    const app = Fastify();
    app.setErrorHandler(errorHandler);
    app.get('/count', async () => (await engine.withSession((s) => s.query('SELECT count(*)::int AS n FROM t', []))).rows[0]);
    await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const { port } = app.server.address() as AddressInfo;
      const long = engine.withSession((s) => s.exec('SELECT pg_sleep(1)'));
      await sleep(20);
      const started = performance.now();
      const busy = await fetch(`http://127.0.0.1:${port}/count`);
      expect(performance.now() - started).toBeLessThan(900);
      expect(busy.status).toBe(503);
      expect(Number(busy.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await busy.json()).toMatchObject({ code: 'service.busy' });
      await long;
      const ok = await fetch(`http://127.0.0.1:${port}/count`);
      expect(ok.status).toBe(200);
      expect(await ok.json()).toEqual({ n: 0 });
    } finally {
      await app.close();
    }
  });
});
