import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type Database } from '../../src/db/connect.js';
import { listMigrations, migrate } from '../../src/db/migrate.js';
import { ensureTemplate, templateKey } from './pglite-template.js';

const SCHEMA_SQL = `
  SELECT 'column ' || table_name || '.' || column_name || ':' || data_type || ':' || is_nullable || ':' || coalesce(column_default, '') AS c
    FROM information_schema.columns WHERE table_schema = 'public'
  UNION ALL SELECT 'index ' || indexname || ':' || indexdef FROM pg_indexes WHERE schemaname = 'public'
  UNION ALL SELECT 'function ' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')' || md5(p.prosrc)
    FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public'
  UNION ALL SELECT 'trigger ' || tgrelid::regclass::text || '.' || tgname FROM pg_trigger WHERE NOT tgisinternal
  UNION ALL SELECT 'migration ' || version || ' ' || name FROM schema_migrations
  ORDER BY 1`;

const SAMPLE_ROWS_SQL = `SELECT 'driver ' || key || ':' || name AS c FROM drivers ORDER BY 1`;

describe('the migrated PGlite template the test databases start from', () => {
  let fresh: Database;
  let fromTemplate: Database;
  let other: Database;
  beforeAll(async () => {
    const template = await ensureTemplate();
    fresh = await connect({});
    fromTemplate = await connect({ template });
    other = await connect({ template });
  });
  afterAll(async () => {
    await Promise.all([fresh.close(), fromTemplate.close(), other.close()]);
  });

  it('holds the same schema, functions, triggers, recorded migrations and seeded rows as migrating an empty database', async () => {
    await migrate(fresh);
    const dump = async (d: Database) => [...(await d.query<{ c: string }>(SCHEMA_SQL)).rows, ...(await d.query<{ c: string }>(SAMPLE_ROWS_SQL)).rows].map((r) => r.c);
    const expected = await dump(fresh);
    expect(expected.filter((c) => c.startsWith('migration ')).length).toBe(listMigrations().length);
    expect(await dump(fromTemplate)).toEqual(expected);
    // What createTestDatabase runs after opening a copy: nothing left to apply.
    expect(await migrate(fromTemplate)).toEqual([]);
  });

  it('gives each database its own copy: a write in one is not seen by another', async () => {
    await fromTemplate.query(`INSERT INTO teams (name) VALUES ('only-in-one')`);
    expect((await fromTemplate.query(`SELECT 1 FROM teams WHERE name = 'only-in-one'`)).rows).toHaveLength(1);
    expect((await other.query(`SELECT 1 FROM teams WHERE name = 'only-in-one'`)).rows).toHaveLength(0);
  });

  it('is refused for a database in a data folder (a template is for in-memory databases)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'canopy-template-'));
    try {
      await expect(connect({ dataDir: dir, template: await ensureTemplate() })).rejects.toThrow(/in-memory/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the template name', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'canopy-migrations-'));
    for (const m of listMigrations()) fs.writeFileSync(path.join(dir, m.name), m.sql);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const day = new Date('2026-03-14T10:00:00Z');

  it('changes when a migration is added, edited or renamed, and on another day; not otherwise', () => {
    const base = templateKey(day, dir);
    expect(templateKey(new Date('2026-03-14T23:59:59Z'), dir)).toBe(base);
    expect(templateKey(new Date('2026-03-15T00:00:00Z'), dir)).not.toBe(base);

    const added = path.join(dir, '9999_added.sql');
    fs.writeFileSync(added, 'SELECT 1;');
    const withAdded = templateKey(day, dir);
    expect(withAdded).not.toBe(base);
    fs.writeFileSync(added, 'SELECT 2;');
    expect(templateKey(day, dir)).not.toBe(withAdded);
    fs.renameSync(added, path.join(dir, '9999_renamed.sql'));
    const renamed = templateKey(day, dir);
    expect([base, withAdded]).not.toContain(renamed);
    fs.rmSync(path.join(dir, '9999_renamed.sql'));
    expect(templateKey(day, dir)).toBe(base);
  });

  it('names the template of the real migrations', () => {
    expect(templateKey(day)).toBe(templateKey(day, dir));
  });
});
