import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import type { Database, Queryable } from '../../src/db/connect.js';
import { buildApp } from '../../src/server/app.js';
import { createApiKeyQueries } from '../../src/apikeys/queries.js';
import { SYSTEM_ACTOR } from '../../src/auth/principal.js';
import { createTestDatabase } from '../support/db.js';
import { basic } from '../support/app.js';

/**
 * The database goes away in the middle of an ingestion transaction: on PostgreSQL the server
 * ends our session right after the messageIds were claimed; on PGlite the embedded database
 * is closed. Either way the client gets 503 and nothing of the batch is stored.
 */
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
  });
});
