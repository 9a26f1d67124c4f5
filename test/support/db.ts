import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { connect, type Database } from '../../src/db/connect.js';
import { migrate } from '../../src/db/migrate.js';
import { ensureTemplate, templatesEnabled } from './pglite-template.js';

/**
 * A fresh, migrated database for one test file: in-memory PGlite by default, or a new database
 * on the PostgreSQL server named by TEST_DATABASE_URL (dropped again by `drop`). PGlite starts as
 * a copy of the run's migrated template (./pglite-template.ts): each file still has its own
 * database, without paying initdb and every migration again.
 */
export async function createTestDatabase(): Promise<{ database: Database; url: string | undefined; drop(): Promise<void> }> {
  const base = process.env.TEST_DATABASE_URL;
  if (!base) {
    const database = await connect({ template: templatesEnabled() ? await ensureTemplate() : undefined });
    // On a template this applies nothing (the versions are recorded) and checks today's partitions.
    await migrate(database);
    return { database, url: undefined, drop: () => database.close() };
  }
  const name = `canopy_t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  const database = await connect({ databaseUrl: url.toString(), poolSize: 8 });
  await migrate(database);
  return {
    database,
    url: url.toString(),
    async drop() {
      await database.close();
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

/** A fresh database on PostgreSQL only, for *.pg.test.ts (they need concurrent sessions); fails without TEST_DATABASE_URL. */
export async function createPgTestDatabase(): Promise<{ database: Database; url: string; drop(): Promise<void> }> {
  const t = await createTestDatabase();
  if (!t.url) {
    await t.drop();
    throw new Error('this file needs TEST_DATABASE_URL (PostgreSQL)');
  }
  return { database: t.database, url: t.url, drop: t.drop };
}
