import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import type { Database, Queryable, SqlResult } from '../../src/db/connect.js';
import { listMigrations, migrate } from '../../src/db/migrate.js';

/**
 * One migrated PGlite database per test run, saved as a data-folder tarball (PGlite's dumpDataDir):
 * every test file then opens its own in-memory copy of it (connect({ template })) instead of running
 * initdb and all migrations again, which cost 5–8 s per file. The template is built by running the
 * migrations (src/db/migrate.ts), and test/db/migrations.test.ts still migrates empty databases.
 *
 * Its name is a hash of what it is made of: the migration files (names and SQL), migrate.ts, the
 * PGlite version and today's date (migrate creates the event partitions around today). A change to
 * any of them (a new migration, another day) names another file, built on first use.
 */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const MIGRATE_TS = path.join(ROOT, 'src/db/migrate.ts');
const PGLITE_PACKAGE = path.join(ROOT, 'node_modules/@electric-sql/pglite/package.json');

export const TEMPLATE_DIR = process.env.CANOPY_TEST_TEMPLATE_DIR ?? path.join(ROOT, 'node_modules/.cache/canopy-test-db');

/** Templates older than this (other days, older migrations) are deleted when a new one is written. */
const STALE_MS = 24 * 3600_000;

/** CANOPY_TEST_NO_TEMPLATE=1: every test database runs initdb and all migrations itself, as before. */
export const templatesEnabled = () => !process.env.CANOPY_TEST_NO_TEMPLATE;

export function templateKey(now = new Date(), migrationsDir?: string): string {
  const hash = createHash('sha256');
  hash.update(`pglite ${(JSON.parse(fs.readFileSync(PGLITE_PACKAGE, 'utf8')) as { version: string }).version}\0`);
  hash.update(fs.readFileSync(MIGRATE_TS));
  for (const m of listMigrations(migrationsDir)) hash.update(`\0${m.name}\0${m.sql}`);
  hash.update(`\0${now.toISOString().slice(0, 10)}`);
  return hash.digest('hex').slice(0, 20);
}

export const templatePath = (key = templateKey()) => path.join(TEMPLATE_DIR, `pglite-${key}.tar`);

/** migrate() needs only query and transaction: here over an in-thread PGlite, with connect's semantics. */
function overPglite(pg: PGlite): Database {
  type Runner = Pick<PGlite, 'exec' | 'query'>;
  const run = async <T>(on: Runner, text: string, values?: unknown[]): Promise<SqlResult<T>> => {
    if (!values || values.length === 0) {
      const last = (await on.exec(text)).at(-1);
      return { rows: (last?.rows ?? []) as T[], rowCount: last?.affectedRows ?? 0 };
    }
    const r = await on.query<T>(text, values);
    return { rows: r.rows, rowCount: r.affectedRows ?? r.rows.length };
  };
  const queryable = (on: Runner): Queryable => ({ query: (text, values) => run(on, text, values) });
  const partial: Pick<Database, 'query' | 'transaction'> = {
    ...queryable(pg),
    transaction: (fn) => pg.transaction((tx) => fn(queryable(tx))),
  };
  return partial as Database;
}

async function build(file: string): Promise<void> {
  const pg = new PGlite();
  try {
    await migrate(overPglite(pg));
    const tarball = await pg.dumpDataDir('none');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    // Written aside, then renamed: a test file running at the same time sees the whole file or none.
    const partialFile = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.partial`;
    fs.writeFileSync(partialFile, new Uint8Array(await tarball.arrayBuffer()));
    fs.renameSync(partialFile, file);
  } finally {
    await pg.close();
  }
  removeStale(file);
}

function removeStale(keep: string) {
  for (const name of fs.readdirSync(path.dirname(keep))) {
    const f = path.join(path.dirname(keep), name);
    if (f === keep) continue;
    try {
      if (Date.now() - fs.statSync(f).mtimeMs > STALE_MS) fs.rmSync(f, { force: true });
    } catch {
      // another run removed it first
    }
  }
}

/**
 * The template for the migrations as they are now: built when missing. When a migration file
 * changes while it is being built (others add migrations), it is built again under the new name,
 * so a file never holds other migrations than its name says.
 */
export async function ensureTemplate(): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    const key = templateKey();
    const file = templatePath(key);
    if (fs.existsSync(file)) return file;
    await build(file);
    if (templateKey() === key) return file;
    fs.rmSync(file, { force: true });
    if (attempt >= 3) throw new Error('the migrations kept changing while the test database template was built');
  }
}
