import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { connect, type Database, type Queryable } from '../../src/db/connect.js';
import { migrate } from '../../src/db/migrate.js';
import { buildApp } from '../../src/server/app.js';
import { createApiKeyQueries } from '../../src/apikeys/queries.js';
import { SYSTEM_ACTOR } from '../../src/auth/principal.js';
import { createTestDatabase } from '../support/db.js';
import { basic } from '../support/app.js';
import { crashEngine } from '../../src/db/crash.js';

/**
 * The database goes away in the middle of an ingestion transaction: on PostgreSQL the server
 * ends our session right after the messageIds were claimed; on PGlite the embedded database
 * is closed. Either way the client gets 503 and nothing of the batch is stored.
 */
/** Each test opens its own database (and the last one reopens one): slow on a busy machine. */
const SLOW = 180_000;

describe('database unavailable', () => {
  it('answers 503 with a stable code and stores nothing', async () => {
    const { database, drop, url } = await createTestDatabase();
    const { key } = await createApiKeyQueries(database).create({ name: 'w', kind: 'write' }, SYSTEM_ACTOR);
    let failing = false;
    const flaky: Database = {
      ...database,
      transaction: <T>(fn: (tx: Queryable) => Promise<T>) =>
        database.transaction(async (tx) => {
          let statements = 0;
          return fn({
            async query<R>(text: string, values?: unknown[]) {
              const result = await tx.query<R>(text, values);
              if (failing && ++statements === 1) {
                if (url) await tx.query('SELECT pg_terminate_backend(pg_backend_pid())');
                else await database.close();
              }
              return result;
            },
          });
        }),
    };
    const app = await buildApp({ config: loadConfig({ LOG_LEVEL: 'silent' }), database: flaky, logger: false, webDist: '/nonexistent' });
    try {
      failing = true;
      const batch = { batch: [{ type: 'track', userId: 'u', event: 'E', messageId: 'down-1' }, { type: 'group', userId: 'u', groupId: 'down-acct' }] };
      const res = await app.inject({ method: 'POST', url: '/v1/batch', payload: batch, headers: { authorization: basic(key) } });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toMatchObject({ code: 'service.unavailable' });
      expect(res.headers['retry-after']).toBe('5');
      if (url) {
        failing = false;
        const stored = await database.query<{ n: number }>(
          `SELECT (SELECT count(*) FROM events) + (SELECT count(*) FROM ingest_dedupe) + (SELECT count(*) FROM accounts) AS n`,
        );
        expect(Number(stored.rows[0]?.n)).toBe(0);
        // And the same batch, retried once the database is back, is stored in full.
        const retry = await app.inject({ method: 'POST', url: '/v1/batch', payload: batch, headers: { authorization: basic(key) } });
        expect(retry.json()).toMatchObject({ accepted: 2 });
      }
    } finally {
      await app.close();
      if (url) await drop();
    }
  }, SLOW);

  it('maps a session that lost its connection to 503: pg "not queryable", a crashed embedded engine', async () => {
    const { database, drop, url } = await createTestDatabase();
    const app = await buildApp({ config: loadConfig({ LOG_LEVEL: 'silent' }), database, logger: false, webDist: '/nonexistent' });
    let seen: unknown;
    // A caller that carries on after a failed statement (as a per-row fallback does) meets the broken session again.
    app.get('/test/broken-session', { config: { auth: false } }, async () => {
      await database.transaction(async (tx) => {
        if (url) {
          await tx.query('SELECT pg_terminate_backend(pg_backend_pid())').catch(() => undefined);
          await tx.query('SELECT 1').catch(() => undefined);
        } else {
          await crashEngine(tx).catch(() => undefined);
        }
        await tx.query('SELECT 1').catch((err: unknown) => {
          seen = err;
          throw err;
        });
      });
    });
    try {
      const res = await app.inject({ method: 'GET', url: '/test/broken-session' });
      if (url) expect((seen as Error).message).toBe('Client has encountered a connection error and is not queryable');
      else expect(seen).toMatchObject({ name: 'DatabaseUnavailableError' });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toMatchObject({ code: 'service.unavailable' });
      expect(res.headers['retry-after']).toBe('5');
    } finally {
      await app.close();
      await drop();
    }
  }, SLOW);

  it('health answers 200 while SELECT 1 answers, 503 with Retry-After once the database is gone', async () => {
    const { database, drop, url } = await createTestDatabase();
    // On PostgreSQL a second pool, so that the test database can still be dropped after this one ends.
    const handle = url ? await connect({ databaseUrl: url, poolSize: 1 }) : database;
    const app = await buildApp({ config: loadConfig({ LOG_LEVEL: 'silent' }), database: handle, logger: false, webDist: '/nonexistent' });
    try {
      const ok = await app.inject({ method: 'GET', url: '/api/health' });
      expect(ok.statusCode).toBe(200);
      expect(ok.json()).toEqual({ status: 'ok', database: handle.kind });
      await handle.close();
      const down = await app.inject({ method: 'GET', url: '/api/health' });
      expect(down.statusCode).toBe(503);
      expect(down.json()).toMatchObject({ code: 'service.unavailable' });
      expect(down.headers['retry-after']).toBe('5');
    } finally {
      await app.close();
      await drop();
    }
  }, SLOW);
});

/**
 * The embedded engine in a data folder (whatever TEST_DATABASE_URL says: this is about PGlite)
 * crashes for real; while its supervisor reopens it, health and ingestion say 503 with Retry-After;
 * then health says 200, the batch stored before the crash is all there, and a new one is accepted.
 */
describe('embedded database crash, over HTTP', () => {
  it('answers 503 while the engine reopens, then serves everything committed before', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'canopy-http-crash-'));
    const database = await connect({ dataDir: dir });
    const app = await buildApp({ config: loadConfig({ LOG_LEVEL: 'silent' }), database, logger: false, webDist: '/nonexistent' });
    try {
      await migrate(database);
      const { key } = await createApiKeyQueries(database).create({ name: 'w', kind: 'write' }, SYSTEM_ACTOR);
      const post = (messageId: string) => app.inject({
        method: 'POST', url: '/v1/batch', headers: { authorization: basic(key) },
        payload: { batch: [{ type: 'track', userId: 'u', event: 'E', messageId }] },
      });
      expect((await post('before-crash')).json()).toMatchObject({ accepted: 1 });

      // Straight to the database, past the HTTP depth limit: a job could send such a value.
      await expect(crashEngine(database)).rejects.toMatchObject({ code: '57P03' });
      const health = await app.inject({ method: 'GET', url: '/api/health' });
      expect(health.statusCode).toBe(503);
      expect(health.headers['retry-after']).toBe('5');
      const refused = await post('during-reopen');
      expect(refused.statusCode).toBe(503);
      expect(refused.headers['retry-after']).toBe('5');

      const until = Date.now() + 120_000;
      while ((await app.inject({ method: 'GET', url: '/api/health' })).statusCode !== 200) {
        if (Date.now() > until) throw new Error('the embedded database did not come back');
        await sleep(200);
      }
      const { rows } = await database.query<{ message_id: string }>('SELECT message_id FROM events ORDER BY message_id');
      expect(rows.map((r) => r.message_id)).toEqual(['before-crash']);
      expect((await post('after-reopen')).json()).toMatchObject({ accepted: 1 });
    } finally {
      await app.close();
      await database.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, SLOW);
});
