import { setTimeout as sleep } from 'node:timers/promises';
import { PgliteEngine } from './pglite-engine.js';
import { DatabaseUnavailableError, type QueryResult, type RowMode } from './pglite-protocol.js';
import { DEFAULT_AGING_MS, DEFAULT_MAX_WAIT_MS, SessionQueue, type Priority, type QueueStats } from './pglite-queue.js';

/** What the holder of the session may run: every call goes to the same engine life. */
export interface PgliteSession {
  query(text: string, values: unknown[], opts?: { rowMode?: RowMode; rawTypes?: number[] }): Promise<QueryResult>;
  exec(text: string): Promise<QueryResult>;
  copy(text: string, csv: string): Promise<QueryResult>;
}

export type EngineEvent =
  | { type: 'died'; cause: Error; reopening: boolean }
  | { type: 'reopened'; ms: number }
  | { type: 'reopen_failed'; error: unknown; retryInMs: number };

export type SupervisedOptions = {
  /** PGlite's data folder; undefined = in memory. */
  pgdata: string | undefined;
  /** In memory only: a dumpDataDir tarball the database starts as a copy of (see ConnectOptions.template). */
  template?: string | undefined;
  /** How long one request may take before the engine counts as wedged and is restarted. */
  timeoutMs?: number;
  /** How long an interactive caller may wait for the session before it is refused (503); see pglite-queue.ts. */
  maxWaitMs?: number;
  onEvent?: (e: EngineEvent) => void;
};

/** Ten minutes: far above any statement Canopy runs on PGlite (demo seed, health refresh of a big book). */
export const DEFAULT_TIMEOUT_MS = 10 * 60_000;

function logToStderr(e: EngineEvent) {
  if (e.type === 'died') console.error(`canopy: the embedded database crashed (${e.cause.message}); ${e.reopening ? 'reopening it' : 'it stays down until restart (in memory: its data is gone)'}`);
  if (e.type === 'reopened') console.error(`canopy: the embedded database is back (reopened in ${e.ms} ms)`);
  if (e.type === 'reopen_failed') console.error(`canopy: reopening the embedded database failed (${String(e.error)}); next try in ${e.retryInMs} ms`);
}

/**
 * PGlite in a worker thread, restarted when it dies. While the engine is down every call fails at
 * once with DatabaseUnavailableError (HTTP 503 + Retry-After). A data folder is reopened by a fresh
 * worker: Postgres's crash recovery replays the WAL, so every acknowledged commit survives (PGlite
 * writes through to the files; only a crash of the machine, not of the engine, could lose them).
 * An in-memory engine's data died with it, so it stays down: reopening it empty would answer
 * queries against a database without tables or rows, which is worse than answering 503.
 */
export class SupervisedPglite {
  #engine: PgliteEngine;
  #state: 'up' | 'reopening' | 'down' | 'closed' = 'up';
  #lock: SessionQueue;
  #reopening: Promise<void> = Promise.resolve();
  #stop = new AbortController();
  readonly #timeoutMs: number;
  readonly #emit: (e: EngineEvent) => void;

  private constructor(
    engine: PgliteEngine,
    private readonly opts: SupervisedOptions,
  ) {
    this.#timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#emit = opts.onEvent ?? logToStderr;
    this.#engine = engine;
    this.#lock = new SessionQueue({ maxWaitMs: opts.maxWaitMs ?? DEFAULT_MAX_WAIT_MS, agingMs: DEFAULT_AGING_MS });
    this.#adopt(engine);
  }

  static async open(opts: SupervisedOptions): Promise<SupervisedPglite> {
    return new SupervisedPglite(await PgliteEngine.start(opts.pgdata, opts.timeoutMs ?? DEFAULT_TIMEOUT_MS, opts.template), opts);
  }

  get state() {
    return this.#state;
  }

  /** Resolves when a reopen under way has finished (at once when the engine is up). */
  settled(): Promise<void> {
    return this.#reopening;
  }

  /** Who waits for the session now, and how many callers were refused for a long wait. */
  get queue(): QueueStats {
    return this.#lock.stats;
  }

  /**
   * Runs fn with the session to itself, on the engine that is up now. `priority` (default: the
   * caller's, see inBackground) decides its place in the queue and whether a long wait refuses it.
   */
  async withSession<T>(fn: (session: PgliteSession) => Promise<T>, priority?: Priority): Promise<T> {
    this.#current(); // fail fast rather than queue behind others while the engine is down
    return this.#lock.run(async () => fn(this.#sessionOf(this.#current())), priority);
  }

  /** BEGIN … COMMIT holding the session; ROLLBACK when fn throws. */
  transaction<T>(fn: (session: PgliteSession) => Promise<T>, priority?: Priority): Promise<T> {
    return this.withSession(async (s) => {
      await s.exec('BEGIN');
      try {
        const result = await fn(s);
        await s.exec('COMMIT');
        return result;
      } catch (err) {
        // On a dead engine this fails too, and there is nothing to roll back: the transaction died with it.
        await s.exec('ROLLBACK').catch(() => undefined);
        throw err;
      }
    }, priority);
  }

  async close(): Promise<void> {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    this.#stop.abort();
    await this.#reopening;
    // Not behind the session lock: closing while a transaction is open must end it, not wait for it.
    await this.#engine.close();
  }

  #sessionOf(engine: PgliteEngine): PgliteSession {
    return {
      query: (text, values, o = {}) => engine.request({ op: 'query', text, values, ...o }),
      exec: (text) => engine.request({ op: 'exec', text }),
      copy: (text, csv) => engine.request({ op: 'copy', text, csv }),
    };
  }

  #current(): PgliteEngine {
    switch (this.#state) {
      case 'up':
        return this.#engine;
      case 'reopening':
        throw new DatabaseUnavailableError('The embedded database crashed and is being reopened', '57P03');
      case 'down':
        throw new DatabaseUnavailableError('The in-memory embedded database crashed; its data is gone, so it stays down until restart', '08006');
      case 'closed':
        throw new DatabaseUnavailableError('PGlite is closed', '08003');
    }
  }

  #adopt(engine: PgliteEngine) {
    this.#engine = engine;
    this.#state = 'up';
    engine.onDeath((cause) => {
      if (this.#state !== 'up' || this.#engine !== engine) return;
      const reopening = this.opts.pgdata !== undefined;
      this.#state = reopening ? 'reopening' : 'down';
      this.#emit({ type: 'died', cause, reopening });
      if (reopening) this.#reopening = this.#reopen(engine);
    });
  }

  async #reopen(dead: PgliteEngine): Promise<void> {
    // Two engines on one folder would corrupt it: the old thread must be gone first.
    await dead.exited();
    const started = Date.now();
    for (let attempt = 0; this.#state === 'reopening'; attempt++) {
      try {
        const engine = await PgliteEngine.start(this.opts.pgdata, this.#timeoutMs);
        if (this.#state !== 'reopening') return void (await engine.close());
        this.#adopt(engine);
        this.#emit({ type: 'reopened', ms: Date.now() - started });
      } catch (error) {
        const retryInMs = Math.min(30_000, 500 * 2 ** attempt);
        this.#emit({ type: 'reopen_failed', error, retryInMs });
        await sleep(retryInMs, undefined, { signal: this.#stop.signal }).catch(() => undefined);
      }
    }
  }
}
