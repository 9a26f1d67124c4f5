// Outbox benchmark: `npm run bench:outbox` (= tsx test/bench/outbox.bench.ts). Figures in docs/benchmarks.md ("Outbox").
//
// One slow webhook receiver (answers after SLOW_MS) and one fast one (answers at once), both on
// 127.0.0.1 (allow-listed), each subscribed to the same event type: RATE deliveries/s are offered
// for DURATION_S seconds (RATE/2 events/s, one delivery to each receiver per event), each event
// committed through emitEvent and followed by outbox.wake(), as the product does. Canopy's real
// job queue (createJobQueue, the outbox.pump job with the handler of src/notifications/jobs.ts)
// runs the pump. Per engine (PostgreSQL: a fresh scratch database, dropped at the end; PGlite: in
// memory) and per mode, each on a fresh database in the same run:
//   pool   — the send pool (src/notifications/send-pool.ts): 16 in flight, 4 per destination host
//   legacy — the pump before it (batches of ten messages + ten deliveries, each waiting for its
//            slowest send), kept behind createOutbox(…, { legacy: true }) for this comparison
// After the offered load, the run waits up to DRAIN_S for the fast receiver's last delivery, then
// closes the slow receiver (its backlog fails fast and waits for its retry) and stops the queue.
// Printed per receiver: offered, delivered, duplicates, lag p50/p95/max where lag = arrival at the
// receiver − the event's occurredAt (deliveries that never arrived count with the lag they had at
// the end, so the figure is then a lower bound, shown as ≥), the most requests the slow receiver
// held at once, and the most outbox.pump jobs waiting in the queue (sampled every second).
// Knobs (environment variable or --flag=value):
//   BENCH_DB=pglite[,postgres]  --db          engines (default: postgres if DATABASE_URL is set, else pglite)
//   BENCH_MODES=pool,legacy     --modes       which pumps, in that order
//   BENCH_RATE                  --rate        deliveries offered per second, both receivers together (default 50)
//   BENCH_DURATION_S            --duration-s  how long the load is offered (default 60)
//   BENCH_SLOW_MS               --slow-ms     the slow receiver's answer time (default 2500)
//   BENCH_DRAIN_S               --drain-s     how long to wait for the fast receiver afterwards (default 30)
//   BENCH_PG_URL / DATABASE_URL --pg-url      server for the scratch database (loopback only)
//   BENCH_TIMEOUT_S             --timeout-s   hard limit for the whole run (default 1800)
// Exit code: 0 = measured (see the target line), 1 = a check failed, 2 = timed out.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { loadConfig } from '../../src/config.js';
import { connect, type Database } from '../../src/db/connect.js';
import { migrate } from '../../src/db/migrate.js';
import { createJobQueue, lazySender, type JobQueue } from '../../src/jobs/queue.js';
import { createOutbox, OUTBOX_JOB } from '../../src/notifications/outbox.js';
import { emitEvent } from '../../src/webhooks/emit.js';
import { assertLoopback, check, createScratchDatabase, numOpt, opt, quantile, runBenchmark, runFacts, type Engine } from './harness.js';

const PG_URL = opt('pg-url', 'BENCH_PG_URL') ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const engines = (opt('db', 'BENCH_DB') ?? (process.env.DATABASE_URL ? 'postgres' : 'pglite')).split(',').map((s) => s.trim()) as Engine[];
for (const e of engines) if (e !== 'postgres' && e !== 'pglite') throw new Error(`--db: unknown engine ${e}`);
type Mode = 'pool' | 'legacy';
const modes = (opt('modes', 'BENCH_MODES') ?? 'pool,legacy').split(',').map((s) => s.trim()) as Mode[];
for (const m of modes) if (m !== 'pool' && m !== 'legacy') throw new Error(`--modes: unknown mode ${m}`);
const RATE = numOpt('rate', 'BENCH_RATE', 50, 2, 2000);
const DURATION_S = numOpt('duration-s', 'BENCH_DURATION_S', 60, 1, 3600);
const SLOW_MS = numOpt('slow-ms', 'BENCH_SLOW_MS', 2500, 0, 60_000);
const DRAIN_S = numOpt('drain-s', 'BENCH_DRAIN_S', 30, 0, 3600);
const TIMEOUT_S = numOpt('timeout-s', 'BENCH_TIMEOUT_S', 1800, 60, 24 * 3600);
assertLoopback(PG_URL, engines);

const cleanups: (() => Promise<unknown>)[] = [];
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const sec = (ms: number) => (Number.isNaN(ms) ? '-' : (ms / 1000).toFixed(2));

type Arrival = { id: string; lagMs: number };
async function receiver(delayMs: number) {
  const arrivals: Arrival[] = [];
  let open = 0;
  let maxOpen = 0;
  const server = http.createServer((req, res) => {
    open++;
    maxOpen = Math.max(maxOpen, open);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const at = Date.now();
      const payload = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { occurredAt: string };
      arrivals.push({ id: String(req.headers['canopy-delivery']), lagMs: at - Date.parse(payload.occurredAt) });
      const answer = () => {
        open--;
        if (!res.destroyed) res.writeHead(200).end('ok');
      };
      if (delayMs > 0) setTimeout(answer, delayMs);
      else answer();
    });
    req.on('error', () => undefined);
  });
  server.on('clientError', () => undefined);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  let closed = false;
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    arrivals,
    maxOpen: () => maxOpen,
    close: () => new Promise<void>((r) => {
      if (closed) return r();
      closed = true;
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}

type Side = { offered: number; delivered: number; duplicates: number; lag: number[]; lowerBound: boolean; maxOpen: number };
type Result = { engine: Engine; mode: Mode; slow: Side; fast: Side; offeredPerS: number; maxQueued: number; wallS: number };

async function runMode(engine: Engine, mode: Mode): Promise<Result> {
  let database: Database;
  let url: string | undefined;
  if (engine === 'postgres') {
    const scratch = await createScratchDatabase(PG_URL, 'canopy_bench_o_');
    cleanups.push(scratch.drop);
    url = scratch.url;
    database = await connect({ databaseUrl: url, poolSize: 10 });
  } else {
    database = await connect({});
  }
  cleanups.push(() => database.close());
  await migrate(database);
  const config = loadConfig({ LOG_LEVEL: 'silent', CANOPY_OUTBOUND_ALLOW: '127.0.0.1', ...(url ? { DATABASE_URL: url } : {}) });

  const slow = await receiver(SLOW_MS);
  const fast = await receiver(0);
  cleanups.push(slow.close, fast.close);
  const hooks = new Map<string, 'slow' | 'fast'>();
  for (const [side, rx] of [['slow', slow], ['fast', fast]] as const) {
    const { rows } = await database.query<{ id: string }>(
      `INSERT INTO webhooks (name, url, secret, events) VALUES ($1, $2, 'whsec_bench', ARRAY['task.created']) RETURNING id`, [side, rx.url]);
    hooks.set(rows[0]?.id ?? '', side);
  }

  let queue: JobQueue | null = null;
  const outbox = createOutbox(config, database, lazySender(() => queue), { legacy: mode === 'legacy' });
  const errors: string[] = [];
  const log = { info: () => undefined, error: (o: object) => void errors.push(JSON.stringify(o).slice(0, 200)) };
  // The job of src/notifications/jobs.ts; for the legacy pump as it was: no 'short' policy, and it ignores
  // `coalesce` (every call chains one more pump, as before).
  queue = await createJobQueue(database, url, [
    { name: OUTBOX_JOB, cron: '* * * * *', ...(mode === 'pool' ? { policy: 'short' as const } : {}), retryLimit: 1, retryDelaySeconds: 5, handler: () => outbox.pump({ coalesce: true }) },
  ], log);
  const q = queue;
  let stopped = false;
  cleanups.push(async () => {
    if (!stopped) await q.stop();
  });
  await q.work();

  // The pump jobs waiting, sampled every second (the old pump let them pile up).
  let maxQueued = 0;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const { rows } = await database.query<{ n: number }>(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = $1 AND state IN ('created', 'retry')`, [OUTBOX_JOB]);
      maxQueued = Math.max(maxQueued, rows[0]?.n ?? 0);
      await sleep(1000);
    }
  })();

  const eventsPerS = RATE / 2;
  const events = Math.round(eventsPerS * DURATION_S);
  const t0 = Date.now();
  for (let i = 0; i < events; i++) {
    const due = t0 + (i * 1000) / eventsPerS;
    const wait = due - Date.now();
    if (wait > 0) await sleep(wait);
    await database.transaction((tx) => emitEvent(tx, { type: 'task.created', accountId: null, data: { i } }));
    await outbox.wake();
  }
  const offerS = (Date.now() - t0) / 1000;
  const drainUntil = Date.now() + DRAIN_S * 1000;
  while (new Set(fast.arrivals.map((a) => a.id)).size < events && Date.now() < drainUntil) await sleep(100);
  const endedAt = Date.now();

  // Lags as of now; then the slow receiver goes away (its backlog fails fast and waits for a retry) and the queue stops.
  const { rows } = await database.query<{ id: string; webhook_id: string; occurred: string }>(
    `SELECT id, webhook_id, payload->>'occurredAt' AS occurred FROM webhook_deliveries`);
  const side = (name: 'slow' | 'fast', rx: Awaited<ReturnType<typeof receiver>>): Side => {
    const mine = rows.filter((r) => hooks.get(r.webhook_id) === name);
    const first = new Map<string, number>();
    for (const a of rx.arrivals) if (!first.has(a.id)) first.set(a.id, a.lagMs);
    const lag = mine.map((r) => first.get(r.id) ?? endedAt - Date.parse(r.occurred)).sort((a, b) => a - b);
    return { offered: mine.length, delivered: first.size, duplicates: rx.arrivals.length - first.size, lag, lowerBound: first.size < mine.length, maxOpen: rx.maxOpen() };
  };
  const result: Result = { engine, mode, slow: side('slow', slow), fast: side('fast', fast), offeredPerS: (events * 2) / offerS, maxQueued, wallS: (endedAt - t0) / 1000 };
  await slow.close();
  sampling = false;
  await sampler;
  await q.stop();
  stopped = true;
  for (const c of cleanups.splice(0).reverse()) await c().catch((err: unknown) => console.error(`cleanup failed: ${String(err)}`));
  for (const e of errors.slice(0, 5)) console.log(`  queue error: ${e}`);
  check(result.fast.duplicates === 0 && result.slow.duplicates === 0, `duplicates: fast ${result.fast.duplicates}, slow ${result.slow.duplicates}`);
  check(result.fast.offered === events && result.slow.offered === events, `expected ${events} deliveries per receiver, got fast ${result.fast.offered}, slow ${result.slow.offered}`);
  return result;
}

function report(results: Result[]) {
  const head = ['engine', 'mode', 'receiver', 'offered', 'delivered', 'dup', 'lag p50 s', 'lag p95 s', 'lag max s', 'max in flight at receiver', 'max pump jobs queued'];
  const rows: string[][] = [];
  for (const r of results) {
    for (const [name, s] of [['fast', r.fast], ['slow', r.slow]] as const) {
      const ge = s.lowerBound ? '≥' : '';
      rows.push([r.engine, r.mode, name, String(s.offered), String(s.delivered), String(s.duplicates),
        ge + sec(quantile(s.lag, 0.5)), ge + sec(quantile(s.lag, 0.95)), ge + sec(quantile(s.lag, 1)), String(s.maxOpen), String(r.maxQueued)]);
    }
  }
  const cells = [head, ...rows];
  const w = head.map((_, i) => Math.max(...cells.map((c) => (c[i] ?? '').length)));
  const line = (c: string[]) => `| ${c.map((x, i) => (i < 3 ? x.padEnd(w[i] ?? 0) : x.padStart(w[i] ?? 0))).join(' | ')} |`;
  console.log(['', line(head), `|${w.map((x, i) => (i < 3 ? `:${'-'.repeat(x + 1)}` : `${'-'.repeat(x + 1)}:`)).join('|')}|`, ...rows.map(line)].join('\n'));
  console.log('');
  for (const r of results) console.log(`${r.engine} ${r.mode}: offered ${r.offeredPerS.toFixed(1)} deliveries/s; measured ${r.wallS.toFixed(1)} s after the first event`);
  for (const e of engines) {
    const pool = results.find((r) => r.engine === e && r.mode === 'pool');
    const legacy = results.find((r) => r.engine === e && r.mode === 'legacy');
    if (pool && legacy) console.log(`${e} fast receiver lag p95, legacy / pool: ${(quantile(legacy.fast.lag, 0.95) / quantile(pool.fast.lag, 0.95)).toFixed(1)}×${legacy.fast.lowerBound ? ' (at least)' : ''}`);
    if (pool) {
      const p95 = quantile(pool.fast.lag, 0.95);
      console.log(`${e} target fast receiver lag p95 < 2 s (pool): ${sec(p95)} s — ${p95 < 2000 && !pool.fast.lowerBound ? 'met' : 'NOT met'}`);
    }
  }
}

async function main(): Promise<number> {
  const { commit, pglite } = runFacts();
  console.log(`canopy outbox benchmark — ${commit}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}), load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}, node ${process.version}, PGlite ${pglite}`);
  console.log(`engines ${engines.join(',')}; modes ${modes.join(',')}; ${RATE} deliveries/s for ${DURATION_S} s; slow receiver ${SLOW_MS} ms, fast at once; drain up to ${DRAIN_S} s`);
  const results: Result[] = [];
  for (const e of engines) {
    for (const m of modes) {
      console.log(`  ${e} ${m} …`);
      results.push(await runMode(e, m));
    }
  }
  report(results);
  return 0;
}

runBenchmark(main, { timeoutS: TIMEOUT_S, graceMs: 60_000, cleanups });
