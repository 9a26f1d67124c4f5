// The ingest benchmark's profile phases (BENCH_BREAKDOWN=1): per-statement timing over HTTP, the
// ingest service called directly, the CPU cost of validation per batch; and the V8 CPU profiler.
import fs from 'node:fs';
import { Session } from 'node:inspector/promises';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { buildApp } from '../../src/server/app.js';
import { batchBody, oversizedMessages, type SegmentMessage } from '../../src/ingest/segment.js';
import { timedDatabase, type StatementStats } from './timed-database.js';
import { check, type Engine } from './harness.js';
import { eventsOfBatch } from './ingest-events.js';
import { measure, newClientStats, pool, serverLogger, type PhaseResult } from './ingest-measure.js';
import { BATCH, RETRIES } from './ingest-options.js';
import { httpIngest, reset, verifyIngested, type Setup } from './ingest-setup.js';

export async function startProfile(): Promise<{ stop(file: string): Promise<string> }> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 500 });
  await session.post('Profiler.start');
  return {
    async stop(file) {
      const { profile } = await session.post('Profiler.stop');
      session.disconnect();
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, JSON.stringify(profile));
      return file;
    },
  };
}

export type Breakdown = {
  engine: Engine; events: number; batches: number; clients: number; http: PhaseResult; service: PhaseResult;
  stats: StatementStats; statsWallMs: number;
};

/** Where the time of the ingest path goes: per-statement timing, and the service without HTTP. */
export async function breakdown(s: Setup, total: number, clients: number): Promise<Breakdown> {
  // The same HTTP load against a second app whose database handle times every statement.
  const stats: StatementStats = new Map();
  const timedApp = await buildApp({ config: s.config, database: timedDatabase(s.database, stats), jobs: s.jobs, logger: serverLogger(), webDist: '/nonexistent' });
  let http: PhaseResult;
  try {
    await timedApp.listen({ port: 0, host: '127.0.0.1' });
    const url = `http://127.0.0.1:${(timedApp.server.address() as AddressInfo).port}`;
    const client = newClientStats();
    http = { ...(await measure(s.engine, 'ingest, timed statements', total, (lat) => httpIngest(s, url, 'bd', total, clients, lat, client))), client };
  } finally {
    await timedApp.close();
  }
  await verifyIngested(s, total, 'breakdown ingest');
  const statsWallMs = http.wallMs;
  await reset(s);

  // The ingest service called directly on already validated batches: no HTTP, no JSON, no zod.
  const batches = Math.ceil(total / BATCH);
  const parsed = Array.from({ length: batches }, (_, b) =>
    batchBody.parse(JSON.parse(JSON.stringify({ batch: eventsOfBatch('sv', b, total) }))).batch as SegmentMessage[]);
  const key = await s.app.services.apiKeys.resolve(s.writeKey, 'write');
  check(key !== null, 'write key not found');
  const client = newClientStats();
  const serviceRun = await measure(s.engine, 'ingest service, no HTTP', total, (lat) =>
    pool(batches, clients, async (b) => {
      const msgs = parsed[b];
      check(msgs !== undefined, `no batch ${b}`);
      const t0 = performance.now();
      let r: Awaited<ReturnType<typeof s.app.services.ingest.ingest>>;
      for (let attempt = 1; ; attempt++) {
        try {
          r = await s.app.services.ingest.ingest({ id: key.id, name: key.name }, msgs, { batchSentAt: new Date().toISOString() });
          break;
        } catch (err) {
          // what the route would answer with a 500, which the HTTP client resends
          if (attempt > RETRIES) throw err;
          const e = err as { code?: string; message?: string };
          const label = `${e.code ?? ''} ${e.message ?? String(err)}`.trim();
          client.retries++;
          client.errors.set(label, (client.errors.get(label) ?? 0) + 1);
          await new Promise((res) => setTimeout(res, 50 * attempt));
        }
      }
      lat.push(performance.now() - t0);
      check(r.accepted === msgs.length, `service batch ${b}: accepted ${r.accepted} of ${msgs.length}`);
    }));
  const service = { ...serviceRun, client };
  await verifyIngested(s, total, 'service ingest');
  await reset(s);
  return { engine: s.engine, events: total, batches: Math.ceil(total / BATCH), clients, http, service, stats, statsWallMs };
}

/** CPU cost per batch of the request-side JavaScript: JSON.parse + zod + the size check. */
export function validationCost(batches = 200): { parseMs: number; zodMs: number; sizeMs: number; stringifyMs: number; bytes: number } {
  const bodies = Array.from({ length: batches }, (_, b) => JSON.stringify({ batch: eventsOfBatch('cpu', b, batches * BATCH), sentAt: new Date().toISOString() }));
  // warm-up
  for (const body of bodies.slice(0, 20)) oversizedMessages(batchBody.parse(JSON.parse(body)).batch);
  let parseMs = 0;
  let zodMs = 0;
  let sizeMs = 0;
  let stringifyMs = 0;
  for (const body of bodies) {
    const t0 = performance.now();
    const raw: unknown = JSON.parse(body);
    const t1 = performance.now();
    const valid = batchBody.parse(raw);
    const t2 = performance.now();
    oversizedMessages(valid.batch);
    const t3 = performance.now();
    JSON.stringify(valid.batch); // what insertMessages sends as its $2 (roughly the same size)
    const t4 = performance.now();
    parseMs += t1 - t0;
    zodMs += t2 - t1;
    sizeMs += t3 - t2;
    stringifyMs += t4 - t3;
  }
  const bytes = bodies.reduce((n, b) => n + Buffer.byteLength(b), 0) / batches;
  return { parseMs: parseMs / batches, zodMs: zodMs / batches, sizeMs: sizeMs / batches, stringifyMs: stringifyMs / batches, bytes };
}
