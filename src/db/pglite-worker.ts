/**
 * Runs inside a worker thread (started by src/db/pglite-engine.ts through pglite-worker-boot.mjs):
 * the one PGlite instance of this process, so that a query that traps its WebAssembly (or runs
 * for long) cannot take the main thread's event loop with it. It answers requests one by one,
 * in arrival order; the main thread decides what may be sent when (transactions hold the session).
 */
import { readFile } from 'node:fs/promises';
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite, type ParserOptions } from '@electric-sql/pglite';
import { serializeError, type QueryResult, type WorkerReply, type WorkerRequest } from './pglite-protocol.js';

const port = parentPort;
if (!port) throw new Error('pglite-worker.ts runs only as a worker thread');

const { pgdata, template } = workerData as { pgdata?: string; template?: string };
// A template (a dumpDataDir tarball) starts an in-memory database as its copy, without initdb.
const pg = pgdata ? new PGlite(pgdata) : template ? new PGlite({ loadDataDir: new Blob([await readFile(template)]) }) : new PGlite();
await pg.waitReady;

const keepText = (value: string) => value;

/**
 * A WebAssembly trap ("memory access out of bounds", "unreachable") or Emscripten's exit leaves
 * Postgres's memory in an unknown state: the main thread must throw this engine away.
 */
function isFatal(err: unknown): boolean {
  // By name: this project's TypeScript lib has no WebAssembly types, and ExitStatus is Emscripten's own class.
  const name = (err as { name?: unknown } | null)?.name;
  return name === 'RuntimeError' || name === 'ExitStatus';
}

function shape(r: { rows: unknown[]; affectedRows?: number; fields: { name: string; dataTypeID: number }[] }): QueryResult {
  const fields = r.fields.map((f) => ({ name: f.name, dataTypeID: f.dataTypeID }));
  return r.affectedRows === undefined ? { rows: r.rows, fields } : { rows: r.rows, affectedRows: r.affectedRows, fields };
}

async function run(req: WorkerRequest): Promise<QueryResult> {
  switch (req.op) {
    case 'query': {
      const parsers: ParserOptions = {};
      for (const oid of req.rawTypes ?? []) parsers[oid] = keepText;
      return shape(await pg.query(req.text, req.values, { rowMode: req.rowMode ?? 'object', parsers }));
    }
    case 'exec': {
      const results = await pg.exec(req.text);
      const last = results[results.length - 1];
      return last ? shape(last) : { rows: [], fields: [] };
    }
    case 'copy': {
      return shape(await pg.query(req.text, [], { blob: new Blob([req.csv]) }));
    }
    case 'close':
      await pg.close();
      return { rows: [], fields: [] };
  }
}

port.on('message', (req: WorkerRequest) => {
  run(req).then(
    (result) => port.postMessage({ id: req.id, ok: true, result } satisfies WorkerReply),
    (err: unknown) => port.postMessage({ id: req.id, ok: false, error: serializeError(err), fatal: isFatal(err) } satisfies WorkerReply),
  );
});
port.postMessage({ id: 0, ok: true, ready: true } satisfies WorkerReply);
