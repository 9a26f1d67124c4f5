// What the import benchmark and the 1M-event scale check share: a usage file generated to a temp
// file (never in memory), an import of it through the engine (src/imports/engine.ts) as the job
// runs it, a bare COPY of the same rows, and a memory sampler.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import type { Config } from '../../src/config.js';
import type { Database } from '../../src/db/connect.js';
import { createImportEngine } from '../../src/imports/engine.js';
import { usageEventsKind } from '../../src/imports/kinds/usage-events.js';
import type { ImportDeps, Mapping } from '../../src/imports/types.js';

export const HEADER = ['account', 'user_id', 'event', 'timestamp'];
const DAY = 86_400_000;

/** Row i of the book: time-ordered over `days` days ending yesterday, as an export is. */
export function bookRow(i: number, rows: number, accounts: number, days: number, end: number): [string, string, string, string] {
  const h = (i * 2654435761) >>> 0;
  const a = h % accounts;
  const ts = new Date(end - days * DAY + Math.floor((i * days * DAY) / rows)).toISOString();
  return [`acct-${a}`, `acct-${a}-u${(h >>> 8) % 20}`, `feature_${(h >>> 16) % 40}`, ts];
}

export const bookEnd = () => Date.parse(`${new Date().toISOString().slice(0, 10)}T00:00:00Z`) - 1000;

/** Writes the CSV to a temp file, streaming; returns its path, size and sha-256. */
export async function writeBook(rows: number, accounts: number, days: number, end: number): Promise<{ file: string; bytes: number; sha: string }> {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'canopy-import-')), 'usage.csv');
  const out = fs.createWriteStream(file);
  const hash = createHash('sha256');
  const put = async (s: string) => {
    hash.update(s);
    if (!out.write(s)) await once(out, 'drain');
  };
  await put(`${HEADER.join(',')}\n`);
  let buf = '';
  for (let i = 0; i < rows; i++) {
    buf += `${bookRow(i, rows, accounts, days, end).join(',')}\n`;
    if (buf.length > 1 << 20) { await put(buf); buf = ''; }
  }
  await put(buf);
  out.end();
  await once(out, 'finish');
  return { file, bytes: fs.statSync(file).size, sha: hash.digest('hex') };
}

export async function seedAccounts(database: Database, accounts: number): Promise<void> {
  await database.query(`INSERT INTO accounts (external_id, name, stage) SELECT 'acct-' || i, 'Account ' || i, 'adoption' FROM generate_series(0, $1::int - 1) AS i`, [accounts]);
}

export const MAPPING: Mapping = {
  columns: { account: { field: 'accountExternalId' }, user_id: { field: 'userId' }, event: { field: 'event' }, timestamp: { field: 'timestamp', format: 'iso' } },
};

/** Peak RSS and heap while `fn` runs (sampled every 100 ms), and at its start. */
export async function withMemory<T>(fn: () => Promise<T>): Promise<{ result: T; startRss: number; peakRss: number; peakHeap: number; samples: number[] }> {
  const startRss = process.memoryUsage().rss;
  let peakRss = startRss;
  let peakHeap = process.memoryUsage().heapUsed;
  const samples: number[] = [];
  const t = setInterval(() => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
    samples.push(m.rss);
  }, 100);
  try {
    const result = await fn();
    return { result, startRss, peakRss, peakHeap, samples };
  } finally {
    clearInterval(t);
  }
}

/** Imports the file through the engine (a real run, onError skip); health rebuild off (timed apart by its own bench). */
export async function importBook(database: Database, config: Config, book: { file: string; bytes: number; sha: string }, onRows?: (rows: number) => void) {
  const deps = { config, database, jobs: null, outbox: null, rebuildHealth: async () => undefined } as unknown as ImportDeps;
  const engine = createImportEngine({ database, kinds: { usage_events: usageEventsKind(deps) as never }, dataDir: path.dirname(book.file) });
  const id = await engine.store.create({
    kind: 'usage_events', dryRun: false, mode: 'create', onError: 'skip', fileName: 'usage.csv', fileSha256: book.sha, totalBytes: book.bytes,
    fileId: null, filePath: book.file, encoding: 'utf-8', delimiter: ',', header: HEADER, mapping: MAPPING,
    actor: { type: 'system', id: 'bench', label: 'bench' } as never,
  });
  const started = performance.now();
  const rec = await engine.run(id, { onProgress: (p) => onRows?.(p.rows) });
  return { ms: performance.now() - started, rec };
}

/** The same rows with database.copyRows in chunks of 10k (only the copyRows time counts). */
export async function copyBook(database: Database, rows: number, accounts: number, days: number, end: number, chunk = 10_000): Promise<number> {
  const ids = new Map((await database.query<{ id: string; external_id: string }>('SELECT id, external_id FROM accounts')).rows.map((r) => [r.external_id, r.id]));
  let ms = 0;
  for (let i = 0; i < rows; i += chunk) {
    const batch: unknown[][] = [];
    for (let j = i; j < Math.min(rows, i + chunk); j++) {
      const [a, u, e, ts] = bookRow(j, rows, accounts, days, end);
      batch.push([`copy:${j}`, 'track', e, u, ids.get(a), ts]);
    }
    const t0 = performance.now();
    await database.copyRows('events', ['message_id', 'type', 'event', 'user_id', 'account_id', 'ts'], batch);
    ms += performance.now() - t0;
  }
  return ms;
}

export const mb = (b: number) => Math.round(b / 1048576);
