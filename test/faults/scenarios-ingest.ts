import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { IngestLoad } from './ingest-load.js';
import { createScratchDatabase, query, terminateBackends } from './pg.js';
import { CanopyProcess, canopy, createKey, freePort, rand, sleep, type Env } from './proc.js';
import { checkIngest, checkProcesses, newReport, type Report } from './report.js';

/** How much load and how many faults; `--size N` scales it (see run.ts). */
export type Size = { clients: number; eventsPerBatch: number; kills: number; terminations: number; crashes: number; accounts: number };

/** (message_id, rows) for one scenario's messageIds. */
const STORED_SQL = `SELECT message_id, count(*)::int AS n FROM events WHERE message_id LIKE $1 GROUP BY message_id`;

/**
 * kill -9 at random moments while the clients send, then start it again on the same port. Each
 * incarnation first acknowledges a few batches (so every kill lands on a server that is ingesting,
 * however slow the start was), then lives a random while longer.
 */
async function killLoop(report: Report, proc: CanopyProcess, load: IngestLoad, kills: number, upMs: [number, number]) {
  for (let i = 0; i < kills; i++) {
    const okBefore = load.stats.ok;
    const until = Date.now() + 30_000;
    while (load.stats.ok < okBefore + 2 && Date.now() < until) await sleep(50);
    await sleep(rand(upMs[0], upMs[1]));
    await proc.kill9();
    await sleep(rand(0, 300));
    report.violations.push(...(await proc.restart()));
  }
}

/** Migrates, makes a write key, starts `server` and sets the clients sending to it. */
async function startIngesting(server: CanopyProcess, env: Env, port: number, prefix: string, size: Size): Promise<IngestLoad> {
  await canopy(['migrate'], env);
  const writeKey = await createKey(['--kind', 'write', '--name', 'faults'], env);
  await server.start();
  const load = new IngestLoad({ urls: [`http://127.0.0.1:${port}`], writeKey, prefix, clients: size.clients, eventsPerBatch: size.eventsPerBatch });
  load.start();
  return load;
}

/** Scenario 1 (PostgreSQL) and 3 (PGlite): SIGKILL the server repeatedly during ingest. */
export async function ingestKillScenario(engine: 'postgres' | 'pglite', size: Size, logDir: string): Promise<Report> {
  const report = newReport(`${engine === 'postgres' ? 'PostgreSQL' : 'PGlite'}: kill -9 the server ${size.kills}× during ingest`);
  const prefix = `kill-${engine}-${process.pid}`;
  const db = engine === 'postgres' ? await createScratchDatabase('kill') : null;
  const dataDir = engine === 'pglite' ? fs.mkdtempSync(path.join(os.tmpdir(), 'canopy-faults-')) : null;
  const env: Env = db ? { DATABASE_URL: db.url } : { CANOPY_DATA_DIR: dataDir ?? '' };
  const port = await freePort();
  const server = new CanopyProcess('server', ['start'], { ...env, PORT: String(port) }, path.join(logDir, `${engine}-kill-server.log`));
  try {
    const load = await startIngesting(server, env, port, prefix, size);
    await killLoop(report, server, load, size.kills, [0, 1500]);
    await sleep(1000); // some batches on the last incarnation, too
    await load.stop();
    let stored: { message_id: string; n: number }[];
    if (db) {
      stored = await query(db.url, STORED_SQL, [`${prefix}-%`]);
    } else {
      // The last word goes to a kill -9 as well: what PGlite acknowledged must survive it.
      await server.kill9();
      stored = await readPglite(dataDir ?? '', [`${prefix}-%`]);
      report.notes.push('counted after a final kill -9, by opening the data folder afresh');
    }
    checkIngest(report, load.stats, stored);
    checkProcesses(report, [server]);
  } finally {
    await server.stop();
    await db?.drop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  }
  return report;
}

/**
 * Scenario 3b (PGlite): crash the embedded engine itself, for real (a WebAssembly trap in the jsonb
 * parser, sent by `canopy start`'s fault-injection hook on SIGUSR2), a few times during ingest. The
 * process must stay up, answer 503 while the supervisor reopens the data folder, come back on its
 * own (health 200), and keep every acknowledged event.
 */
export async function engineCrashScenario(size: Size, logDir: string): Promise<Report> {
  const report = newReport(`PGlite: crash the embedded engine ${size.crashes}× during ingest`);
  const prefix = `crash-${process.pid}`;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'canopy-faults-'));
  const env: Env = { CANOPY_DATA_DIR: dataDir, CANOPY_FAULT_INJECTION: '1' };
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const server = new CanopyProcess('server', ['start'], { ...env, PORT: String(port) }, path.join(logDir, 'pglite-crash-server.log'));
  try {
    const load = await startIngesting(server, env, port, prefix, size);
    let down = 0;
    const back: number[] = [];
    for (let i = 0; i < size.crashes; i++) {
      const okBefore = load.stats.ok;
      const until = Date.now() + 30_000;
      while (load.stats.ok < okBefore + 2 && Date.now() < until) await sleep(50);
      await sleep(rand(0, 1000));
      const crashedAt = Date.now();
      server.signal('SIGUSR2');
      // The supervisor must say so (503), then come back by itself.
      let sawDown = false;
      for (const deadline = crashedAt + 120_000; Date.now() < deadline; await sleep(100)) {
        const status = await health(base);
        if (status === 503) sawDown = true;
        if (status === 200 && sawDown) break;
      }
      if (sawDown) down++;
      back.push(Date.now() - crashedAt);
    }
    await sleep(1000);
    await load.stop();
    await server.stop();
    report.figures['engine crashes seen by /api/health'] = `${down} of ${size.crashes}`;
    report.figures['back in (ms)'] = back.join(', ');
    if (down < size.crashes) report.violations.push(`/api/health never said 503 after ${size.crashes - down} of the crashes (did the engine crash?)`);
    checkIngest(report, load.stats, await readPglite(dataDir, [`${prefix}-%`]));
    checkProcesses(report, [server]);
  } finally {
    await server.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  return report;
}

async function health(base: string): Promise<number> {
  try {
    return (await fetch(`${base}/api/health`, { signal: AbortSignal.timeout(5000) })).status;
  } catch {
    return 0;
  }
}

/** Opens a PGlite folder the way canopy does (lock, recovery) and counts this scenario's events. */
async function readPglite(dataDir: string, values: unknown[]) {
  const { connect } = await import('../../src/db/connect.js');
  const database = await connect({ dataDir });
  try {
    return (await database.query<{ message_id: string; n: number }>(STORED_SQL, values)).rows;
  } finally {
    await database.close();
  }
}

/**
 * Scenario 2: while clients send, terminate every session on the database (Canopy's pool and
 * pg-boss's) a few times. The server must stay up, answer 503 (never 500) while its connections
 * are cut, and keep the same invariants.
 */
export async function terminateScenario(size: Size, logDir: string): Promise<Report> {
  const report = newReport(`PostgreSQL: pg_terminate_backend ${size.terminations}× during ingest`);
  const prefix = `term-${process.pid}`;
  const db = await createScratchDatabase('term');
  const env: Env = { DATABASE_URL: db.url };
  const port = await freePort();
  const server = new CanopyProcess('server', ['start'], { ...env, PORT: String(port) }, path.join(logDir, 'postgres-terminate-server.log'));
  try {
    const load = await startIngesting(server, env, port, prefix, size);
    let terminated = 0;
    for (let i = 0; i < size.terminations; i++) {
      await sleep(rand(400, 1500));
      terminated += await terminateBackends(db.name);
      // A server that died of it is a violation (counted by checkProcesses); start it again so the rest still measures.
      if (!server.alive) report.violations.push(...(await server.restart()));
    }
    await sleep(1500);
    if (!server.alive) report.violations.push(...(await server.restart()));
    await load.stop();
    report.figures['sessions terminated'] = terminated;
    // Every batch acknowledged after the last termination also shows the server recovered on its own.
    checkIngest(report, load.stats, await query(db.url, STORED_SQL, [`${prefix}-%`]));
    checkProcesses(report, [server]);
  } finally {
    await server.stop();
    await db.drop();
  }
  return report;
}
