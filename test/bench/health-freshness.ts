// The health benchmark's freshness phase: the app with its job worker under a paced open-loop load,
// probes timed from their batch's 200 until their account's health is recomputed.
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
import { check, postBatch, type Engine } from './harness.js';
import { EVENTS, rng, weightedPicker, type Account, type Book } from './health-book.js';
import { BATCH, checkDeadline, DURATION_S, MAX_IN_FLIGHT, median, POLL_MS, PROBE_MS, PROBE_TIMEOUT_S, RATE, RETRIES, SEED, SETTLE_S, sleep, WARMUP_S } from './health-options.js';
import { healthTimedDatabase, HealthTimings, type ChunkTiming } from './health-timing.js';

// ---------------------------------------------------------------------------------------------
// Freshness under load

// Marks waiting or claimed (in flight), for health and for risk.
const BACKLOG_SQL = `SELECT ((SELECT count(*) FROM health_dirty) + (SELECT count(*) FROM health_claims))::int AS h,
  ((SELECT count(*) FROM risk_dirty) + (SELECT count(*) FROM risk_claims))::int AS r`;

export type Probe = { account: Account; batch: number; baseline: number; t200: number | null; seenAt: number | null; computedAt: number | null; failed: boolean };
export type FreshnessResult = {
  sentEvents: number; acceptedEvents: number; windowMs: number; offeredRate: number; achievedRate: number; measuredRate: number;
  latencies: number[]; maxLagMs: number; retries: number; errors: Map<string, number>;
  probes: Probe[]; fresh: number[]; timedOut: number; beforeReply: number;
  backlog: { t: number; n: number; risk: number }[]; settle: { ms: number; health: number; risk: number; left: number }; refresh: ChunkTiming[]; jobRuns: Map<string, number[]>; jobErrors: Map<string, number>;
  distinctPerSecond: number;
};

export async function freshness(engine: Engine, database: Database, databaseUrl: string | undefined, book: Book): Promise<FreshnessResult> {
  const r = rng(SEED * 31 + 7);
  const totalBatches = Math.round(((WARMUP_S + DURATION_S) * RATE) / BATCH);
  const warmupBatches = Math.round((WARMUP_S * RATE) / BATCH);
  const intervalMs = (1000 * BATCH) / RATE;
  const probeEvery = Math.max(1, Math.round(PROBE_MS / intervalMs));
  const probeCount = Math.ceil((totalBatches - warmupBatches) / probeEvery);
  // A reserved pool of probe accounts (spread over the book) that the load never touches, so that
  // the probe is the only reason their health is recomputed.
  const shuffled = [...book.accounts].sort((a, b) => a.id.localeCompare(b.id)); // id order is random wrt idx
  const pool = shuffled.filter((_, i) => i % Math.max(1, Math.floor(shuffled.length / (probeCount + 10))) === 0).slice(0, probeCount + 10);
  check(pool.length >= probeCount, `${engine}: only ${pool.length} probe accounts for ${probeCount} probes; raise BENCH_ACCOUNTS or BENCH_PROBE_MS`);
  const poolIds = new Set(pool.map((a) => a.id));
  const pick = weightedPicker(book.accounts.filter((a) => !poolIds.has(a.id) && a.weight > 0), r);

  const timings = new HealthTimings();
  const jobDb = healthTimedDatabase(database, timings);
  const config = loadConfig({ LOG_LEVEL: 'error', HOST: '127.0.0.1', PORT: '0', ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}) });
  const jobRuns = new Map<string, number[]>();
  const jobErrors = new Map<string, number>();
  const jobLog = {
    info(o: object) {
      const e = o as { job?: string; ms?: number };
      if (e.job && typeof e.ms === 'number') jobRuns.set(e.job, [...(jobRuns.get(e.job) ?? []), e.ms]);
    },
    error(o: object, m?: string) {
      const e = (o as { err?: { message?: string } }).err;
      const k = `${m ?? ''} ${e?.message ?? ''}`.trim();
      jobErrors.set(k, (jobErrors.get(k) ?? 0) + 1);
    },
  };
  const jobs = await startJobs(config, jobDb, jobLog, { work: true });
  const app = await buildApp({ config, database, jobs, logger: false, webDist: '/nonexistent' });
  const { key } = await createApiKeyQueries(database).create({ name: 'bench-health', kind: 'write' }, SYSTEM_ACTOR);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const auth = `Basic ${Buffer.from(`${key}:`).toString('base64')}`;
  let poller: pg.Client | null = null;
  if (databaseUrl) {
    poller = new pg.Client({ connectionString: databaseUrl });
    await poller.connect();
  }
  const poll = async <T>(text: string, values: unknown[] = []): Promise<T[]> =>
    poller ? ((await poller.query(text, values)).rows as T[]) : (await database.query<T>(text, values)).rows;

  try {
    // Start from a steady state: the recompute before this phase marked every account for the risk
    // refresh (writing account_health marks risk); the worker works that off before the load starts.
    const marks = async () => (await poll<{ h: number; r: number }>(BACKLOG_SQL))[0] ?? { h: -1, r: -1 };
    const s0 = performance.now();
    const first = await marks();
    let now = first;
    while (now.h + now.r > 0 && performance.now() - s0 < SETTLE_S * 1000) {
      await sleep(500);
      now = await marks();
    }
    const settle = { ms: performance.now() - s0, health: first.h, risk: first.r, left: now.h + now.r };
    const base = await poll<{ account_id: string; at: Date }>('SELECT account_id, computed_at AS at FROM account_health WHERE account_id = ANY($1::uuid[])', [pool.map((a) => a.id)]);
    const baseline = new Map(base.map((b) => [b.account_id, new Date(b.at).getTime()]));
    const probes: Probe[] = [];
    const latencies: number[] = [];
    const errors = new Map<string, number>();
    let retries = 0;
    let sentEvents = 0;
    let acceptedEvents = 0;
    let inFlight = 0;
    let maxLagMs = 0;
    const runId = randomBytes(4).toString('hex');
    let firstMeasuredSend = 0;
    let lastReply = 0;
    let measuredAccepted = 0;
    const perSecondAccounts = new Map<number, Set<string>>();

    const event = (a: Account, b: number, i: number, nowIso: string) => {
      const u = Math.floor(r() * Math.min(a.seats ?? 10, 50));
      const [name] = EVENTS[Math.floor(r() * EVENTS.length)] ?? ['$page'];
      // '$page' / '$screen' rollups come from page and screen calls
      const kind = name === '$page' ? { type: 'page', name: 'Dashboard' } : name === '$screen' ? { type: 'screen', name: 'Home' } : { type: 'track', event: name };
      return {
        ...kind, messageId: `${runId}-${b}-${i}`, userId: `u-${a.idx}-${u}`,
        timestamp: nowIso, properties: { feature: name, durationMs: Math.floor(r() * 5000), items: Math.floor(r() * 50), source: 'web' },
        context: {
          groupId: a.externalId, library: { name: 'analytics-node', version: '2.1.0' }, ip: `203.0.113.${a.idx % 250}`,
          userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36',
        },
        integrations: {},
      };
    };

    const sendBatch = async (b: number) => {
      const nowIso = new Date().toISOString();
      const measured = b >= warmupBatches;
      const probe = measured && (b - warmupBatches) % probeEvery === 0 ? pool[probes.length] : undefined;
      const batch = Array.from({ length: BATCH }, (_, i) => {
        const a = i === 0 && probe ? probe : pick();
        if (measured) {
          const sec = Math.floor((b - warmupBatches) / (RATE / BATCH));
          let set = perSecondAccounts.get(sec);
          if (!set) perSecondAccounts.set(sec, (set = new Set()));
          set.add(a.id);
        }
        return event(a, b, i, nowIso);
      });
      let p: Probe | undefined;
      if (probe) {
        p = { account: probe, batch: b, baseline: baseline.get(probe.id) ?? 0, t200: null, seenAt: null, computedAt: null, failed: false };
        probes.push(p);
      }
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

    // The poller: pending probes every POLL_MS, the dirty backlog every second.
    let loadDone = false;
    const backlog: { t: number; n: number; risk: number }[] = [];
    const start = performance.now();
    let beforeReply = 0;
    const pollerLoop = (async () => {
      let lastBacklog = 0;
      for (;;) {
        const now = Date.now();
        const open = probes.filter((p) => !p.failed && p.seenAt === null && (p.t200 === null || now - p.t200 < PROBE_TIMEOUT_S * 1000));
        if (loadDone && open.length === 0) return;
        const waiting = open.filter((p) => p.t200 !== null);
        if (waiting.length) {
          const rows = await poll<{ account_id: string; at: Date }>('SELECT account_id, computed_at AS at FROM account_health WHERE account_id = ANY($1::uuid[])', [waiting.map((p) => p.account.id)]);
          const seen = Date.now();
          const at = new Map(rows.map((x) => [x.account_id, new Date(x.at).getTime()]));
          for (const p of waiting) {
            const c = at.get(p.account.id);
            if (c !== undefined && c > p.baseline) {
              p.seenAt = seen;
              p.computedAt = c;
              if (p.t200 !== null && c <= p.t200) beforeReply++;
            }
          }
        }
        if (performance.now() - lastBacklog >= 1000) {
          lastBacklog = performance.now();
          const m = await marks();
          backlog.push({ t: (lastBacklog - start) / 1000, n: m.h, risk: m.r });
        }
        await sleep(POLL_MS);
      }
    })();

    const sends: Promise<void>[] = [];
    for (let b = 0; b < totalBatches; b++) {
      if ((b & 31) === 0) checkDeadline('freshness load');
      const due = start + b * intervalMs;
      const wait = due - performance.now();
      if (wait > 1) await sleep(wait);
      while (inFlight >= MAX_IN_FLIGHT) await sleep(2);
      maxLagMs = Math.max(maxLagMs, performance.now() - due);
      if (b === warmupBatches) firstMeasuredSend = performance.now();
      inFlight++;
      sends.push(sendBatch(b).finally(() => inFlight--));
    }
    const sendWindowMs = performance.now() - start;
    await Promise.all(sends);
    const windowMs = lastReply - firstMeasuredSend;
    loadDone = true;
    await pollerLoop;

    const fresh = probes.filter((p) => p.seenAt !== null && p.t200 !== null).map((p) => (p.seenAt ?? 0) - (p.t200 ?? 0)).sort((a, b) => a - b);
    const timedOut = probes.length - fresh.length;
    latencies.sort((a, b) => a - b);
    const distinct = [...perSecondAccounts.values()].map((s) => s.size);
    return {
      sentEvents, acceptedEvents, windowMs, offeredRate: sentEvents / (sendWindowMs / 1000), achievedRate: acceptedEvents / ((lastReply - start) / 1000),
      measuredRate: measuredAccepted / (windowMs / 1000), latencies, maxLagMs, retries, errors, probes, fresh, timedOut, beforeReply, backlog, settle,
      refresh: timings.chunks.filter((c) => c.claim > 0 || c.measure > 0), jobRuns, jobErrors, distinctPerSecond: median(distinct),
    };
  } finally {
    await app.close().catch(() => undefined);
    await jobs.stop().catch(() => undefined);
    await poller?.end().catch(() => undefined);
  }
}
