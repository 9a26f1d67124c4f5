/**
 * The messages between the main thread and the worker thread that runs PGlite
 * (src/db/pglite-worker.ts), and how errors cross that boundary.
 */

export type RowMode = 'array' | 'object';

/** What the main thread asks of the worker. Every request is answered once, by id. */
export type WorkerRequest =
  /** One statement with parameters. `rawTypes`: type OIDs to return as text, unparsed (what Drizzle asks for dates). */
  | { id: number; op: 'query'; text: string; values: unknown[]; rowMode?: RowMode; rawTypes?: number[] }
  /** Several statements without parameters; answers the last statement's rows. */
  | { id: number; op: 'exec'; text: string }
  /** COPY … FROM '/dev/blob' with this CSV text as the blob. */
  | { id: number; op: 'copy'; text: string; csv: string }
  | { id: number; op: 'close' };

export type QueryResult = { rows: unknown[]; affectedRows?: number; fields: { name: string; dataTypeID: number }[] };

export type WorkerReply =
  | { id: number; ok: true; result: QueryResult }
  /** `fatal`: the engine itself broke (WebAssembly trap or Postgres exit); nothing more can run on it. */
  | { id: number; ok: false; error: SerializedError; fatal: boolean }
  /** Sent once, unprompted, when the database is open. */
  | { id: 0; ok: true; ready: true };

export type SerializedError = { name: string; message: string; props: Record<string, string | number | boolean> };

/**
 * A structured clone of an Error keeps only its message; callers need Postgres's fields
 * (`code` '23505', `constraint`, `detail`, …), so the primitive own properties are copied.
 */
export function serializeError(err: unknown): SerializedError {
  if (!(err instanceof Error)) return { name: 'Error', message: String(err), props: {} };
  const props: Record<string, string | number | boolean> = {};
  for (const [k, v] of Object.entries(err)) {
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') props[k] = v;
  }
  return { name: err.name, message: err.message, props };
}

/** The worker's error, rebuilt on this side with this side's stack (which shows the caller). */
export function deserializeError(s: SerializedError): Error {
  const err = new Error(s.message);
  Object.assign(err, s.props);
  err.name = s.name;
  return err;
}

/** The engine is reopening after a crash, or is gone: the HTTP layer answers 503 with Retry-After. */
export class DatabaseUnavailableError extends Error {
  override name = 'DatabaseUnavailableError';
  constructor(
    message: string,
    /** A Postgres SQLSTATE so every caller that handles a lost server handles this too: 57P03 cannot_connect_now, 08006 connection_failure. */
    readonly code: '57P03' | '08006' | '08003',
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
