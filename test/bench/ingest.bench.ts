// Ingestion benchmark: `npm run bench:ingest` (= tsx test/bench/ingest.bench.ts).
//
// For each engine (PostgreSQL: a fresh database `canopy_bench_<random>` on the local server,
// dropped at the end; PGlite: in memory), in one run, on the same `events` table with the same
// indexes, it measures:
//   ingest  — events/s through POST /v1/batch over real HTTP (loopback), batches of 100 Segment
//             `track` events, C concurrent clients, each batch validated and committed before
//             the reply (dedupe, rollups, last activity included);
//   COPY    — the same rows, same columns, written with `database.copyRows('events', …)` in
//             chunks of 10k: the best case (no validation, no dedupe, no rollups; only the time
//             inside copyRows counts, i.e. CSV encoding + COPY, not building the rows);
//   INSERT  — one autocommitted `INSERT INTO events … VALUES (…)` per event (C workers), and the
//             same on a single connection: for context only (no target; issue 14 dropped the 5x one).
// and prints the ratios (`postgres ingest/COPY ratio: 0.62`, `postgres ingest/INSERT ratio: 7.1`),
// p50/p99 batch latency and the peak RSS/heap of this process. The Canopy server runs inside this
// process (buildApp + listen on 127.0.0.1), so the peak memory includes the HTTP client side too,
// and for PGlite the whole database (WASM heap). The database is seeded with accounts and their
// contacts first (what earlier group/identify calls would have created), so every event is
// attributed and rolled up. Columns "pg CPU" / "other CPU" show what PostgreSQL and the rest of the
// machine used meanwhile (other users' work on a shared machine is noise: compare runs).
//
// Then (BENCH_BREAKDOWN=1, the default) a profile of the ingest path: CPU cost of JSON parse +
// zod validation per batch, the same HTTP load on a timed database wrapper (time per statement,
// per batch), and the ingest service called directly (no HTTP, no validation).
//
// Knobs (environment variable or --flag=value):
//   BENCH_ENGINES=postgres,pglite  --engines     which engines, in that order
//   BENCH_EVENTS                   --events      events per ingest/COPY phase (default 50000 PG, 20000 PGlite)
//   BENCH_CLIENTS                  --clients     concurrent HTTP clients / INSERT workers (default 8 PG, 4 PGlite)
//   BENCH_INSERT_EVENTS            --insert-events rows for the one-INSERT-per-event baseline (default 5000)
//   BENCH_BATCH                    --batch       events per batch (default 100)
//   BENCH_ACCOUNTS                 --accounts    accounts seeded (default 200; 5 contacts each)
//   BENCH_TS_HOURS                 --ts-hours    event timestamps spread over the last N hours (default 72)
//   BENCH_BREAKDOWN=0|1            --breakdown   run the profile phases (default 1)
//   BENCH_PG_URL                   --pg-url      server to create the scratch database on (loopback only;
//                                                default postgres://postgres@127.0.0.1:5432/test)
//   BENCH_TIMEOUT_S                --timeout-s   hard limit for the whole run (default 900)
//   BENCH_RETRIES                  --retries     times a client resends a batch answered with a 5xx, as Segment's
//                                                SDKs do (default 3; 0 = the first 5xx fails the run); counted and printed
//   BENCH_CPU_PROFILE=DIR          --cpu-profile a V8 CPU profile of each engine's measured ingest phase,
//                                                written to DIR/<engine>-ingest.cpuprofile (open in Chrome DevTools)
//   BENCH_JOBS=queue|worker|none   --jobs        how the app gets its job queue (default queue):
//                                                queue  = as `canopy start --no-worker`: the app enqueues follow-up work
//                                                         (pg-boss) and no worker runs here, so only the request path counts;
//                                                worker = as plain `canopy start`: the worker runs in this process too;
//                                                none   = buildApp without a queue, as the tests do: follow-up work (health
//                                                         refresh of the accounts touched) then runs inline in each request
//   BENCH_LOG=error                --log         the server's log at that level on stdout (default: no log)
//   BENCH_SUSTAIN=1|0|only         --sustain     then the `pglite sustained` phase: an open-loop load at BENCH_SUSTAIN_RATE
//                                                (default 1000) events/s for BENCH_SUSTAIN_S (default 120) s against the app with
//                                                its job worker (default 1 when pglite is among the engines; only = this phase
//                                                alone, = `npm run bench:sustained`); its knobs: test/bench/ingest-sustained.ts
// Exit code: 0 = measured (targets met or not, see the printed lines), 1 = a check failed
// (e.g. the events row count differs from what was sent), 2 = timed out.
import path from 'node:path';
import { check, runBenchmark, runFacts, type Engine } from './harness.js';
import { breakdown, startProfile, type Breakdown, validationCost } from './ingest-breakdown.js';
import { measure, newClientStats, rate, type PhaseResult } from './ingest-measure.js';
import { ACCOUNTS, BATCH, BREAKDOWN, clientsFor, COPY_CHUNK, CPU_PROFILE_DIR, engines, eventsFor, INSERT_EVENTS, JOBS, TIMEOUT_S, TS_HOURS, USERS_PER_ACCOUNT } from './ingest-options.js';
import { printBreakdown, printRatios, printTable } from './ingest-report.js';
import { SUSTAIN, SUSTAIN_ONLY, sustainedPhase } from './ingest-sustained.js';
import { cleanups, copyPhase, count, httpIngest, insertPhase, reset, setUp, verifyIngested } from './ingest-setup.js';

// ---------------------------------------------------------------------------------------------
// One engine

async function runEngine(engine: Engine, results: PhaseResult[], breakdowns: Breakdown[]) {
  const total = eventsFor(engine);
  const clients = clientsFor(engine);
  const insertTotal = Math.min(INSERT_EVENTS, total);
  console.log(`\n== ${engine}: ${total} events in batches of ${BATCH}, ${clients} clients; INSERT baseline ${insertTotal} rows`);
  const s = await setUp(engine);
  try {
    // Warm-up (JIT, connections, plan caches), not measured.
    await httpIngest(s, s.baseUrl, 'warm', Math.min(2000, total), clients, [], newClientStats());
    await copyPhase(s, 'warmcopy', Math.min(2000, total));
    await insertPhase(s, 'warmins', Math.min(200, insertTotal), clients, []);
    await reset(s);

    const client = newClientStats();
    const profiler = CPU_PROFILE_DIR ? await startProfile() : null;
    const ingest = { ...(await measure(engine, 'ingest (HTTP /v1/batch)', total, (lat) => httpIngest(s, s.baseUrl, 'ev', total, clients, lat, client))), client };
    if (profiler && CPU_PROFILE_DIR) console.log(`  CPU profile: ${await profiler.stop(path.join(CPU_PROFILE_DIR, `${engine}-ingest.cpuprofile`))}`);
    await verifyIngested(s, total, 'ingest');
    results.push({ ...ingest, kind: 'ingest' });
    console.log(`  ingest: ${rate(ingest).toFixed(0)} events/s${client.retries ? `, ${client.retries} batches resent after a 5xx` : ''}`);
    await reset(s);

    let copyMs = 0;
    const copyRun = await measure(engine, `COPY (chunks of ${COPY_CHUNK})`, total, async () => {
      const r = await copyPhase(s, 'ev', total);
      check(r.written === total, `COPY reported ${r.written} rows, ${total} sent`);
      copyMs = r.copyMs;
    });
    // The best case: only the time inside copyRows counts (building the row arrays does not).
    const copy = { ...copyRun, wallMs: copyMs };
    const copied = await count(s.database, 'SELECT count(*)::int AS n FROM events');
    check(copied === total, `${engine} COPY: events has ${copied} rows, ${total} were copied`);
    results.push({ ...copy, kind: 'copy' });
    console.log(`  COPY: ${rate(copy).toFixed(0)} events/s`);
    await reset(s);

    const insert = await measure(engine, `INSERT (one per event, ${clients} workers)`, insertTotal, (lat) => insertPhase(s, 'ev', insertTotal, clients, lat));
    const inserted = await count(s.database, 'SELECT count(*)::int AS n FROM events');
    check(inserted === insertTotal, `${engine} INSERT: events has ${inserted} rows, ${insertTotal} were inserted`);
    results.push({ ...insert, kind: 'insert' });
    console.log(`  INSERT: ${rate(insert).toFixed(0)} events/s`);
    await reset(s);

    if (clients > 1) {
      // For context only (the ratios use the C-worker run above): the same on one connection.
      const n1 = Math.min(insertTotal, 2000);
      const insert1 = await measure(engine, 'INSERT (one per event, 1 worker)', n1, (lat) => insertPhase(s, 'ev', n1, 1, lat));
      check((await count(s.database, 'SELECT count(*)::int AS n FROM events')) === n1, `${engine} INSERT (1 worker): row count differs from ${n1}`);
      results.push({ ...insert1, kind: 'insert-1' });
      console.log(`  INSERT, 1 worker: ${rate(insert1).toFixed(0)} events/s`);
      await reset(s);
    }

    if (BREAKDOWN) breakdowns.push(await breakdown(s, Math.min(total, 20_000), clients));
  } finally {
    await s.cleanup();
  }
}

// ---------------------------------------------------------------------------------------------
// Main

async function main(): Promise<number> {
  const { commit, pglite } = runFacts();
  console.log(`canopy ingest benchmark — ${commit}, node ${process.version}, PGlite ${pglite}, engines ${engines.join(',')}, batch ${BATCH}, ${ACCOUNTS} accounts x ${USERS_PER_ACCOUNT} contacts, timestamps over the last ${TS_HOURS} h, jobs: ${JOBS}`);
  if (SUSTAIN_ONLY) {
    await sustainedPhase();
    return 0;
  }
  const results: PhaseResult[] = [];
  const breakdowns: Breakdown[] = [];
  for (const engine of engines) await runEngine(engine as Engine, results, breakdowns);
  console.log('');
  printTable(results);
  if (BREAKDOWN) {
    const cpu = validationCost();
    for (const b of breakdowns) printBreakdown(b, cpu);
  }
  printRatios(results);
  if (SUSTAIN) await sustainedPhase();
  return 0;
}

runBenchmark(main, { timeoutS: TIMEOUT_S, graceMs: 30_000, cleanups });
