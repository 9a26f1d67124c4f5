// Jobs benchmark: `npm run bench:jobs` (= tsx test/bench/jobs.bench.ts). Figures in docs/benchmarks.md ("Jobs").
//
// Per engine (PostgreSQL: a fresh database `canopy_bench_j_<random>`, dropped at the end, also on
// failure or Ctrl-C; PGlite: in memory), with Canopy's real job queue (createJobQueue over
// allJobs, as startJobs builds it; the playbook step handler is wrapped here to record when each
// step starts; the work services run on a timing wrapper of the database that counts statements):
//   rules — a book of ACCOUNTS accounts (owners spread over 50 CSMs, account_health, one old health
//           move each), the rule "health dropped >= 10 points within 7 days -> task for the owner"
//           created through the rules service (validated), then a bulk health change: DROP_PCT %
//           of the accounts lose 10..35 points, MOVE_PCT % lose 1..9 (dirty, must not fire).
//           Timed: work.rules.evaluateDirty() end to end; then the same accounts marked again (must
//           fire 0: once per window); then rules.sweep() over the whole book (fires 0).
//           Checks: firings = dropped accounts, one rule task each for the account's owner.
//   jobs  — no-op work through the queue, same database, same run, Canopy's workers running:
//           (a) pg-boss's own loop: JOBS no-op jobs inserted into a plain queue, worked by
//               boss.work() with the worker options Canopy uses for the playbook step queue (read
//               from Canopy's own boss.work call); jobs/s from first insert to last handler end;
//               enqueue (insert committed) -> handler start latency. Stops after BASELINE_MAX_S.
//           (a') reference: boss.fetch + boss.complete in a tight loop (no polling sleep).
//           (b) Canopy: a playbook of STEPS `wait 0 days` steps, JOBS/STEPS runs started through
//               work.playbooks.startInTx + afterStart; steps/s until every run is completed;
//               latency from the step's run_at (its enqueue time) to its handler start.
//           (b') the same with FEW_RUNS runs: the pick-up latency when no backlog is queued.
//           Prints `<engine> jobs/pgboss ratio: X.XX` (b / a) and enqueue-to-start p50/p95 of (b).
// Knobs (environment variable or --flag=value):
//   BENCH_DB=postgres[,pglite]  --db             engines, in that order (default postgres)
//   BENCH_PHASES=rules,jobs     --phases         which parts to run
//   BENCH_ACCOUNTS              --accounts       book size on PostgreSQL (default 100000)
//   BENCH_PGLITE_ACCOUNTS       --pglite-accounts  book size on PGlite (default 20000)
//   BENCH_DROP_PCT / _MOVE_PCT  --drop-pct / --move-pct  accounts dropping >= 10 / 1..9 points (30 / 10)
//   BENCH_JOBS                  --jobs           no-op jobs and playbook steps on PostgreSQL (default 5000)
//   BENCH_PGLITE_JOBS           --pglite-jobs    the same on PGlite (default 2000)
//   BENCH_STEPS                 --steps          wait steps per playbook (default 10; runs = jobs / steps)
//   BENCH_FEW_RUNS              --few-runs       runs in (b') (default 4)
//   BENCH_BASELINE_MAX_S        --baseline-max-s stop the pg-boss loop (a) after this long (default 60)
//   BENCH_PHASE_TIMEOUT_S       --phase-timeout-s  the Canopy phase must finish within this (default 900)
//   BENCH_PG_URL                --pg-url         server for the scratch database (loopback only)
//   BENCH_TIMEOUT_S             --timeout-s      hard limit for the whole run (default 3600)
// Exit code: 0 = measured (see the target line), 1 = a check failed, 2 = timed out.
import os from 'node:os';
import type PgBoss from 'pg-boss';
import { loadConfig } from '../../src/config.js';
import { connect, type Database } from '../../src/db/connect.js';
import { migrate } from '../../src/db/migrate.js';
import { SYSTEM_ACTOR } from '../../src/auth/principal.js';
import { createJobQueue, lazySender, type JobDefinition, type JobQueue } from '../../src/jobs/queue.js';
import { allJobs } from '../../src/runtime.js';
import { createWorkServices } from '../../src/services.js';
import { STEP_JOB } from '../../src/playbooks/service.js';
import { playbookInput } from '../../src/playbooks/schema.js';
import { ruleInput } from '../../src/rules/schema.js';
import { timedDatabase, type StatementStats } from './timed-database.js';
import { bulkHealthChange, seedBook, OWNERS } from './jobs-book.js';
import { BenchTimeout, assertLoopback, check, cpuMeter, createScratchDatabase, numOpt, opt, quantile, runBenchmark, runFacts, type Cpu, type Engine } from './harness.js';

const engines = (opt('db', 'BENCH_DB') ?? 'postgres').split(',').map((s) => s.trim()) as Engine[];
for (const e of engines) if (e !== 'postgres' && e !== 'pglite') throw new Error(`--db: unknown engine ${e}`);
const phases = (opt('phases', 'BENCH_PHASES') ?? 'rules,jobs').split(',');
const ACCOUNTS = numOpt('accounts', 'BENCH_ACCOUNTS', 100_000, 1000, 2_000_000);
const PGLITE_ACCOUNTS = numOpt('pglite-accounts', 'BENCH_PGLITE_ACCOUNTS', 20_000, 1000, 2_000_000);
const DROP_PCT = numOpt('drop-pct', 'BENCH_DROP_PCT', 30, 1, 90);
const MOVE_PCT = numOpt('move-pct', 'BENCH_MOVE_PCT', 10, 0, 99 - DROP_PCT);
const JOBS = numOpt('jobs', 'BENCH_JOBS', 5000, 10, 1_000_000);
const PGLITE_JOBS = numOpt('pglite-jobs', 'BENCH_PGLITE_JOBS', 2000, 10, 1_000_000);
const STEPS = numOpt('steps', 'BENCH_STEPS', 10, 1, 50);
const FEW_RUNS = numOpt('few-runs', 'BENCH_FEW_RUNS', 4, 1, 1000);
const BASELINE_MAX_S = numOpt('baseline-max-s', 'BENCH_BASELINE_MAX_S', 60, 5, 3600);
const PHASE_TIMEOUT_S = numOpt('phase-timeout-s', 'BENCH_PHASE_TIMEOUT_S', 900, 10, 24 * 3600);
const PG_URL = opt('pg-url', 'BENCH_PG_URL') ?? 'postgres://postgres@127.0.0.1:5432/test';
const TIMEOUT_S = numOpt('timeout-s', 'BENCH_TIMEOUT_S', 3600, 60, 24 * 3600);
assertLoopback(PG_URL, engines);

const cleanups: (() => Promise<unknown>)[] = [];
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const s2 = (ms: number) => (ms / 1000).toFixed(2);
const msText = (v: number) => (Number.isNaN(v) ? '-' : v < 10 ? v.toFixed(1) : v.toFixed(0));
const cpuCols = (c: Cpu) => [c.nodeS.toFixed(1), c.pgS === null ? '-' : c.pgS.toFixed(1), c.otherS === null ? '-' : c.otherS.toFixed(1)];
const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);

function table(head: string[], rows: (string | number)[][]) {
  const cells = [head, ...rows.map((r) => r.map(String))];
  const w = head.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => `| ${r.map((c, i) => (i === 0 ? c.padEnd(w[i] ?? 0) : c.padStart(w[i] ?? 0))).join(' | ')} |`;
  console.log([line(head), `|${w.map((x, i) => (i === 0 ? `:${'-'.repeat(x + 1)}` : `${'-'.repeat(x + 1)}:`)).join('|')}|`, ...rows.map((r) => line(r.map(String)))].join('\n'));
}

/** The PostgreSQL backends serving this database (their CPU is the benchmark's; PGlite: none). */
const dbPids = async (database: Database) => (database.kind === 'postgres'
  ? (await database.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = current_database()')).rows.map((r) => r.pid) : undefined);

/** Counts pg-boss's own statements (its db object is shared by all its parts), by kind. */
function countBossStatements(boss: PgBoss): Map<string, number> {
  const counts = new Map<string, number>();
  const db = boss.getDb() as unknown as { executeSql: (text: string, values?: unknown[]) => Promise<unknown> };
  const orig = db.executeSql.bind(db);
  const kind = (t: string) => {
    const s = t.replace(/\s+/g, ' ').trim();
    if (s.startsWith('WITH next as')) return 'fetch';
    if (s.startsWith('WITH results AS ( UPDATE') && s.includes("state = 'completed'")) return 'complete';
    if (s.startsWith('INSERT INTO pgboss.job') || s.startsWith('WITH defaults as')) return 'send/insert';
    return `other: ${s.slice(0, 40)}`;
  };
  db.executeSql = (text, values) => {
    const k = kind(text);
    counts.set(k, (counts.get(k) ?? 0) + 1);
    return orig(text, values);
  };
  return counts;
}

/** Wraps the playbook step handler: first start per step, and the end of each run's last step. */
function stepProbe() {
  const p = { starts: new Map<string, number>(), calls: 0, completed: new Set<string>(), lastEnd: 0, runs: 0, steps: 0, done: () => undefined as void };
  return {
    p,
    arm(runs: number, steps: number): Promise<void> {
      Object.assign(p, { runs, steps, calls: 0, lastEnd: 0 });
      p.starts.clear();
      p.completed.clear();
      return new Promise<void>((resolve) => (p.done = resolve));
    },
    wrap: (d: JobDefinition): JobDefinition => ({
      ...d,
      handler: async (data: object) => {
        const { runId, index } = data as { runId: string; index: number };
        if (!p.starts.has(`${runId}:${index}`)) p.starts.set(`${runId}:${index}`, Date.now());
        p.calls++;
        const r = await d.handler(data);
        if (index === p.steps - 1) {
          p.completed.add(runId);
          p.lastEnd = Date.now();
          if (p.completed.size >= p.runs) p.done();
        }
        return r;
      },
    }),
  };
}

type Row = { phase: string; jobs: number; wallMs: number; latency: number[]; cpu: Cpu; note: string };
type Result = { engine: Engine; rules: (string | number)[][]; jobs: Row[]; ratio: number | null; tightRatio: number | null; lat: number[]; fewLat: number[]; notes: string[] };

async function rulesPhase(engine: Engine, database: Database, work: ReturnType<typeof createWorkServices>, stats: StatementStats, n: number, out: Result) {
  const seedS = await seedBook(database, n);
  const rule = await work.rules.create(ruleInput.parse({
    name: 'Health dropped 10+ in a week', condition: { match: 'all', conditions: [{ type: 'health_score_change', direction: 'drop', points: 10, withinDays: 7 }] },
    actions: [{ type: 'create_task', title: 'Health dropped: call the customer', kind: 'call', assignee: 'owner', priority: 3, dueInDays: 2 }],
  }), SYSTEM_ACTOR);
  const { dropped, moved } = await bulkHealthChange(database, DROP_PCT, MOVE_PCT);
  const count = async (sql: string, values: unknown[] = []) => (await database.query<{ n: number }>(sql, values)).rows[0]?.n ?? -1;
  const dirty = await count('SELECT count(*)::int AS n FROM rule_dirty');
  console.log(`  book: ${n} accounts, ${OWNERS} owners, seeded in ${seedS.toFixed(1)} s; health change: ${dropped} dropped >= 10 points, ${moved} moved 1..9; ${dirty} marked dirty`);
  check(dirty === dropped + moved, `rule_dirty has ${dirty} marks, expected ${dropped + moved}`);

  stats.clear();
  let m = cpuMeter(engine);
  const first = await work.rules.evaluateDirty();
  const c1 = m(await dbPids(database));
  const top = [...stats].filter(([k]) => !k.startsWith('transaction: total')).sort((a, b) => b[1].ms - a[1].ms).slice(0, 6);
  out.notes.push(`${engine} evaluateDirty, where the time goes (statement: count, s): ${top.map(([k, v]) => `${k.slice(0, 70)}: ${v.count}, ${s2(v.ms)}`).join('; ')}`);
  const firings = await count('SELECT count(*)::int AS n FROM rule_firings WHERE rule_id = $1', [rule.id]);
  const ruleTasks = await count(`SELECT count(*)::int AS n FROM tasks WHERE source = 'rule'`);
  const wrongOwner = await count(`SELECT count(*)::int AS n FROM tasks t JOIN accounts a ON a.id = t.account_id WHERE t.source = 'rule' AND t.assignee_user_id IS DISTINCT FROM a.owner_id`);
  const calls = await count(`SELECT count(*)::int AS n FROM tasks WHERE source = 'recommendation'`);
  check(first.evaluated === dirty, `evaluateDirty evaluated ${first.evaluated} accounts, expected ${dirty}`);
  check(first.fired === dropped && firings === dropped, `evaluateDirty fired ${first.fired} (${firings} rows), expected ${dropped} (the dropped accounts)`);
  check(ruleTasks === dropped && wrongOwner === 0, `${ruleTasks} rule tasks (${wrongOwner} not for the owner), expected ${dropped} for the owners`);

  await database.query(`INSERT INTO rule_dirty (account_id, cause) SELECT account_id, 'bench' FROM health_changes WHERE cause = 'bench'`);
  m = cpuMeter(engine);
  const second = await work.rules.evaluateDirty();
  const c2 = m(await dbPids(database));
  check(second.evaluated === dirty && second.fired === 0, `second evaluateDirty: evaluated ${second.evaluated}, fired ${second.fired}; expected ${dirty} and 0 (once per window)`);
  m = cpuMeter(engine);
  const sweep = await work.rules.sweep();
  const c3 = m(await dbPids(database));
  check(sweep.evaluated === n && sweep.fired === 0, `sweep: evaluated ${sweep.evaluated}, fired ${sweep.fired}; expected ${n} and 0`);
  const row = (pass: string, r: { evaluated: number; fired: number }, c: Cpu, tasks: string) =>
    [pass, r.evaluated, r.fired, tasks, s2(c.wallMs), Math.round((r.evaluated / c.wallMs) * 1000), ...cpuCols(c)];
  out.rules = [
    row('evaluateDirty after the bulk change', first, c1, `${ruleTasks} + ${calls} call`),
    row('evaluateDirty again (same marks)', second, c2, '0'),
    row('sweep (whole book)', sweep, c3, '0'),
  ];
  out.notes.push(`${engine} rules: ${first.evaluated} dirty accounts evaluated in ${s2(c1.wallMs)} s (${Math.round((first.evaluated / c1.wallMs) * 1000)} accounts/s), ` +
    `${first.fired} firings, ${ruleTasks} rule tasks + ${calls} "call them" tasks; sweep of ${n} accounts ${s2(c3.wallMs)} s (${Math.round((n / c3.wallMs) * 1000)} accounts/s)`);
}

/** (a) pg-boss's own worker loop with Canopy's options, no-op handler; stops after BASELINE_MAX_S. */
async function bossLoop(engine: Engine, database: Database, boss: PgBoss, opts: object, n: number): Promise<Row> {
  const name = 'bench.noop';
  await boss.createQueue(name, { name, retryLimit: 5, retryDelay: 5, retryBackoff: true });
  const sent = new Float64Array(n);
  const started = new Float64Array(n);
  let done = 0;
  let lastEnd = 0;
  let finish = () => undefined as void;
  const finished = new Promise<void>((r) => (finish = r));
  const m = cpuMeter(engine);
  const t0 = Date.now();
  await boss.work<{ i: number }>(name, opts, async (jobs) => {
    const t = Date.now();
    for (const j of jobs) if (!started[j.data.i]) started[j.data.i] = t;
    done += jobs.length;
    lastEnd = Date.now();
    if (done >= n) finish();
  });
  for (let i = 0; i < n; i += 500) {
    const ids = Array.from({ length: Math.min(500, n - i) }, (_, k) => i + k);
    await boss.insert(ids.map((k) => ({ name, data: { i: k } })));
    const t = Date.now();
    for (const k of ids) sent[k] = t;
  }
  const capped = await Promise.race([finished.then(() => false), sleep(BASELINE_MAX_S * 1000).then(() => true)]);
  const cpu = m(await dbPids(database));
  await boss.offWork(name);
  const latency = Array.from(started).flatMap((t, i) => (t ? [t - (sent[i] ?? 0)] : []));
  const wallMs = capped ? Date.now() - t0 : lastEnd - t0;
  return { phase: `(a) pg-boss work() ${JSON.stringify(opts)}`, jobs: done, wallMs, latency, cpu: { ...cpu, wallMs }, note: capped ? `stopped after ${BASELINE_MAX_S} s: ${done} of ${n} done` : '' };
}

/** (a') pg-boss fetch + complete in a tight loop (no polling sleep), the same batch size. */
async function bossTight(engine: Engine, database: Database, boss: PgBoss, batchSize: number, n: number): Promise<Row> {
  const name = 'bench.fetch';
  await boss.createQueue(name, { name, retryLimit: 5, retryDelay: 5, retryBackoff: true });
  const m = cpuMeter(engine);
  for (let i = 0; i < n; i += 500) await boss.insert(Array.from({ length: Math.min(500, n - i) }, (_, k) => ({ name, data: { i: i + k } })));
  let done = 0;
  for (;;) {
    const jobs = await boss.fetch(name, { batchSize });
    if (!jobs?.length) break;
    await boss.complete(name, jobs.map((j) => j.id));
    done += jobs.length;
  }
  const cpu = m(await dbPids(database));
  check(done === n, `fetch/complete loop worked ${done} of ${n} jobs`);
  return { phase: `(a') pg-boss fetch+complete loop, batch ${batchSize}`, jobs: done, wallMs: cpu.wallMs, latency: [], cpu, note: 'all inserted first; no latency' };
}

/** (b) Canopy: runs of STEPS no-op wait steps through the real queue and step handler. */
async function canopySteps(engine: Engine, database: Database, work: ReturnType<typeof createWorkServices>, probe: ReturnType<typeof stepProbe>, runs: number, stats: StatementStats, boss: Map<string, number>, out: Result | null): Promise<Row> {
  const pb = await work.playbooks.create(playbookInput.parse({ name: `Bench no-op ${runs}`, steps: Array.from({ length: STEPS }, () => ({ kind: 'wait', days: 0 })) }), SYSTEM_ACTOR);
  const accounts = (await database.query<{ id: string }>('SELECT id FROM accounts ORDER BY id LIMIT $1', [runs])).rows.map((r) => r.id);
  check(accounts.length === runs, `need ${runs} accounts for the runs, the book has ${accounts.length}`);
  const commits = async () => (engine === 'postgres' ? Number((await database.query<{ n: string }>('SELECT xact_commit AS n FROM pg_stat_database WHERE datname = current_database()')).rows[0]?.n) : 0);
  const x0 = await commits();
  stats.clear();
  boss.clear();
  const finished = probe.arm(runs, STEPS);
  const m = cpuMeter(engine);
  const t0 = Date.now();
  const started = await database.transaction((tx) => work.playbooks.startInTx(tx, accounts.map((accountId) => ({ accountId, playbookId: pb.id })), SYSTEM_ACTOR));
  await work.playbooks.afterStart(started);
  const timedOut = await Promise.race([finished.then(() => false), sleep(PHASE_TIMEOUT_S * 1000).then(() => true)]);
  if (timedOut) throw new BenchTimeout(`canopy steps: ${probe.p.completed.size} of ${runs} runs completed (${probe.p.starts.size} steps started) after ${PHASE_TIMEOUT_S} s`);
  const wallMs = probe.p.lastEnd - t0;
  const cpu = { ...m(await dbPids(database)), wallMs };
  const steps = runs * STEPS;
  const xacts = (await commits()) - x0;
  const { rows } = await database.query<{ run_id: string; step_index: number; run_at: Date; status: string }>(
    `SELECT s.run_id, s.step_index, s.run_at, s.status FROM playbook_run_steps s JOIN playbook_runs r ON r.id = s.run_id WHERE r.playbook_id = $1`, [pb.id]);
  const completed = (await database.query<{ n: number }>(`SELECT count(*)::int AS n FROM playbook_runs WHERE playbook_id = $1 AND status = 'completed'`, [pb.id])).rows[0]?.n;
  check(completed === runs, `${completed} of ${runs} runs completed`);
  check(rows.length === steps && rows.every((r) => r.status === 'completed' && probe.p.starts.has(`${r.run_id}:${r.step_index}`)), 'every step completed once, with a recorded start');
  const latency = rows.map((r) => (probe.p.starts.get(`${r.run_id}:${r.step_index}`) ?? 0) - new Date(r.run_at).getTime());
  const row = { phase: `(b${out ? '' : "'"}) Canopy playbook steps (${runs} runs x ${STEPS} wait steps)`, jobs: steps, wallMs, latency, cpu, note: out ? '' : 'few runs: latency without a backlog' };
  if (!out) return row;
  // Where the time goes: statements per step (Canopy's, timed; pg-boss's, counted)
  const per = (k: number) => (k / steps).toFixed(2);
  const canopy = [...stats].filter(([k]) => !k.startsWith('transaction:'));
  const tx = stats.get('transaction: total');
  out.notes.push(`${engine} per step: ${per(tx?.count ?? 0)} Canopy transactions (${msText((tx?.ms ?? 0) / steps)} ms each step in transactions), ` +
    `${per(canopy.reduce((a, [, s]) => a + s.count, 0))} Canopy statements, ${per([...boss.values()].reduce((a, b) => a + b, 0))} pg-boss statements` +
    `${engine === 'postgres' ? `, ${per(xacts)} PostgreSQL commits (all sessions)` : ''}; ${probe.p.calls - steps} redundant handler calls`);
  out.notes.push(`${engine} pg-boss statements per step: ${[...boss].sort((a, b) => b[1] - a[1]).map(([k, c]) => `${k} ${per(c)}`).join(', ')}`);
  out.notes.push(`${engine} Canopy statements per step (count, ms): ${canopy.sort((a, b) => b[1].ms - a[1].ms).slice(0, 8).map(([k, s]) => `${k.slice(0, 60)} ${per(s.count)} ${msText(s.ms / steps)}`).join('; ')}`);
  return row;
}

async function runEngine(engine: Engine): Promise<Result> {
  const n = engine === 'postgres' ? ACCOUNTS : PGLITE_ACCOUNTS;
  const jobs = engine === 'postgres' ? JOBS : PGLITE_JOBS;
  console.log(`\n== ${engine}`);
  let url: string | undefined;
  if (engine === 'postgres') {
    const scratch = await createScratchDatabase(PG_URL, 'canopy_bench_j_');
    cleanups.push(scratch.drop);
    url = scratch.url;
    console.log(`  scratch database ${scratch.name}`);
  }
  const database = await connect({ databaseUrl: url });
  cleanups.push(() => database.close());
  await migrate(database);
  const config = loadConfig({ LOG_LEVEL: 'silent', ...(url ? { DATABASE_URL: url } : {}) });
  const errors = new Map<string, number>();
  const log = { info: () => undefined, error: (o: object, msg?: string) => errors.set(`${msg ?? ''} ${JSON.stringify(o).slice(0, 200)}`, (errors.get(`${msg ?? ''} ${JSON.stringify(o).slice(0, 200)}`) ?? 0) + 1) };

  // Canopy's queue as startJobs builds it, the step handler wrapped, the handlers' database timed.
  const stats: StatementStats = new Map();
  const probe = stepProbe();
  let queue: JobQueue | null = null;
  const defs = allJobs(config, timedDatabase(database, stats), lazySender(() => queue)).map((d) => (d.name === STEP_JOB ? probe.wrap(d) : d));
  const q = await createJobQueue(database, config.databaseUrl, defs, log);
  queue = q;
  cleanups.push(() => q.stop());
  const bossCounts = countBossStatements(q.boss);
  const workerOpts = new Map<string, object>();
  const work0 = q.boss.work.bind(q.boss) as (...a: unknown[]) => Promise<string>;
  (q.boss as unknown as { work: (...a: unknown[]) => Promise<string> }).work = (name, o, h) => {
    if (typeof name === 'string' && !name.startsWith('bench.')) workerOpts.set(name, o as object);
    return work0(name, o, h);
  };
  const work = createWorkServices(config, database, q); // the API side: sends to the queue
  const out: Result = { engine, rules: [], jobs: [], ratio: null, tightRatio: null, lat: [], fewLat: [], notes: [] };

  if (phases.includes('rules')) { // no worker yet: evaluateDirty runs alone (on a timing wrapper: statements counted)
    const rstats: StatementStats = new Map();
    await rulesPhase(engine, database, createWorkServices(config, timedDatabase(database, rstats), q), rstats, n, out);
  }
  else if (phases.includes('jobs')) await seedBook(database, Math.max(1000, Math.ceil(jobs / STEPS)));
  if (phases.includes('jobs')) {
    await q.work();
    const stepOpts = workerOpts.get(STEP_JOB);
    check(stepOpts !== undefined, `Canopy did not start a worker for ${STEP_JOB}`);
    console.log(`  Canopy worker options for ${STEP_JOB}: ${JSON.stringify(stepOpts)}; ${workerOpts.size} queues worked`);
    await sleep(3000); // let the workers drain what the rules phase queued (outbox wake-ups, the evaluation)
    const a = await bossLoop(engine, database, q.boss, stepOpts, jobs);
    const tight = await bossTight(engine, database, q.boss, (stepOpts as { batchSize?: number }).batchSize ?? 1, jobs);
    const b = await canopySteps(engine, database, work, probe, Math.max(1, Math.round(jobs / STEPS)), stats, bossCounts, out);
    const few = await canopySteps(engine, database, work, probe, FEW_RUNS, stats, bossCounts, null);
    out.jobs = [a, tight, b, few];
    out.fewLat = sorted(few.latency);
    const rate = (r: Row) => r.jobs / r.wallMs;
    out.ratio = rate(b) / rate(a);
    out.tightRatio = rate(b) / rate(tight);
    out.lat = sorted(b.latency);
  }
  for (const [e, k] of errors) out.notes.push(`${engine} queue error x${k}: ${e}`);
  return out;
}

function report(results: Result[]) {
  for (const r of results) {
    console.log(`\n-- ${r.engine}`);
    if (r.rules.length) table(['rules pass', 'accounts', 'fired', 'tasks', 'wall s', 'accounts/s', 'node CPU s', 'pg CPU s (this db)', 'other CPU s'], r.rules);
    if (r.jobs.length) {
      console.log('');
      table(['jobs phase', 'jobs', 'wall s', 'jobs/s', 'p50 ms', 'p95 ms', 'max ms', 'node CPU s', 'pg CPU s (this db)', 'other CPU s', 'note'], r.jobs.map((j) => {
        const l = sorted(j.latency);
        return [j.phase, j.jobs, s2(j.wallMs), ((j.jobs / j.wallMs) * 1000).toFixed(1), msText(quantile(l, 0.5)), msText(quantile(l, 0.95)), msText(quantile(l, 1)), ...cpuCols(j.cpu), j.note];
      }));
    }
    for (const line of r.notes) console.log(`  ${line}`);
  }
  console.log('');
  for (const r of results) {
    if (r.ratio === null) continue;
    console.log(`${r.engine} jobs/pgboss ratio: ${r.ratio.toFixed(2)}`);
    console.log(`${r.engine} enqueue-to-start p50: ${msText(quantile(r.lat, 0.5))} ms`);
    console.log(`${r.engine} enqueue-to-start p95: ${msText(quantile(r.lat, 0.95))} ms`);
    console.log(`${r.engine} enqueue-to-start without a backlog (${FEW_RUNS} runs): p50 ${msText(quantile(r.fewLat, 0.5))} ms, p95 ${msText(quantile(r.fewLat, 0.95))} ms`);
    console.log(`${r.engine} jobs vs bare fetch+complete loop (reference): ${r.tightRatio?.toFixed(2)}`);
    console.log(`${r.engine} target jobs/pgboss >= 0.5: ${r.ratio >= 0.5 ? 'met' : 'NOT met'}`);
  }
}

async function main(): Promise<number> {
  const { commit, pglite } = runFacts();
  console.log(`canopy jobs benchmark — ${commit}, ${os.cpus().length} CPUs, load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}, node ${process.version}, PGlite ${pglite}`);
  console.log(`engines ${engines.join(',')}; phases ${phases.join(',')}; accounts ${ACCOUNTS} (PGlite ${PGLITE_ACCOUNTS}), drop ${DROP_PCT}% + move ${MOVE_PCT}%; ` +
    `jobs ${JOBS} (PGlite ${PGLITE_JOBS}), ${STEPS} steps per run`);
  const results: Result[] = [];
  for (const e of engines) {
    results.push(await runEngine(e));
    for (const c of cleanups.splice(0).reverse()) await c().catch((err: unknown) => console.error(`cleanup failed: ${String(err)}`));
  }
  report(results);
  return 0;
}

runBenchmark(main, { timeoutS: TIMEOUT_S, graceMs: 60_000, cleanups });
