// PostgreSQL only (npm run test:pg): lock order needs concurrent sessions, which PGlite's single
// session cannot have. Two /v1/batch transactions touching the same accounts must queue behind
// each other, never deadlock, and a trait update must not wait for another transaction's
// foreign-key checks.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/connect.js';
import { createPgTestDatabase } from '../../test/support/db.js';
import { createIngestService } from './service.js';
import type { SegmentMessage } from './segment.js';

let database: Database;
let url: string;
let drop: () => Promise<void>;
let deadlocks = 0;
let ingest: ReturnType<typeof createIngestService>;
const writeKey = { id: '', name: 'lock-order' };

beforeAll(async () => {
  const t = await createPgTestDatabase();
  database = t.database;
  url = t.url;
  drop = t.drop;
  writeKey.id = (await database.query<{ id: string }>(`INSERT INTO api_keys (name, kind, prefix, key_hash) VALUES ('w', 'write', 'wk_lock', 'x') RETURNING id`)).rows[0]?.id as string;
  // Every transaction the service runs, with its deadlocks counted (the service retries them).
  const counted = new Proxy(database, {
    get(target, prop, receiver) {
      if (prop !== 'transaction') return Reflect.get(target, prop, receiver) as unknown;
      return <T>(fn: Parameters<Database['transaction']>[0]) => target.transaction(fn as never).catch((err: unknown) => {
        if ((err as { code?: string }).code === '40P01') deadlocks++;
        throw err;
      }) as Promise<T>;
    },
  });
  ingest = createIngestService(counted, null);
}, 60_000);
afterAll(() => drop());

const group = (g: string, n: number): SegmentMessage => ({ type: 'group', userId: `${g}-u`, groupId: g, traits: { name: `${g} v${n}`, seats: 10 + n } } as SegmentMessage);
const track = (g: string, user: string): SegmentMessage => ({ type: 'track', userId: user, event: 'Used', context: { groupId: g } } as SegmentMessage);

describe('row locks of concurrent batches', () => {
  it('updates an account\'s traits while another transaction holds the foreign-key lock on it', async () => {
    await ingest.ingest(writeKey, [group('fk-a', 0)]);
    const other = new pg.Client({ connectionString: url });
    await other.connect();
    try {
      await other.query('BEGIN');
      // What an insert referencing the account takes (events, usage_daily, health_dirty rows).
      await other.query(`SELECT 1 FROM accounts WHERE external_id = 'fk-a' FOR KEY SHARE`);
      const done = ingest.ingest(writeKey, [group('fk-a', 1), track('fk-a', 'fk-a-u')]).then(() => 'stored' as const);
      const late = new Promise<'waited'>((r) => setTimeout(() => r('waited'), 3000));
      expect(await Promise.race([done, late])).toBe('stored');
    } finally {
      await other.query('ROLLBACK');
      await other.end();
    }
    const { rows } = await database.query<{ name: string }>(`SELECT name FROM accounts WHERE external_id = 'fk-a'`);
    expect(rows[0]?.name).toBe('fk-a v1');
  });

  it('two batches naming the same accounts in opposite orders never deadlock, and every event counts once', async () => {
    const rounds = 25;
    const keys = Array.from({ length: 6 }, (_, i) => `acc-${i}`);
    await ingest.ingest(writeKey, keys.map((k) => group(k, 0)));
    deadlocks = 0;
    for (let round = 1; round <= rounds; round++) {
      // A changes the traits of the first half and uses the second; B the other way round.
      const a = [...keys.slice(0, 3).map((k) => group(k, round)), ...keys.slice(3).flatMap((k) => [track(k, `${k}-a${round}`), track(k, `${k}-x`)])];
      const b = [...keys.slice(3).map((k) => group(k, round)), ...keys.slice(0, 3).flatMap((k) => [track(k, `${k}-b${round}`), track(k, `${k}-x`)])];
      await Promise.all([ingest.ingest(writeKey, a), ingest.ingest(writeKey, b)]);
    }
    expect(deadlocks).toBe(0);
    const { rows } = await database.query<{ external_id: string; count: number }>(
      `SELECT a.external_id, u.count FROM usage_daily u JOIN accounts a ON a.id = u.account_id
        WHERE u.event = '$all' AND a.external_id = ANY ($1::text[]) ORDER BY 1`, [keys],
    );
    // Each account: two track events per round, all today.
    expect(rows.map((r) => [r.external_id, Number(r.count)])).toEqual(keys.map((k) => [k, 2 * rounds]));
  });
});
