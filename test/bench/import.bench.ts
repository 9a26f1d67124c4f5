// Import benchmark (issue 13): `npm run bench:import` (= tsx test/bench/import.bench.ts).
//
// For each engine (PostgreSQL: a scratch database `canopy_bimp_<random>` on the local server,
// dropped at the end; PGlite: in memory), in one run:
//   COPY   — the rows of the file, same columns, with database.copyRows('events', …) in chunks of
//            10k: only the time inside copyRows counts (CSV encoding + COPY; no parsing, no
//            validation, no dedupe, no rollups). Then events is truncated.
//   import — the same rows as a CSV file (generated to a temp file first, not timed) imported
//            through the import engine as the job runs it (stream, decode, csv-parse, map, type,
//            validate, plan: account refs and message-id dedupe, then per chunk one transaction:
//            dedupe claims, events, rollups, checkpoint). The health rebuild of finish() is off.
// and prints `postgres import/COPY ratio: 0.6`, rows/s of both, and the peak RSS/heap of this
// process during the import (for PGlite this includes the database itself).
//
// Knobs (environment variable or --flag=value):
//   BENCH_ENGINES=postgres,pglite  --engines   which engines, in that order
//   BENCH_ROWS                     --rows      rows (default 2,000,000)
//   BENCH_ACCOUNTS                 --accounts  accounts (default 500; 20 users, 40 event names each)
//   BENCH_DAYS                     --days      days the usage spans, ending yesterday (default 365)
//   BENCH_PG_URL                   --pg-url    server for the scratch database (loopback only)
//   BENCH_TIMEOUT_S                --timeout-s hard limit (default 3600)
// Exit code: 0 = measured, 1 = a check failed (rows or rollups differ from the file), 2 = timed out.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config.js';
import { connect, type Database } from '../../src/db/connect.js';
import { migrate } from '../../src/db/migrate.js';
import { assertLoopback, check, createScratchDatabase, engineList, intOpt, opt, runBenchmark, runFacts, type Engine } from './harness.js';
import { bookEnd, copyBook, importBook, mb, seedAccounts, withMemory, writeBook } from './import-book.js';

const engines = engineList();
const rows = intOpt('rows', 'BENCH_ROWS', 2_000_000);
const accounts = intOpt('accounts', 'BENCH_ACCOUNTS', 500);
const days = intOpt('days', 'BENCH_DAYS', 365, 1, 1800);
const pgUrl = opt('pg-url', 'BENCH_PG_URL') ?? 'postgres://postgres@127.0.0.1:5432/test';
const timeoutS = intOpt('timeout-s', 'BENCH_TIMEOUT_S', 3600);
assertLoopback(pgUrl, engines);
const cleanups: (() => Promise<unknown>)[] = [];

async function open(engine: Engine): Promise<Database> {
  if (engine === 'pglite') {
    const d = await connect({});
    cleanups.push(() => d.close());
    return d;
  }
  const scratch = await createScratchDatabase(pgUrl, 'canopy_bimp_');
  cleanups.push(scratch.drop);
  const d = await connect({ databaseUrl: scratch.url, poolSize: 4 });
  cleanups.push(() => d.close());
  return d;
}

async function main(): Promise<number> {
  const facts = runFacts();
  console.log(`bench:import — ${rows.toLocaleString('en')} usage rows, ${accounts} accounts, ${days} days; ${os.cpus().length} cores, node ${process.version}, pglite ${facts.pglite}, ${facts.commit}`);
  const end = bookEnd();
  const book = await writeBook(rows, accounts, days, end);
  cleanups.push(async () => fs.rmSync(path.dirname(book.file), { recursive: true, force: true }));
  console.log(`file: ${mb(book.bytes)} MB at ${book.file}`);
  for (const engine of engines) {
    const database = await open(engine);
    await migrate(database);
    await seedAccounts(database, accounts);
    const months = Array.from({ length: Math.ceil(days / 28) + 2 }, (_, i) => new Date(end - i * 28 * 86_400_000).toISOString().slice(0, 10));
    await database.query('SELECT canopy_ensure_event_months($1::date[])', [months]);

    const copyMs = await copyBook(database, rows, accounts, days, end);
    const copied = (await database.query<{ n: number }>('SELECT count(*)::int AS n FROM events')).rows[0]?.n;
    check(copied === rows, `${engine}: COPY stored ${copied} rows, expected ${rows}`);
    await database.query('TRUNCATE events');

    let last = 0;
    const mem = await withMemory(() => importBook(database, loadConfig({ ...process.env, DATABASE_URL: '' }), book, (n) => {
      if (n - last >= 250_000) { last = n; console.log(`  ${engine} import: ${n.toLocaleString('en')} rows, rss ${mb(process.memoryUsage().rss)} MB`); }
    }));
    const { ms, rec } = mem.result;
    check(rec?.status === 'succeeded', `${engine}: import ended ${rec?.status}: ${rec?.message}`);
    check(rec.created === rows, `${engine}: import created ${rec.created} rows, expected ${rows}`);
    const sums = (await database.query<{ n: number; c: number }>(`SELECT (SELECT count(*)::int FROM events) AS n, (SELECT sum(count)::int FROM usage_daily WHERE event = '$all') AS c`)).rows[0];
    check(sums?.n === rows && sums.c === rows, `${engine}: ${sums?.n} events and ${sums?.c} counted in usage_daily, expected ${rows}`);
    const copyRate = rows / (copyMs / 1000);
    const importRate = rows / (ms / 1000);
    console.log(`${engine} COPY: ${Math.round(copyRate).toLocaleString('en')} rows/s (${(copyMs / 1000).toFixed(1)} s)`);
    console.log(`${engine} import: ${Math.round(importRate).toLocaleString('en')} rows/s (${(ms / 1000).toFixed(1)} s), peak RSS ${mb(mem.peakRss)} MB (at start ${mb(mem.startRss)} MB), peak heap ${mb(mem.peakHeap)} MB`);
    console.log(`${engine} import/COPY ratio: ${(importRate / copyRate).toFixed(2)}`);
    await database.close();
    cleanups.pop();
  }
  return 0;
}

runBenchmark(main, { timeoutS, graceMs: 10_000, cleanups });
