// Group commit: the combiner on its own, then the ingest service storing concurrent plain batches
// together (on PGlite, or on PostgreSQL with TEST_DATABASE_URL).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/connect.js';
import { createTestDatabase } from '../../test/support/db.js';
import { createGroupCommit } from './group-commit.js';
import { createIngestService, groupCommitInFlight } from './service.js';
import type { SegmentMessage } from './segment.js';

const deferred = () => {
  let release!: () => void;
  const done = new Promise<void>((r) => { release = r; });
  return { done, release };
};

describe('createGroupCommit', () => {
  it('runs a lone request at once and stores the requests that arrived meanwhile as one group, each with its own result', async () => {
    const groups: number[][] = [];
    const gate = deferred();
    const gc = createGroupCommit(async (items: number[]) => {
      groups.push(items);
      if (groups.length === 1) await gate.done;
      return items.map((i) => i * 10);
    }, { maxInFlight: 1, maxWeight: 100 });
    const first = gc.submit('k', 1);
    const later = [2, 3, 4, 5].map((i) => gc.submit('k', i));
    expect(gc.waiting()).toBe(4);
    gate.release();
    expect(await first).toBe(10);
    expect(await Promise.all(later)).toEqual([20, 30, 40, 50]);
    expect(groups).toEqual([[1], [2, 3, 4, 5]]);
  });

  it('caps a group by weight, keeps keys apart, and fails only the members of the group that failed', async () => {
    const groups: string[][] = [];
    const gate = deferred();
    const gc = createGroupCommit(async (items: string[]) => {
      groups.push(items);
      if (items[0] === 'a0') await gate.done;
      if (items.includes('a2')) throw new Error('boom');
      return items;
    }, { maxInFlight: 1, maxWeight: 2 });
    const a0 = gc.submit('a', 'a0', 1);
    const b0 = gc.submit('b', 'b0', 1); // another key: not behind a0
    expect(await b0).toBe('b0');
    const rest = ['a1', 'a2', 'a3', 'a4'].map((x) => gc.submit('a', x, 1).then(() => 'ok', (e: Error) => e.message));
    gate.release();
    await a0;
    expect(await Promise.all(rest)).toEqual(['boom', 'boom', 'ok', 'ok']);
    expect(groups).toEqual([['a0'], ['b0'], ['a1', 'a2'], ['a3', 'a4']]);
  });

  it('refuses a member that waited longer than maxWaitMs, never running it, so the queue stays bounded', async () => {
    const groups: string[][] = [];
    const gate = deferred();
    const gc = createGroupCommit(async (items: string[]) => {
      groups.push(items);
      if (items[0] === 'slow') await gate.done;
      return items;
    }, { maxInFlight: 1, maxWeight: 10, maxWaitMs: 50, refuse: () => new Error('busy') });
    const slow = gc.submit('k', 'slow');
    const late = gc.submit('k', 'late').then(() => 'stored', (e: Error) => e.message);
    expect(await late).toBe('busy');
    expect(gc.waiting()).toBe(0);
    gate.release();
    expect(await slow).toBe('slow');
    expect(await gc.submit('k', 'after')).toBe('after');
    expect(groups).toEqual([['slow'], ['after']]);
  });

  it('reads CANOPY_INGEST_GROUP_COMMIT, with one group at a time on PGlite and two on PostgreSQL by default', () => {
    expect(groupCommitInFlight('pglite', {})).toBe(1);
    expect(groupCommitInFlight('postgres', {})).toBe(2);
    expect(groupCommitInFlight('postgres', { CANOPY_INGEST_GROUP_COMMIT: '0' })).toBe(0);
    expect(groupCommitInFlight('pglite', { CANOPY_INGEST_GROUP_COMMIT: '3' })).toBe(3);
    expect(groupCommitInFlight('postgres', { CANOPY_INGEST_GROUP_COMMIT: 'x' })).toBe(2);
  });
});

describe('concurrent plain batches stored as groups', () => {
  let database: Database;
  let drop: () => Promise<void>;
  let keyId: string;
  beforeAll(async () => {
    const t = await createTestDatabase();
    database = t.database;
    drop = t.drop;
    keyId = (await database.query<{ id: string }>(`INSERT INTO api_keys (name, kind, prefix, key_hash) VALUES ('g', 'write', 'wk_group', 'gc-hash') RETURNING id`)).rows[0]?.id as string;
    await database.query(`INSERT INTO accounts (external_id, name) VALUES ('gc-a', 'A'), ('gc-b', 'B'), ('gc-c', 'C')`);
  }, 120_000);
  afterAll(() => drop());

  it('counts every event once in events and the rollups, gives a messageId sent twice to one request only, and keeps each request\'s received_at', async () => {
    let transactions = 0;
    const counted = new Proxy(database, {
      get(target, prop, receiver) {
        if (prop !== 'transaction') return Reflect.get(target, prop, receiver) as unknown;
        return (fn: Parameters<Database['transaction']>[0]) => { transactions++; return target.transaction(fn); };
      },
    });
    const ingest = createIngestService(counted, null);
    const accounts = ['gc-a', 'gc-b', 'gc-c', 'gc-unknown'];
    const track = (b: number, i: number, id?: string): SegmentMessage => ({
      type: 'track', event: `E${i % 3}`, userId: `u${(b + i) % 5}`, messageId: id ?? `gc-${b}-${i}`,
      timestamp: '2026-11-30T12:00:00Z', context: { groupId: accounts[i % 4] },
    } as SegmentMessage);
    const batches = Array.from({ length: 8 }, (_, b) => [
      ...Array.from({ length: 20 }, (_, i) => track(b, i)),
      ...(b % 2 === 0 ? [track(b, 20, 'gc-shared-1'), track(b, 21, 'gc-shared-2')] : []),
    ]);
    const receivedAt = (b: number) => new Date(Date.UTC(2026, 10, 30, 13, 0, b));
    const results = await Promise.all(batches.map((msgs, b) => ingest.ingest({ id: keyId, name: 'g' }, msgs, { receivedAt: receivedAt(b) })));

    // The first request runs alone; the others arrived while it ran (two groups at once on PostgreSQL).
    expect(transactions).toBeLessThanOrEqual(database.kind === 'pglite' ? 2 : 4);
    const unique = 8 * 20 + 2;
    expect(results.reduce((n, r) => n + r.accepted, 0)).toBe(unique);
    expect(results.reduce((n, r) => n + r.duplicates, 0)).toBe(3 * 2); // 4 batches sent each shared id
    expect(results.flatMap((r) => r.duplicateMessageIds).sort()).toEqual(['gc-shared-1', 'gc-shared-1', 'gc-shared-1', 'gc-shared-2', 'gc-shared-2', 'gc-shared-2']);
    // Pending: the events naming an unknown account (i % 4 === 3), reported to the request that sent them.
    results.forEach((r, b) => expect(r.pending).toBe(batches[b]?.filter((m) => m.context?.groupId === 'gc-unknown' && !r.duplicateMessageIds.includes(m.messageId as string)).length));

    const q = async (sql: string) => (await database.query<{ n: number }>(sql)).rows[0]?.n;
    expect(await q(`SELECT count(*)::int AS n FROM events WHERE message_id LIKE 'gc-%'`)).toBe(unique);
    const attributed = await q(`SELECT count(*)::int AS n FROM events WHERE message_id LIKE 'gc-%' AND account_id IS NOT NULL`);
    expect(await q(`SELECT sum(count)::int AS n FROM usage_daily WHERE event = '$all'`)).toBe(attributed);
    expect(await q(`SELECT sum(count)::int AS n FROM usage_daily WHERE event <> '$all'`)).toBe(attributed);
    expect(await q(`SELECT sum(users)::int AS n FROM usage_daily WHERE event = '$all'`)).toBe(
      await q(`SELECT count(DISTINCT (account_id, user_id))::int AS n FROM events WHERE message_id LIKE 'gc-%' AND account_id IS NOT NULL`));
    // Each event keeps the arrival time of the request that carried it.
    const { rows } = await database.query<{ message_id: string; received_at: Date | string }>(`SELECT message_id, received_at FROM events WHERE message_id LIKE 'gc-%-%' AND message_id NOT LIKE 'gc-shared%'`);
    for (const r of rows) {
      const b = Number(r.message_id.split('-')[1]);
      expect(new Date(r.received_at).toISOString()).toBe(receivedAt(b).toISOString());
    }
  });
});
