// The large-file check of issue 13: `npm run test:import-scale` (= tsx test/bench/import-scale.ts).
// Not part of `npm test` (it takes many minutes on two cores). Generates a usage CSV of ROWS events
// (default 1,000,000) to a temp file, imports it through the import engine (PGlite in memory, or
// PostgreSQL when TEST_DATABASE_URL is set: a scratch database, dropped), and checks that every row
// landed (events and the '$all' rollup count) and that memory stays flat: the JS heap peaks under
// 300 MB; on PostgreSQL also the RSS grows by under 300 MB, and by under 64 MB over the second half
// (a leak proportional to the rows would show there; PGlite in memory holds the database in this
// process, so its RSS grows with the rows by design). Exit 0 = passed, 1 = failed.
import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../../src/config.js';
import { connect } from '../../src/db/connect.js';
import { migrate } from '../../src/db/migrate.js';
import { check, createScratchDatabase, intOpt, runBenchmark } from './harness.js';
import { bookEnd, importBook, mb, seedAccounts, withMemory, writeBook } from './import-book.js';

const rows = intOpt('rows', 'SCALE_ROWS', 1_000_000);
const cleanups: (() => Promise<unknown>)[] = [];

async function main(): Promise<number> {
  const started = Date.now();
  const book = await writeBook(rows, 500, 365, bookEnd());
  cleanups.push(async () => fs.rmSync(path.dirname(book.file), { recursive: true, force: true }));
  const url = process.env.TEST_DATABASE_URL;
  let database;
  if (url) {
    const scratch = await createScratchDatabase(url, 'canopy_scale_');
    cleanups.push(scratch.drop);
    database = await connect({ databaseUrl: scratch.url, poolSize: 4 });
  } else database = await connect({});
  const db = database;
  cleanups.push(() => db.close());
  await migrate(db);
  await seedAccounts(db, 500);
  console.log(`import-scale: ${rows.toLocaleString('en')} rows (${mb(book.bytes)} MB) into ${db.describe}`);
  const mem = await withMemory(() => importBook(db, loadConfig({ ...process.env, DATABASE_URL: '' }), book));
  const { rec, ms } = mem.result;
  const half = mem.samples.slice(Math.floor(mem.samples.length / 2));
  const secondHalfGrowth = half.length ? Math.max(...half) - (half[0] ?? 0) : 0;
  console.log(`imported in ${(ms / 1000).toFixed(0)} s (${Math.round(rows / (ms / 1000))} rows/s); RSS ${mb(mem.startRss)} → peak ${mb(mem.peakRss)} MB, second half +${mb(secondHalfGrowth)} MB; heap peak ${mb(mem.peakHeap)} MB; total ${((Date.now() - started) / 1000).toFixed(0)} s`);
  check(rec?.status === 'succeeded' && rec.created === rows, `import ended ${rec?.status} with ${rec?.created} created: ${rec?.message}`);
  const sums = (await db.query<{ n: number; c: number }>(`SELECT (SELECT count(*)::int FROM events) AS n, (SELECT sum(count)::int FROM usage_daily WHERE event = '$all') AS c`)).rows[0];
  check(sums?.n === rows && sums.c === rows, `${sums?.n} events and ${sums?.c} counted, expected ${rows}`);
  // PGlite in memory keeps the whole database (the rows imported) in this process: its RSS grows with
  // the data by design, so there the JS heap is what must stay flat; on PostgreSQL the RSS too.
  check(mem.peakHeap < 300 * 1048576, `JS heap peaked at ${mb(mem.peakHeap)} MB (limit 300)`);
  if (url) {
    check(mem.peakRss - mem.startRss < 300 * 1048576, `RSS grew by ${mb(mem.peakRss - mem.startRss)} MB (limit 300)`);
    check(secondHalfGrowth < 64 * 1048576, `RSS grew by ${mb(secondHalfGrowth)} MB over the second half (not flat)`);
  }
  console.log('import-scale: passed');
  return 0;
}

runBenchmark(main, { timeoutS: intOpt('timeout-s', 'SCALE_TIMEOUT_S', 7200), graceMs: 10_000, cleanups });
