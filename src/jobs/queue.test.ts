import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../test/support/db.js';
import type { Database } from '../db/connect.js';
import { createIngestService } from '../ingest/service.js';
import { ingestJobs } from '../ingest/jobs.js';
import { createApiKeyQueries } from '../apikeys/queries.js';
import { SYSTEM_ACTOR } from '../auth/principal.js';
import { createJobQueue, type JobQueue } from './queue.js';

const quiet = { info: () => undefined, error: () => undefined };

describe('job queue (pg-boss on this database)', () => {
  let database: Database;
  let drop: () => Promise<void>;
  let url: string | undefined;
  let queue: JobQueue;
  beforeAll(async () => {
    const t = await createTestDatabase();
    database = t.database;
    drop = t.drop;
    url = t.url;
    queue = await createJobQueue(database, t.url, ingestJobs(createIngestService(database, null), 8), quiet);
    await queue.work();
  }, 60_000);
  afterAll(async () => {
    await queue.stop();
    await drop();
  });

  it('attributes kept events in a background job after the account appears', async () => {
    const ingest = createIngestService(database, queue);
    const { apiKey } = await createApiKeyQueries(database).create({ name: 'w', kind: 'write' }, SYSTEM_ACTOR);
    const key = { id: apiKey.id, name: apiKey.name };
    await ingest.ingest(key, [{ type: 'track', userId: 'u1', event: 'Logged In', context: { groupId: 'job-acct' } }]);
    await ingest.ingest(key, [{ type: 'group', userId: 'u1', groupId: 'job-acct' }]);
    const pending = async () => (await database.query<{ n: number }>('SELECT count(*)::int AS n FROM events WHERE account_id IS NULL')).rows[0]?.n;
    const deadline = Date.now() + 20_000;
    while ((await pending()) !== 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    expect(await pending()).toBe(0);
    const usage = await database.query<{ n: number }>(`SELECT sum(count)::int AS n FROM usage_daily u JOIN accounts a ON a.id = u.account_id WHERE a.external_id = 'job-acct' AND u.event = 'Logged In'`);
    expect(usage.rows[0]?.n).toBe(1);
  }, 30_000);

  it('applies a changed queue policy and retry limit to a queue an earlier version created', async () => {
    const handler = async () => undefined;
    const before = await createJobQueue(database, url, [{ name: 'test.policy-upgrade', retryLimit: 3, handler }], quiet);
    expect(await before.boss.getQueue('test.policy-upgrade')).toMatchObject({ policy: 'standard', retryLimit: 3 });
    await before.stop();
    const after = await createJobQueue(database, url, [{ name: 'test.policy-upgrade', policy: 'short', retryLimit: 1, handler }], quiet);
    expect(await after.boss.getQueue('test.policy-upgrade')).toMatchObject({ policy: 'short', retryLimit: 1 });
    await after.stop();
  }, 30_000);
});
