// What running PGlite in a worker thread costs per query: `npx tsx test/db/worker-overhead.bench.ts`.
//
// Two in-memory databases, migrated, side by side: PGlite on this thread (the way connect.ts ran
// it before the worker, rebuilt here) and `connect({})` (PGlite in a worker under its
// supervisor). Each round, on each engine in turn: 5,000 sequential `SELECT 1`, 5,000 sequential
// `SELECT $1::int`, and an ingest of 500 `track` events as 5 sequential `POST /v1/batch` of 100
// through app.inject (validation, dedupe, rollups, commit). Prints the median over the rounds.
//   BENCH_ROUNDS (default 3), BENCH_QUERIES (default 5000)
import os from 'node:os';
import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import type { SQL } from 'drizzle-orm';
import { loadConfig } from '../../src/config.js';
import { connect, type Database, type Db, type SqlResult } from '../../src/db/connect.js';
import { migrate } from '../../src/db/migrate.js';
import * as schema from '../../src/db/schema.js';
import { buildApp } from '../../src/server/app.js';
import { createApiKeyQueries } from '../../src/apikeys/queries.js';
import { SYSTEM_ACTOR } from '../../src/auth/principal.js';
import { basic } from '../support/app.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const QUERIES = Number(process.env.BENCH_QUERIES ?? 5000);

/** connect.ts's PGlite before the worker: the same calls, on this thread. */
async function inThread(): Promise<Database> {
  const client = new PGlite();
  await client.waitReady;
  const run = async <T>(c: Pick<PGlite, 'query' | 'exec'>, text: string, values?: unknown[]): Promise<SqlResult<T>> => {
    if (!values || values.length === 0) {
      const last = (await c.exec(text)).at(-1);
      return { rows: (last?.rows ?? []) as T[], rowCount: last?.affectedRows ?? 0 };
    }
    const r = await c.query<T>(text, values);
    return { rows: r.rows, rowCount: r.affectedRows ?? r.rows.length };
  };
  const db = drizzle({ client, schema }) as unknown as Db;
  return {
    kind: 'pglite', db, describe: 'PGlite on the main thread',
    rows: async <T>(q: SQL) => ((await db.execute(q)) as unknown as { rows: T[] }).rows,
    query: (text, values) => run(client, text, values),
    transaction: (fn) => client.transaction((tx) => fn({ query: (text, values) => run(tx, text, values) })),
    copyRows: () => Promise.reject(new Error('not used here')),
    close: () => client.close(),
  };
}

async function time(fn: () => Promise<unknown>): Promise<number> {
  const t = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
}

async function setUp(database: Database) {
  await migrate(database);
  const app = await buildApp({ config: loadConfig({ LOG_LEVEL: 'silent' }), database, logger: false, webDist: '/nonexistent' });
  const { key } = await createApiKeyQueries(database).create({ name: 'bench', kind: 'write' }, SYSTEM_ACTOR);
  let sent = 0;
  return {
    database,
    close: async () => { await app.close(); await database.close(); },
    selects: () => time(async () => { for (let i = 0; i < QUERIES; i++) await database.query('SELECT 1'); }),
    params: () => time(async () => { for (let i = 0; i < QUERIES; i++) await database.query('SELECT $1::int AS n', [i]); }),
    ingest: () => time(async () => {
      for (let b = 0; b < 5; b++) {
        const batch = Array.from({ length: 100 }, () => ({ type: 'track', userId: `u${sent % 50}`, event: 'Bench', messageId: `m${++sent}`, properties: { n: sent } }));
        const res = await app.inject({ method: 'POST', url: '/v1/batch', headers: { authorization: basic(key) }, payload: { batch } });
        if (res.statusCode !== 200) throw new Error(`ingest answered ${res.statusCode}: ${res.body}`);
      }
    }),
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

console.log(`PGlite worker overhead — node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model}), load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);
const engines = { 'main thread': await setUp(await inThread()), worker: await setUp(await connect({})) };
const results: Record<string, Record<'selects' | 'params' | 'ingest', number[]>> = {};
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, e] of Object.entries(engines)) {
    const r = (results[name] ??= { selects: [], params: [], ingest: [] });
    r.selects.push(await e.selects());
    r.params.push(await e.params());
    r.ingest.push(await e.ingest());
  }
}
for (const [name, r] of Object.entries(results)) {
  console.log(`${name.padEnd(12)} SELECT 1: ${(median(r.selects) * 1000 / QUERIES).toFixed(0)} µs/query   SELECT $1: ${(median(r.params) * 1000 / QUERIES).toFixed(0)} µs/query   ingest 500 events: ${median(r.ingest).toFixed(0)} ms`);
}
console.log(`load average after: ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);
for (const e of Object.values(engines)) await e.close();
