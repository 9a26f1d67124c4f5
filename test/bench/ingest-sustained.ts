// The ingest benchmark's `pglite sustained` phase (issue 14): can the embedded database hold a steady
// load, and does it degrade cleanly (slower answers, or a 503 with Retry-After) rather than by
// timing clients out?
//
// The app is built as plain `canopy start` builds it: the job worker runs in this process
// (startJobs(..., { work: true })), so the health refresh of the accounts the events touch competes
// with ingestion for PGlite's one thread; accounts never scored are recomputed at start, as
// `canopy start` does. After a short closed-loop warm-up (not measured, then reset), an offered load
// of SUSTAIN_RATE events/s for SUSTAIN_S seconds is sent in batches of BATCH (default 100) from
// SUSTAIN_CLIENTS clients, OPEN LOOP: batch b is due at start + b x (1000 x BATCH / SUSTAIN_RATE) ms
// (client b mod C sends it) and is sent when due, whether or not earlier batches were answered, so
// a server that falls behind shows as latency and send lag (the load generator shares this process's
// thread with PGlite: when the database hogs the thread, sends start late). No retries: every answer
// is counted as it came. Each second, the `health_dirty` backlog is read (through the same Database).
// After the load: all answers awaited (each bounded by SUSTAIN_FETCH_TIMEOUT_S), then the backlog
// is followed for up to SUSTAIN_DRAIN_S seconds until it is empty.
//
// Prints `pglite sustained: N events/s, N × 5xx, p99 N ms` (events/s = accepted events / (last
// answer - first due time); 5xx includes 503s with Retry-After; p99 = batch latency from send to
// answer, a batch that timed out counted at the timeout), then the 503-with-Retry-After count, the
// send lag, timeouts, the backlog trend, and the CPU and load average beside it.
//
// Knobs (environment variable or --flag=value):
//   BENCH_SUSTAIN=1|0|only         --sustain           run this phase (default 1 when pglite is among the engines;
//                                                      only = this phase alone, as `npm run bench:sustained`)
//   BENCH_SUSTAIN_RATE             --sustain-rate      offered events/s (default 1000)
//   BENCH_SUSTAIN_S                --sustain-s         seconds of load (default 120)
//   BENCH_SUSTAIN_CLIENTS          --sustain-clients   clients the batches are spread over (default 4)
//   BENCH_SUSTAIN_FETCH_TIMEOUT_S  --sustain-fetch-timeout-s  a client gives up on a batch after this (default 120)
//   BENCH_SUSTAIN_DRAIN_S          --sustain-drain-s   after the load, follow the backlog until empty for at most this (default 60)
//   BENCH_SUSTAIN_ACCOUNTS         --sustain-accounts  accounts seeded, 5 contacts each (default 2000: more than the load touches
//                                                      in a second, so the dirty backlog is not capped by the book's size)
// The batch size (BENCH_BATCH) and timestamps (BENCH_TS_HOURS) are those of the other phases.
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { check, cpuMeter, engineList, intOpt, opt, quantile, slope } from './harness.js';
import { eventsOfBatch } from './ingest-events.js';
import { BATCH, checkDeadline } from './ingest-options.js';
import { count, httpIngest, reset, setUp } from './ingest-setup.js';

const mode = opt('sustain', 'BENCH_SUSTAIN') ?? (engineList().includes('pglite') ? '1' : '0');
if (mode !== '0' && mode !== '1' && mode !== 'only') throw new Error(`BENCH_SUSTAIN: expected 0, 1 or only, got ${mode}`);
export const SUSTAIN = mode !== '0';
export const SUSTAIN_ONLY = mode === 'only';
const RATE = intOpt('sustain-rate', 'BENCH_SUSTAIN_RATE', 1000, 1, 100_000);
const SECONDS = intOpt('sustain-s', 'BENCH_SUSTAIN_S', 120, 1, 3600);
const CLIENTS = intOpt('sustain-clients', 'BENCH_SUSTAIN_CLIENTS', 4, 1, 256);
const FETCH_TIMEOUT_S = intOpt('sustain-fetch-timeout-s', 'BENCH_SUSTAIN_FETCH_TIMEOUT_S', 120, 1, 3600);
const ACCOUNTS_SUSTAIN = intOpt('sustain-accounts', 'BENCH_SUSTAIN_ACCOUNTS', 2000, 1, 100_000);
const DRAIN_S = intOpt('sustain-drain-s', 'BENCH_SUSTAIN_DRAIN_S', 60, 0, 3600);

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));


/** Runs the phase against PGlite and prints its lines. */
export async function sustainedPhase(): Promise<void> {
  const engine = 'pglite';
  const total = RATE * SECONDS;
  const batches = Math.ceil(total / BATCH);
  const intervalMs = (1000 * BATCH) / RATE;
  console.log(`\n== pglite sustained: offered ${RATE} events/s for ${SECONDS} s (${batches} batches of ${BATCH}, one every ${intervalMs.toFixed(1)} ms, ` +
    `open loop over ${CLIENTS} clients), job worker in the process, ${ACCOUNTS_SUSTAIN} accounts x 5 contacts`);
  const s = await setUp(engine, 'worker', ACCOUNTS_SUSTAIN);
  try {
    // As `canopy start`: accounts never scored are scored in the background.
    await s.app.services.health.startRecompute('start');
    // Warm-up (JIT, plan caches), closed loop, not measured; then back to the seeded state.
    await httpIngest(s, s.baseUrl, 'swarm', Math.min(2000, total), CLIENTS, []);
    await reset(s);

    const auth = `Basic ${Buffer.from(`${s.writeKey}:`).toString('base64')}`;
    const latencies: number[] = [];
    const lags: number[] = [];
    const statuses = new Map<string, number>();
    const shown = new Set<string>(); // answers whose first body was printed
    const acceptedPer10s = new Map<number, number>();
    let accepted = 0;
    let fiveXx = 0;
    let retryAfter503 = 0;
    let timeouts = 0;
    let otherErrors = 0;
    let lastReply = 0;
    let inFlight = 0;
    let maxInFlight = 0;
    const backlog: { t: number; n: number }[] = [];
    const start = performance.now() + 50;
    let loadDone = false;

    const meter = cpuMeter(engine);
    const load0 = os.loadavg();
    const backlogLoop = (async () => {
      let next = start;
      while (!loadDone) {
        next += 1000;
        await sleep(Math.max(0, next - performance.now()));
        const n = await count(s.database, 'SELECT ((SELECT count(*) FROM health_dirty) + (SELECT count(*) FROM health_claims))::int AS n');
        backlog.push({ t: (performance.now() - start) / 1000, n });
      }
    })();

    const send = async (b: number, due: number) => {
      const body = JSON.stringify({ batch: eventsOfBatch(`sus${b % CLIENTS}`, b, total, ACCOUNTS_SUSTAIN), sentAt: new Date().toISOString() });
      const t0 = performance.now();
      lags.push(t0 - due);
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      try {
        const res = await fetch(`${s.baseUrl}/v1/batch`, {
          method: 'POST', headers: { authorization: auth, 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(FETCH_TIMEOUT_S * 1000),
        });
        const text = await res.text();
        const t1 = performance.now();
        latencies.push(t1 - t0);
        lastReply = Math.max(lastReply, t1);
        const hasRetryAfter = res.headers.get('retry-after') !== null;
        const key = `HTTP ${res.status}${hasRetryAfter ? ` Retry-After ${res.headers.get('retry-after')}` : ''}`;
        statuses.set(key, (statuses.get(key) ?? 0) + 1);
        if (res.status >= 500) fiveXx++;
        if (res.status === 503 && hasRetryAfter) retryAfter503++;
        if (res.status === 200) {
          const n = (JSON.parse(text) as { accepted?: number }).accepted ?? 0;
          accepted += n;
          const w = Math.floor((t1 - start) / 10_000);
          acceptedPer10s.set(w, (acceptedPer10s.get(w) ?? 0) + n);
        } else if (!shown.has(key)) {
          shown.add(key);
          console.log(`  first ${key}: ${text.slice(0, 160)}`);
        }
      } catch (err) {
        const e = err as { name?: string };
        if (e.name === 'TimeoutError' || e.name === 'AbortError') {
          timeouts++;
          latencies.push(FETCH_TIMEOUT_S * 1000);
        } else {
          otherErrors++;
          const key = `error ${String(err).slice(0, 120)}`;
          statuses.set(key, (statuses.get(key) ?? 0) + 1);
        }
      } finally {
        inFlight--;
      }
    };

    const sends: Promise<void>[] = [];
    for (let b = 0; b < batches; b++) {
      if ((b & 31) === 0) checkDeadline('pglite sustained');
      const due = start + b * intervalMs;
      const wait = due - performance.now();
      if (wait > 1) await sleep(wait);
      sends.push(send(b, due));
    }
    await Promise.all(sends);
    const loadEnd = performance.now();
    const cpu = meter();
    const load1 = os.loadavg();
    // Follow the backlog until empty (or DRAIN_S), then stop the poller.
    let drainedS: number | null = null;
    while (performance.now() - loadEnd < DRAIN_S * 1000) {
      const n = await count(s.database, 'SELECT ((SELECT count(*) FROM health_dirty) + (SELECT count(*) FROM health_claims))::int AS n');
      if (n === 0) {
        drainedS = (performance.now() - loadEnd) / 1000;
        break;
      }
      await sleep(500);
    }
    loadDone = true;
    await backlogLoop;

    const rows = await count(s.database, 'SELECT count(*)::int AS n FROM events');
    const rate = accepted / ((lastReply - start) / 1000);
    latencies.sort((a, b) => a - b);
    lags.sort((a, b) => a - b);
    const inLoad = backlog.filter((p) => p.t <= SECONDS);
    const trend = slope(inLoad);
    const half = Math.floor(inLoad.length / 2);
    const mean = (xs: { n: number }[]) => (xs.length ? xs.reduce((a, p) => a + p.n, 0) / xs.length : Number.NaN);
    console.log(`  answers: ${[...statuses].map(([k, n]) => `${n} x ${k}`).join(', ')}; ${timeouts} timed out after ${FETCH_TIMEOUT_S} s`);
    console.log(`  accepted per 10 s: ${[...acceptedPer10s].sort((a, b) => a[0] - b[0]).map(([, n]) => n).join(' ')}`);
    console.log(`  health_dirty backlog each second: ${backlog.map((p) => p.n).join(' ')}`);
    console.log(`  events rows ${rows} (accepted ${accepted}, sent ${total}); max in flight ${maxInFlight}; batch latency p50 ${quantile(latencies, 0.5).toFixed(0)} ms, max ${quantile(latencies, 1).toFixed(0)} ms`);
    console.log(`  CPU over the load (${(cpu.wallMs / 1000).toFixed(0)} s): node ${cpu.nodeS.toFixed(1)} s, other CPU ${cpu.otherS === null ? '-' : cpu.otherS.toFixed(1)} s; ` +
      `load average ${load0.map((x) => x.toFixed(2)).join(' ')} before, ${load1.map((x) => x.toFixed(2)).join(' ')} after (${os.cpus().length} CPUs)`);
    console.log('');
    console.log(`pglite sustained: ${rate.toFixed(0)} events/s, ${fiveXx} × 5xx, p99 ${quantile(latencies, 0.99).toFixed(0)} ms`);
    console.log(`pglite sustained 503 with Retry-After: ${retryAfter503} (of the ${fiveXx} × 5xx); timed out after ${FETCH_TIMEOUT_S} s: ${timeouts}; other errors: ${otherErrors}`);
    console.log(`pglite sustained send lag: p99 ${quantile(lags, 0.99).toFixed(0)} ms, max ${quantile(lags, 1).toFixed(0)} ms`);
    console.log(`pglite sustained health_dirty backlog: trend ${trend === null ? '-' : `${trend >= 0 ? '+' : ''}${trend.toFixed(1)} accounts/s`} over the load ` +
      `(mean ${mean(inLoad.slice(0, half)).toFixed(0)} first half, ${mean(inLoad.slice(half)).toFixed(0)} second half, max ${Math.max(0, ...backlog.map((p) => p.n))}); ` +
      `${drainedS === null ? `not empty ${DRAIN_S} s after the load` : `empty ${drainedS.toFixed(1)} s after the load`}`);
    check(rows >= accepted && rows <= total, `pglite sustained: events has ${rows} rows, ${accepted} events were acknowledged and ${total} sent`);
  } finally {
    await s.cleanup();
  }
}
