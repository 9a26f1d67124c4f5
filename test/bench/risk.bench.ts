// Risk benchmark: `npm run bench:risk` (= tsx test/bench/risk.bench.ts). Issue 12.
//
// On a fresh PostgreSQL database `canopy_bench_r_<random>` (dropped at the end), with the health
// benchmark's generated book (test/bench/health-book.ts: accounts, contacts, usage_daily rollups
// with usage trends) plus risk inputs (test/bench/risk-book.ts: contacts deactivated or moved, open
// escalations, health drops, support spikes, failed payments, detractor NPS / low CSAT):
//   1. full refresh vs health — alternating REPEATS times, inline (no queue): health's full recompute
//      (createHealthService(db, null).startRecompute) then risk's full refresh
//      (createRiskService({database, jobs: null}).refreshAll(): keyset chunks of 500, each
//      refreshSignals + signalsAsOf + model + saveRisk + register). Medians compared:
//      `postgres risk/health ratio: N` (risk refresh / health recompute; target <= 1). The risk
//      refresh is split into phases (test/bench/risk-timing.ts: signals, read, model, save, …).
//   2. freshness under load (test/bench/risk-freshness.ts) — app + job worker, POST /v1/batch at RATE
//      events/s; time from a probe batch's 200 until the probe account's account_risk.computed_at
//      moved: `postgres risk freshness p95: N s` (target <= 5 s), with the health_dirty and
//      risk_dirty backlogs each second and their trends.
//
// Knobs (environment variable or --flag=value), as in health.bench.ts:
//   BENCH_ACCOUNTS (100000), BENCH_EVENTS_PER_DAY (5), BENCH_DAYS (90), BENCH_REPEATS (3),
//   BENCH_RATE (2000), BENCH_DURATION_S (45), BENCH_WARMUP_S (5), BENCH_PROBE_MS (200),
//   BENCH_PROBE_TIMEOUT_S (90), BENCH_FRESHNESS=0|1 (1), BENCH_SEED (1), BENCH_TIMEOUT_S (3600),
//   BENCH_PG_URL (postgres://postgres@127.0.0.1:5432/test; loopback only), BENCH_KEEP_DB=1.
// Exit code: 0 = measured (targets met or not, see the printed lines), 1 = a check failed, 2 = timed out.
import os from 'node:os';
import pg from 'pg';
import { connect } from '../../src/db/connect.js';
import { migrate } from '../../src/db/migrate.js';
import { createHealthService } from '../../src/health/service.js';
import { createRiskService } from '../../src/risk/service.js';
import { assertLoopback, check, cpuMeter, createScratchDatabase, deadlineOf, numOpt, opt, quantile, runBenchmark, runFacts, type Cpu } from './harness.js';
import { healthTimedDatabase, HealthTimings } from './health-timing.js';
import { bookGenerator } from './health-book.js';
import { addRiskInputs } from './risk-book.js';
import { riskFreshness, slope, type FreshnessResult } from './risk-freshness.js';
import { riskPhaseLine, riskTimedDatabase, RiskTimings, slowestSignalsSql, type RiskChunk } from './risk-timing.js';

const ACCOUNTS = numOpt('accounts', 'BENCH_ACCOUNTS', 100_000, 100, 1_000_000);
const EVENTS_PER_DAY = numOpt('events-per-day', 'BENCH_EVENTS_PER_DAY', 5, 0.5, 19, false);
const DAYS = numOpt('days', 'BENCH_DAYS', 90, 7, 400);
const REPEATS = numOpt('repeats', 'BENCH_REPEATS', 3, 1, 9);
const RATE = numOpt('rate', 'BENCH_RATE', 2000, 100, 100_000);
const DURATION_S = numOpt('duration-s', 'BENCH_DURATION_S', 45, 5, 600);
const WARMUP_S = numOpt('warmup-s', 'BENCH_WARMUP_S', 5, 0, 120);
const PROBE_MS = numOpt('probe-ms', 'BENCH_PROBE_MS', 200, 50, 10_000);
const PROBE_TIMEOUT_S = numOpt('probe-timeout-s', 'BENCH_PROBE_TIMEOUT_S', 90, 5, 600);
const FRESHNESS = opt('freshness', 'BENCH_FRESHNESS') !== '0';
const SEED = numOpt('seed', 'BENCH_SEED', 1, 0, 2 ** 31);
const TIMEOUT_S = numOpt('timeout-s', 'BENCH_TIMEOUT_S', 3600, 30, 24 * 3600);
const PG_URL = opt('pg-url', 'BENCH_PG_URL') ?? 'postgres://postgres@127.0.0.1:5432/test';
const KEEP_DB = opt('keep-db', 'BENCH_KEEP_DB') === '1';
assertLoopback(PG_URL, ['postgres']);

const { checkDeadline } = deadlineOf(TIMEOUT_S);
const { buildBook } = bookGenerator({ seed: SEED, days: DAYS, eventsPerDay: EVENTS_PER_DAY, checkDeadline });
const cleanups: (() => Promise<void>)[] = [];
const s1 = (ms: number) => (ms / 1000).toFixed(1);
const median = (xs: number[]) => quantile([...xs].sort((a, b) => a - b), 0.5);
const cpuText = (c: Cpu) => `node CPU ${c.nodeS.toFixed(1)} s, postgres CPU ${(c.pgS ?? 0).toFixed(1)} s, rest of machine ${(c.otherS ?? 0).toFixed(1)} s`;

type Run = { ms: number; cpu: Cpu };
type RiskRun = Run & { chunks: RiskChunk[]; levels: Record<string, number>; slowest: string[] };

async function main(): Promise<number> {
  const { commit } = runFacts();
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  const { rows: srv } = await admin.query<{ v: string; sb: string; wm: string }>(`SELECT current_setting('server_version') AS v, current_setting('shared_buffers') AS sb, current_setting('work_mem') AS wm`);
  await admin.end();
  console.log(`canopy risk benchmark — ${commit}, ${os.cpus().length} CPUs, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}, ` +
    `PostgreSQL ${srv[0]?.v} (shared_buffers ${srv[0]?.sb}, work_mem ${srv[0]?.wm}), load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  console.log(`${ACCOUNTS} accounts; ${DAYS} days; ~${EVENTS_PER_DAY} event names per active account-day; ${REPEATS} health/risk runs; ` +
    `load ${RATE} events/s for ${WARMUP_S}+${DURATION_S} s${FRESHNESS ? '' : ' (skipped)'}; seed ${SEED}`);

  const scratch = await createScratchDatabase(PG_URL, 'canopy_bench_r_');
  cleanups.push(async () => (KEEP_DB ? console.log(`kept scratch database ${scratch.name}`) : scratch.drop()));
  const database = await connect({ databaseUrl: scratch.url });
  cleanups.push(() => database.close().catch(() => undefined));
  console.log(`scratch database ${scratch.name}`);
  await migrate(database);

  const book = await buildBook(database, ACCOUNTS);
  console.log(`book: ${ACCOUNTS} accounts (${book.activeAccounts} with usage), ${book.contacts} contacts, usage_daily ${book.usageRows} rows; loaded in ${s1(book.loadMs)} s`);
  const inputs = await addRiskInputs(database);
  console.log(`risk inputs: ${Object.entries(inputs).map(([k, v]) => `${k} ${v}`).join(', ')}`);

  // 1. Full refresh vs health's full recompute, alternating.
  const ht = new HealthTimings();
  const health = createHealthService(healthTimedDatabase(database, ht), null);
  const rt = new RiskTimings();
  const risk = createRiskService({ database: riskTimedDatabase(database, rt), jobs: null });
  const healthRuns: Run[] = [];
  const riskRuns: RiskRun[] = [];
  for (let i = 0; i < REPEATS; i++) {
    checkDeadline('health recompute');
    ht.reset();
    let meter = cpuMeter('postgres');
    await health.startRecompute('bench');
    const hc = meter();
    healthRuns.push({ ms: hc.wallMs, cpu: hc });
    console.log(`  health recompute ${i + 1}/${REPEATS}: ${s1(hc.wallMs)} s, ${ht.chunks.length} chunks (${cpuText(hc)})`);
    checkDeadline('risk refresh');
    rt.reset();
    meter = cpuMeter('postgres');
    const out = await risk.refreshAll();
    const cpu = meter();
    check(out.accounts === ACCOUNTS, `risk refresh ${i + 1}: ${out.accounts} accounts, expected ${ACCOUNTS}`);
    riskRuns.push({ ms: cpu.wallMs, cpu, chunks: rt.chunks, levels: out.levels, slowest: slowestSignalsSql(rt) });
    console.log(`  risk refresh ${i + 1}/${REPEATS}: ${s1(cpu.wallMs)} s, ${rt.chunks.length} chunks (${cpuText(cpu)}); levels ${JSON.stringify(out.levels)}`);
  }
  const { rows: kinds } = await database.query<{ kind: string; n: number }>(
    `SELECT kind, count(*)::int AS n FROM risk_signals WHERE ended_at IS NULL GROUP BY kind ORDER BY n DESC`);
  const { rows: cnt } = await database.query<{ n: number }>('SELECT count(*)::int AS n FROM account_risk');
  check(cnt[0]?.n === ACCOUNTS, `account_risk has ${cnt[0]?.n} rows for ${ACCOUNTS} accounts`);

  // 2. Freshness under load.
  let fr: FreshnessResult | null = null;
  if (FRESHNESS) {
    await database.query('TRUNCATE health_dirty, risk_dirty, health_claims, risk_claims');
    console.log(`freshness: ${RATE} events/s for ${WARMUP_S} + ${DURATION_S} s, a probe every ${PROBE_MS} ms`);
    fr = await riskFreshness(database, scratch.url, book, {
      rate: RATE, durationS: DURATION_S, warmupS: WARMUP_S, probeMs: PROBE_MS, probeTimeoutS: PROBE_TIMEOUT_S, seed: SEED, checkDeadline,
    });
  }
  report(healthRuns, riskRuns, kinds, fr);
  return 0;
}

function report(healthRuns: Run[], riskRuns: RiskRun[], kinds: { kind: string; n: number }[], fr: FreshnessResult | null) {
  const hMs = median(healthRuns.map((r) => r.ms));
  const rMs = median(riskRuns.map((r) => r.ms));
  const mid = [...riskRuns].sort((a, b) => a.ms - b.ms)[Math.floor((riskRuns.length - 1) / 2)];
  console.log('\n== results');
  console.log(`   health recompute: ${healthRuns.map((r) => s1(r.ms)).join(' / ')} s (median ${s1(hMs)} s, ${((ACCOUNTS / hMs) * 1000).toFixed(0)} accounts/s)`);
  console.log(`   risk refresh:     ${riskRuns.map((r) => s1(r.ms)).join(' / ')} s (median ${s1(rMs)} s, ${((ACCOUNTS / rMs) * 1000).toFixed(0)} accounts/s)`);
  if (mid) {
    console.log(`   risk refresh phases (median run): ${riskPhaseLine(mid.chunks, mid.ms)}`);
    const per = (k: keyof RiskChunk) => quantile(mid.chunks.map((c) => c[k]).sort((a, b) => a - b), 0.5).toFixed(0);
    console.log(`   per chunk of 500 (${mid.chunks.length} chunks), p50: signals ${per('signals')} ms (SQL ${per('signalsSql')} ms), read ${per('read')} ms, ` +
      `model ${per('model')} ms, save ${per('save')} ms, after ${per('after')} ms, total ${per('totalMs')} ms; ${cpuText(mid.cpu)}`);
    console.log('   slowest statements of the signals phase (median run, summed over its chunks):');
    for (const line of mid.slowest) console.log(`     ${line}`);
    console.log(`   risk levels: ${Object.entries(mid.levels).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  }
  console.log(`   open signals by kind: ${kinds.map((k) => `${k.kind} ${k.n}`).join(', ') || 'none'}`);
  if (fr) {
    console.log(`   load: ${fr.sentEvents} events sent, ${fr.acceptedEvents} accepted, ${fr.measuredRate.toFixed(0)} events/s in the measured window; ` +
      `batch latency p50 ${quantile(fr.latencies, 0.5).toFixed(0)} ms, p99 ${quantile(fr.latencies, 0.99).toFixed(0)} ms; ${fr.retries} resent after a 5xx`);
    for (const [e, k] of fr.errors) console.log(`   load error: ${k} x ${e}`);
    for (const [e, k] of fr.jobErrors) console.log(`   job error: ${k} x ${e}`);
    console.log(`   health_dirty backlog (each second): ${fr.backlog.map((b) => b.health).join(' ')}`);
    console.log(`   risk_dirty backlog (each second):   ${fr.backlog.map((b) => b.risk).join(' ')}`);
    for (const key of ['health', 'risk'] as const) {
      const g = slope(fr.backlog.map((b) => ({ t: b.t, n: b[key] })), WARMUP_S, WARMUP_S + DURATION_S);
      if (g !== null) console.log(`   ${key}_dirty trend over the measured window: ${g >= 0 ? '+' : ''}${g.toFixed(0)} accounts/s (${g > 20 ? 'growing: the refresh does not keep up' : 'steady'})`);
    }
    const rc = fr.riskChunks;
    if (rc.length) {
      const acc = rc.reduce((a, c) => a + c.accounts, 0);
      const avg = (k: keyof RiskChunk) => (rc.reduce((a, c) => a + c[k], 0) / rc.length).toFixed(0);
      console.log(`   risk refresh under load: ${rc.length} chunks, ${acc} accounts (${(acc / rc.length).toFixed(0)} per chunk); per chunk: pick ${avg('pick')} ms, ` +
        `signals ${avg('signals')} ms (SQL ${avg('signalsSql')} ms), read ${avg('read')} ms, model ${avg('model')} ms, save ${avg('save')} ms, after ${avg('after')} ms, total ${avg('totalMs')} ms`);
    }
    for (const job of ['health.refresh-dirty', 'risk.refresh-dirty']) {
      const runs = fr.jobRuns.get(job) ?? [];
      if (runs.length) console.log(`   ${job} runs: ${runs.length}, ${runs.map((x) => s1(x)).join(' ')} s`);
    }
    const f = fr.fresh;
    console.log(`   probes: ${fr.probes.length}, fresh ${f.length}, not fresh within ${PROBE_TIMEOUT_S} s (or failed) ${fr.timedOut}; ` +
      `p50 ${s1(quantile(f, 0.5))} s, p90 ${s1(quantile(f, 0.9))} s, max ${f.length ? s1(quantile(f, 1)) : '-'} s`);
  }
  console.log('');
  const ratio = rMs / hMs;
  console.log(`postgres risk/health ratio: ${ratio.toFixed(1)}`);
  console.log(`postgres risk refresh: ${s1(rMs)} s, health recompute: ${s1(hMs)} s (medians of ${REPEATS}; ${ACCOUNTS} accounts)`);
  let freshLine = '';
  if (fr) {
    const all = [...fr.fresh, ...Array.from({ length: fr.timedOut }, () => Number.POSITIVE_INFINITY)].sort((a, b) => a - b);
    const fmt = (v: number) => (Number.isFinite(v) ? `${s1(v)} s` : `>${PROBE_TIMEOUT_S.toFixed(1)} s`);
    const p95 = quantile(all, 0.95);
    console.log(`postgres risk freshness p50: ${fmt(quantile(all, 0.5))}`);
    console.log(`postgres risk freshness p95: ${fmt(p95)}`);
    console.log(`postgres ingest rate: ${fr.measuredRate.toFixed(0)} events/s (target ${RATE})`);
    freshLine = `; freshness p95 <= 5 s ${p95 <= 5000 ? 'met' : 'NOT met'}${fr.measuredRate < RATE * 0.97 ? ` (caveat: the load did not hold ${RATE} events/s)` : ''}`;
  }
  console.log(`postgres targets: risk refresh <= 1x health recompute ${ratio <= 1 ? 'met' : 'NOT met'}${freshLine}`);
}

runBenchmark(main, { timeoutS: TIMEOUT_S, graceMs: 60_000, cleanups });
