import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type Database } from '../../src/db/connect.js';
import { listMigrations, migrate } from '../../src/db/migrate.js';

const SCHEMA_SQL = `
  SELECT table_name || '.' || column_name || ':' || data_type || ':' || is_nullable || ':' || coalesce(column_default, '') AS c
    FROM information_schema.columns WHERE table_schema = 'public' ORDER BY 1`;
const INDEX_SQL = `SELECT indexname || ':' || indexdef AS c FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1`;

describe('migrations', () => {
  let fresh: Database;
  let stepped: Database;
  beforeAll(async () => {
    fresh = await connect({});
    stepped = await connect({});
  });
  afterAll(async () => {
    await fresh.close();
    await stepped.close();
  });

  it('are numbered without gaps', () => {
    const versions = listMigrations().map((m) => m.version);
    expect(versions).toEqual(versions.map((_, i) => i + 1));
  });

  it('end in the same schema applied at once or one step at a time, and a second run does nothing', async () => {
    await migrate(fresh);
    for (const m of listMigrations()) await migrate(stepped, { upTo: m.version });
    const dump = async (d: Database) => [
      ...(await d.query<{ c: string }>(SCHEMA_SQL)).rows.map((r) => r.c),
      ...(await d.query<{ c: string }>(INDEX_SQL)).rows.map((r) => r.c),
    ];
    const a = await dump(fresh);
    expect(a.length).toBeGreaterThan(50);
    expect(await dump(stepped)).toEqual(a);
    expect(await migrate(fresh)).toEqual([]);
  });

  it('create monthly event partitions around today, with a default partition for the rest', async () => {
    const { rows } = await fresh.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
        WHERE p.relname = 'events' ORDER BY 1`,
    );
    const month = new Date().toISOString().slice(0, 7).replace('-', '_');
    expect(rows.map((r) => r.name)).toEqual(expect.arrayContaining(['events_default', `events_${month}`]));
    await fresh.query(`INSERT INTO events (message_id, type, ts) VALUES ('old', 'track', '2001-01-01')`);
    const where = await fresh.query<{ t: string }>(`SELECT tableoid::regclass::text AS t FROM events WHERE message_id = 'old'`);
    expect(where.rows[0]?.t).toBe('events_default');
  });
});
