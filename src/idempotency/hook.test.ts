import Fastify, { type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../test/support/db.js';
import type { Database } from '../db/connect.js';
import { errorHandler } from '../http/error-handler.js';
import { registerIdempotency } from './hook.js';
import { createIdempotencyStore } from './store.js';

/** The hook's timing paths (waiting, 409, lease, 5xx) on a small app with short bounds, over a real database. */
let database: Database;
let drop: () => Promise<void>;
let app: FastifyInstance;
let runs = 0;
let gate: Promise<void> = Promise.resolve();
let open: () => void = () => undefined;
let failNext = false;
const close = () => open();
const shut = () => {
  gate = new Promise((resolve) => { open = resolve; });
};

beforeAll(async () => {
  ({ database, drop } = await createTestDatabase());
  app = Fastify({ logger: false });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(errorHandler);
  app.decorateRequest('principal', null);
  app.addHook('onRequest', async (req) => {
    req.principal = { kind: 'api_key', keyId: 'k1', role: 'admin', name: 'test' };
  });
  registerIdempotency(app, createIdempotencyStore(database, { leaseMs: 600 }), { waitMs: 400, pollMs: 20 });
  app.withTypeProvider<ZodTypeProvider>().post('/api/things', { schema: { body: z.object({ name: z.string() }) } }, async (req, reply) => {
    await gate;
    if (failNext) {
      failNext = false;
      throw new Error('boom');
    }
    return reply.status(201).send({ run: ++runs, name: req.body.name });
  });
  await app.ready();
});
afterAll(async () => {
  await app.close();
  await drop();
});

const send = (key: string, name = 'a') => app.inject({ method: 'POST', url: '/api/things', headers: { 'idempotency-key': key }, payload: { name } });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('Idempotency-Key hook', () => {
  it('a repeat waits for the first; past the bound it answers 409 with Retry-After, and the lease is renewed meanwhile', async () => {
    shut();
    const before = runs;
    const first = send('slow');
    await sleep(100);
    // Longer than a lease: the owner renews its lease, so the repeat never takes the key over.
    const repeats = [];
    for (let i = 0; i < 2; i++) repeats.push(await send('slow'));
    for (const r of repeats) {
      expect(r.statusCode).toBe(409);
      expect(r.json()).toMatchObject({ code: 'idempotency.in_progress' });
      expect(r.headers['retry-after']).toBe('1');
    }
    const waiting = send('slow');
    await sleep(100);
    close();
    const [a, b] = await Promise.all([first, waiting]);
    expect(a.statusCode).toBe(201);
    expect(b.body).toBe(a.body);
    expect(b.headers['idempotent-replayed']).toBe('true');
    expect(runs).toBe(before + 1);
  });

  it('a 5xx gives the key back: the retry runs', async () => {
    failNext = true;
    const first = await send('flaky');
    expect(first.statusCode).toBe(500);
    const retry = await send('flaky');
    expect(retry.statusCode).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBeUndefined();
  });

  it('a waiter whose owner vanished takes the key itself', async () => {
    shut();
    const before = runs;
    const first = send('vanish');
    await sleep(50);
    const waiter = send('vanish');
    await sleep(50);
    await database.query(`DELETE FROM idempotency_keys WHERE key = 'vanish'`);
    await sleep(100);
    close();
    const [a, b] = await Promise.all([first, waiter]);
    expect([a.statusCode, b.statusCode]).toEqual([201, 201]);
    expect(runs).toBe(before + 2);
    // The stored answer is the waiter's: the first owner had lost the key.
    const { rows } = await database.query<{ response: string }>(`SELECT response FROM idempotency_keys WHERE key = 'vanish'`);
    expect(rows[0]?.response).toBe(b.body);
  });
});
