// Freshness of risk under load, for test/bench/risk.bench.ts (the same method as the freshness phase
// of test/bench/health.bench.ts): the app with its job worker, a write key, and POST /v1/batch at a
// steady RATE events/s (batches of 100, open loop) spread over the book by activity. Every PROBE_MS
// one event goes to a probe account from a reserved pool the load does not touch; the time from that
// batch's HTTP 200 until the probe's account_risk.computed_at moved past its value before the probe
// is measured by polling every 50 ms on a separate connection. The path it measures: ingest marks
// health dirty -> health.refresh-dirty writes account_health -> the trigger marks risk_dirty and the
// health hook schedules risk.refresh-dirty -> the risk refresh writes account_risk.
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { loadConfig } from '../../src/config.js';
import type { Database } from '../../src/db/connect.js';
import { buildApp } from '../../src/server/app.js';
import { createApiKeyQueries } from '../../src/apikeys/queries.js';
import { SYSTEM_ACTOR } from '../../src/auth/principal.js';
import { startJobs } from '../../src/runtime.js';
import { check, postBatch } from './harness.js';
import { EVENTS, rng, weightedPicker, type Account, type Book } from './health-book.js';
import { riskTimedDatabase, RiskTimings, type RiskChunk } from './risk-timing.js';

export type FreshnessOptions = {
  rate: number; durationS: number; warmupS: number; probeMs: number; probeTimeoutS: number; seed: number;
  checkDeadline: (what: string) => void;
};
export type Probe = { account: Account; baseline: number; t200: number | null; seenAt: number | null; failed: boolean };
export type FreshnessResult = {
  sentEvents: number; acceptedEvents: number; measuredRate: number; latencies: number[]; retries: number; errors: Map<string, number>;
  probes: Probe[]; fresh: number[]; timedOut: number;
  backlog: { t: number; health: number; risk: number }[]; riskChunks: RiskChunk[]; jobRuns: Map<string, number[]>; jobErrors: Map<string, number>;
};

const BATCH = 100;
const POLL_MS = 50;
const MAX_IN_FLIGHT = 64;
const RETRIES = 3;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function riskFreshness(database: Database, databaseUrl: string, book: Book, o: FreshnessOptions): Promise<FreshnessResult> {
  const r = rng(o.seed * 31 + 11);
  const totalBatches = Math.round(((o.warmupS + o.durationS) * o.rate) / BATCH);
  const warmupBatches = Math.round((o.warmupS * o.rate) / BATCH);
  const intervalMs = (1000 * BATCH) / o.rate;
  const probeEvery = Math.max(1, Math.round(o.probeMs / intervalMs));
  const probeCount = Math.ceil((totalBatches - warmupBatches) / probeEvery);
  const byId = [...book.accounts].sort((a, b) => a.id.localeCompare(b.id)); // id order is random wrt idx
  const pool = byId.filter((_, i) => i % Math.max(1, Math.floor(byId.length / (probeCount + 10))) === 0).slice(0, probeCount + 10);
  check(pool.length >= probeCount, `only ${pool.length} probe accounts for ${probeCount} probes; raise BENCH_ACCOUNTS or BENCH_PROBE_MS`);
  const poolIds = new Set(pool.map((a) => a.id));
  const pick = weightedPicker(book.accounts.filter((a) => !poolIds.has(a.id) && a.weight > 0), r);

  const timings = new RiskTimings();
  const config = loadConfig({ LOG_LEVEL: 'error', HOST: '127.0.0.1', PORT: '0', DATABASE_URL: databaseUrl });
  const jobRuns = new Map<string, number[]>();
  const jobErrors = new Map<string, number>();
  const jobLog = {
    info(x: object) {
      const e = x as { job?: string; ms?: number };
      if (e.job && typeof e.ms === 'number') jobRuns.set(e.job, [...(jobRuns.get(e.job) ?? []), e.ms]);
    },
    error(x: object, m?: string) {
      const k = `${m ?? ''} ${(x as { err?: { message?: string } }).err?.message ?? ''}`.trim();
      jobErrors.set(k, (jobErrors.get(k) ?? 0) + 1);
    },
  };
  const jobs = await startJobs(config, riskTimedDatabase(database, timings), jobLog, { work: true });
  const app = await buildApp({ config, database, jobs, logger: false, webDist: '/nonexistent' });
  const { key } = await createApiKeyQueries(database).create({ name: 'bench-risk', kind: 'write' }, SYSTEM_ACTOR);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const auth = `Basic ${Buffer.from(`${key}:`).toString('base64')}`;
  const poller = new pg.Client({ connectionString: databaseUrl });
  await poller.connect();
  const poll = async <T>(text: string, values: unknown[] = []) => (await poller.query(text, values)).rows as T[];
  const riskAt = async (ids: string[]) =>
    new Map((await poll<{ account_id: string; at: Date }>('SELECT account_id, computed_at AS at FROM account_risk WHERE account_id = ANY($1::uuid[])', [ids]))
      .map((x) => [x.account_id, new Date(x.at).getTime()]));

  try {
    const baseline = await riskAt(pool.map((a) => a.id));
    const probes: Probe[] = [];
    const latencies: number[] = [];
    const errors = new Map<string, number>();
    let retries = 0;
    let sentEvents = 0;
    let acceptedEvents = 0;
    let measuredAccepted = 0;
    let inFlight = 0;
    let firstMeasuredSend = 0;
    let lastReply = 0;
    const runId = randomBytes(4).toString('hex');

    const event = (a: Account, b: number, i: number, nowIso: string) => {
      const u = Math.floor(r() * Math.min(a.seats ?? 10, 50));
      const [name] = EVENTS[Math.floor(r() * EVENTS.length)] ?? ['$page'];
      const kind = name === '$page' ? { type: 'page', name: 'Dashboard' } : name === '$screen' ? { type: 'screen', name: 'Home' } : { type: 'track', event: name };
      return {
        ...kind, messageId: `${runId}-${b}-${i}`, userId: `u-${a.idx}-${u}`, timestamp: nowIso,
        properties: { feature: name, durationMs: Math.floor(r() * 5000), items: Math.floor(r() * 50), source: 'web' },
        context: { groupId: a.externalId, library: { name: 'analytics-node', version: '2.1.0' }, ip: `203.0.113.${a.idx % 250}` },
      };
    };

    const sendBatch = async (b: number) => {
      const nowIso = new Date().toISOString();
      const measured = b >= warmupBatches;
      const probe = measured && (b - warmupBatches) % probeEvery === 0 ? pool[probes.length] : undefined;
      const batch = Array.from({ length: BATCH }, (_, i) => event(i === 0 && probe ? probe : pick(), b, i, nowIso));
      let p: Probe | undefined;
      if (probe) probes.push((p = { account: probe, baseline: baseline.get(probe.id) ?? 0, t200: null, seenAt: null, failed: false }));
      const body = JSON.stringify({ batch, sentAt: nowIso });
      sentEvents += BATCH;
      const t0 = performance.now();
      const sent = await postBatch(`${baseUrl}/v1/batch`, auth, body, RETRIES, errors);
      retries += sent.resent;
      if (sent.accepted !== null) {
        acceptedEvents += sent.accepted;
        if (measured) measuredAccepted += sent.accepted;
        lastReply = performance.now();
        if (p) p.t200 = Date.now();
      }
      latencies.push(performance.now() - t0);
      if (p && p.t200 === null) p.failed = true;
    };

    let loadDone = false;
    const backlog: FreshnessResult['backlog'] = [];
    const start = performance.now();
    const pollerLoop = (async () => {
      let lastBacklog = 0;
      for (;;) {
        const now = Date.now();
        const open = probes.filter((p) => !p.failed && p.seenAt === null && (p.t200 === null || now - p.t200 < o.probeTimeoutS * 1000));
        if (loadDone && open.length === 0) return;
        const waiting = open.filter((p) => p.t200 !== null);
        if (waiting.length) {
          const at = await riskAt(waiting.map((p) => p.account.id));
          const seen = Date.now();
          for (const p of waiting) if ((at.get(p.account.id) ?? 0) > p.baseline) p.seenAt = seen;
        }
        if (performance.now() - lastBacklog >= 1000) {
          lastBacklog = performance.now();
          const [n] = await poll<{ h: number; r: number }>('SELECT ((SELECT count(*) FROM health_dirty) + (SELECT count(*) FROM health_claims))::int AS h, ((SELECT count(*) FROM risk_dirty) + (SELECT count(*) FROM risk_claims))::int AS r');
          backlog.push({ t: (lastBacklog - start) / 1000, health: n?.h ?? -1, risk: n?.r ?? -1 });
        }
        await sleep(POLL_MS);
      }
    })();

    const sends: Promise<void>[] = [];
    for (let b = 0; b < totalBatches; b++) {
      if ((b & 31) === 0) o.checkDeadline('freshness load');
      const wait = start + b * intervalMs - performance.now();
      if (wait > 1) await sleep(wait);
      while (inFlight >= MAX_IN_FLIGHT) await sleep(2);
      if (b === warmupBatches) firstMeasuredSend = performance.now();
      inFlight++;
      sends.push(sendBatch(b).finally(() => inFlight--));
    }
    await Promise.all(sends);
    loadDone = true;
    await pollerLoop;
    const fresh = probes.filter((p) => p.seenAt !== null && p.t200 !== null).map((p) => (p.seenAt ?? 0) - (p.t200 ?? 0)).sort((a, b) => a - b);
    return {
      sentEvents, acceptedEvents, measuredRate: measuredAccepted / ((lastReply - firstMeasuredSend) / 1000), latencies: latencies.sort((a, b) => a - b),
      retries, errors, probes, fresh, timedOut: probes.length - fresh.length, backlog, riskChunks: timings.chunks, jobRuns, jobErrors,
    };
  } finally {
    await app.close().catch(() => undefined);
    await jobs.stop().catch(() => undefined);
    await poller.end().catch(() => undefined);
  }
}

export { slope } from './harness.js';
