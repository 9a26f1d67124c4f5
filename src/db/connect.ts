import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzleNodePg } from 'drizzle-orm/node-postgres';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import type { SQL } from 'drizzle-orm';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { stringify } from 'csv-stringify/sync';
import * as schema from './schema.js';
import { acquireDataDirLock, type DataDirLock } from './lock.js';
import { SupervisedPglite, type PgliteSession } from './pglite-supervised.js';
import type { RowMode } from './pglite-protocol.js';
import { priorityOfSql } from './pglite-queue.js';

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

export type SqlResult<T> = { rows: T[]; rowCount: number };

/**
 * One handle over either engine. `db` is Drizzle for typed queries (it maps timestamps to Date).
 * `query` runs raw SQL: timestamptz and date come back as Date, jsonb parsed; cast dates with
 * ::text when you want the calendar day, and int8 to ::int because PGlite returns int8 as a
 * number and pg as a string.
 */
export interface Queryable {
  /** Plain SQL with $n parameters; several statements allowed when there are no parameters. */
  query<T = Record<string, unknown>>(text: string, values?: unknown[]): Promise<SqlResult<T>>;
}

export interface Database extends Queryable {
  kind: 'pglite' | 'postgres';
  db: Db;
  rows<T>(query: SQL): Promise<T[]>;
  /** Runs fn in one transaction on one session; rolls back if fn throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Bulk load rows with COPY (FORMAT csv). Returns the row count. */
  copyRows(table: string, columns: string[], rows: unknown[][]): Promise<number>;
  close(): Promise<void>;
  /** Human description for logs; never includes a password. */
  describe: string;
}

export type ConnectOptions = {
  databaseUrl?: string | undefined;
  dataDir?: string | undefined; // PGlite folder; undefined = in memory
  poolSize?: number;
  lock?: boolean; // take the data-folder lock (default true for a folder)
  /**
   * In memory only: a data-folder tarball written by PGlite's dumpDataDir; the new database starts
   * as a copy of it (the tests open one migrated template instead of migrating every database).
   */
  template?: string | undefined;
};

export async function connect(opts: ConnectOptions): Promise<Database> {
  return opts.databaseUrl ? connectPostgres(opts.databaseUrl, opts.poolSize ?? 10) : connectPglite(opts);
}

function toCsv(rows: unknown[][]): string {
  return stringify(rows, {
    cast: {
      object: (v) => JSON.stringify(v),
      date: (v) => v.toISOString(),
      boolean: (v) => (v ? 't' : 'f'),
    },
  });
}

/** Database.query's contract on PGlite: several statements when there are no parameters. */
async function sessionQuery<T>(s: PgliteSession, text: string, values?: unknown[]): Promise<SqlResult<T>> {
  if (!values || values.length === 0) {
    const r = await s.exec(text);
    return { rows: r.rows as T[], rowCount: r.affectedRows ?? 0 };
  }
  const r = await s.query(text, values);
  return { rows: r.rows as T[], rowCount: r.affectedRows ?? r.rows.length };
}

/**
 * The client Drizzle's PGlite driver talks to, forwarded to the worker. Drizzle only calls
 * query(text, params, {rowMode, parsers}) and transaction(fn); its parsers keep dates as text
 * (it maps them itself), and functions cannot cross to the worker, so they travel as type OIDs.
 */
function drizzleClient(engine: SupervisedPglite) {
  type Options = { rowMode?: RowMode; parsers?: Record<number, (value: string, typeId: number) => unknown> };
  const rawTypes = (o?: Options) =>
    Object.entries(o?.parsers ?? {}).map(([oid, parse]) => {
      if (parse('x', Number(oid)) !== 'x') throw new Error(`Only text-keeping parsers can reach the PGlite worker (type ${oid})`);
      return Number(oid);
    });
  const onSession = (s: PgliteSession) => ({
    query: (text: string, params: unknown[] = [], o?: Options) => s.query(text, params, { rowMode: o?.rowMode ?? 'object', rawTypes: rawTypes(o) }),
  });
  return {
    query: (text: string, params?: unknown[], o?: Options) => engine.withSession((s) => onSession(s).query(text, params, o), priorityOfSql(text)),
    transaction: <T>(fn: (tx: ReturnType<typeof onSession>) => Promise<T>) => engine.transaction((s) => fn(onSession(s))),
  };
}

async function connectPglite(opts: ConnectOptions): Promise<Database> {
  if (opts.template && opts.dataDir) throw new Error('connect: a template is for an in-memory database only, not with a data folder');
  let lock: DataDirLock | undefined;
  if (opts.dataDir) {
    fs.mkdirSync(opts.dataDir, { recursive: true });
    if (opts.lock !== false) lock = acquireDataDirLock(opts.dataDir);
  }
  let engine: SupervisedPglite;
  try {
    // The lock stays with this (main) thread across engine restarts: the folder stays ours.
    engine = await SupervisedPglite.open({ pgdata: opts.dataDir ? path.join(opts.dataDir, 'pgdata') : undefined, template: opts.template });
  } catch (err) {
    lock?.release();
    throw err;
  }
  // Drizzle's PGlite driver over the worker: typed as a PGlite because that is the only client it names.
  const db = drizzlePglite({ client: drizzleClient(engine) as unknown as PGlite, schema }) as unknown as Db;
  return {
    kind: 'pglite',
    db,
    describe: opts.dataDir ? `embedded PostgreSQL (PGlite) in ${opts.dataDir}` : 'embedded PostgreSQL (PGlite) in memory',
    async rows<T>(q: SQL) {
      return ((await db.execute(q)) as unknown as { rows: T[] }).rows;
    },
    // pg-boss's statements wait behind requests (pglite-queue.ts); the rest by the caller's priority.
    query: (text, values) => engine.withSession((s) => sessionQuery(s, text, values), priorityOfSql(text)),
    transaction: (fn) => engine.transaction((s) => fn({ query: (text, values) => sessionQuery(s, text, values) })),
    async copyRows(table, columns, rows) {
      if (rows.length === 0) return 0;
      const csv = toCsv(rows);
      const r = await engine.withSession((s) => s.copy(`COPY ${table} (${columns.join(', ')}) FROM '/dev/blob' WITH (FORMAT csv)`, csv));
      return r.affectedRows ?? rows.length;
    },
    async close() {
      try {
        await engine.close();
      } finally {
        lock?.release();
      }
    },
  };
}

async function connectPostgres(url: string, poolSize: number): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max: poolSize, connectionTimeoutMillis: 5000 });
  // An idle client that loses its server must not crash the process; the next query reports it.
  pool.on('error', () => undefined);
  const db = drizzleNodePg({ client: pool, schema }) as unknown as Db;
  const safeUrl = new URL(url);
  safeUrl.password = safeUrl.password ? '***' : '';
  return {
    kind: 'postgres',
    db,
    describe: `PostgreSQL at ${safeUrl.host}${safeUrl.pathname}`,
    async rows<T>(q: SQL) {
      return ((await db.execute(q)) as unknown as { rows: T[] }).rows;
    },
    async query<T>(text: string, values?: unknown[]) {
      const r = await pool.query(text, values as unknown[]);
      return { rows: r.rows as T[], rowCount: r.rowCount ?? 0 };
    },
    async transaction(fn) {
      const client = await pool.connect();
      // A checked-out client whose connection dies emits 'error'; the failing query reports it.
      const onError = () => undefined;
      client.on('error', onError);
      let broken = false;
      try {
        await client.query('BEGIN');
        const result = await fn({
          async query<T>(text: string, values?: unknown[]) {
            const r = await client.query(text, values as unknown[]);
            return { rows: r.rows as T[], rowCount: r.rowCount ?? 0 };
          },
        });
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {
          broken = true;
        });
        throw err;
      } finally {
        client.off('error', onError);
        client.release(broken); // a client that cannot even roll back is destroyed, not reused
      }
    },
    async copyRows(table, columns, rows) {
      if (rows.length === 0) return 0;
      const client = await pool.connect();
      try {
        const stream = client.query(copyFrom(`COPY ${table} (${columns.join(', ')}) FROM STDIN WITH (FORMAT csv)`));
        await pipeline(Readable.from([toCsv(rows)]), stream);
        return Number(stream.rowCount ?? rows.length);
      } finally {
        client.release();
      }
    },
    async close() {
      await pool.end();
    },
  };
}
