import { Worker } from 'node:worker_threads';
import {
  DatabaseUnavailableError,
  deserializeError,
  type QueryResult,
  type WorkerReply,
  type WorkerRequest,
} from './pglite-protocol.js';

type Pending = { resolve(r: QueryResult): void; reject(e: Error): void; timer: NodeJS.Timeout };
type Body<R> = R extends unknown ? Omit<R, 'id'> : never;
export type EngineRequest = Body<WorkerRequest>;

/**
 * One PGlite worker thread: one life of the engine, from open to death. It never comes back;
 * the supervisor (pglite-supervised.ts) starts a new one. Death is any of: a fatal reply (a
 * WebAssembly trap), the worker throwing or exiting on its own, or a request that outlives its
 * timeout (a wedged engine looks the same as a dead one to its callers). On death every request
 * still waiting fails at once with DatabaseUnavailableError, so nothing waits forever.
 */
export class PgliteEngine {
  #worker: Worker;
  #pending = new Map<number, Pending>();
  #nextId = 1;
  #dead: Error | null = null;
  #closing = false;
  #exited: Promise<void>;
  #onDeath: ((cause: Error) => void) | null = null;

  private constructor(
    worker: Worker,
    private readonly timeoutMs: number,
  ) {
    this.#worker = worker;
    // Like an in-thread PGlite, an idle engine does not keep the process alive; a request's
    // timer does while it waits.
    worker.unref();
    this.#exited = new Promise((resolve) => worker.once('exit', () => resolve()));
    worker.on('message', (m: WorkerReply) => this.#reply(m));
    worker.on('error', (err) => this.#die(err));
    worker.on('exit', (code) => this.#die(new Error(`the PGlite worker exited (code ${code})`)));
  }

  /**
   * Starts a worker on `pgdata` (undefined: in memory) and waits until its database is open;
   * `template`: a dumpDataDir tarball an in-memory database starts as a copy of.
   */
  static async start(pgdata: string | undefined, timeoutMs: number, template?: string): Promise<PgliteEngine> {
    const worker = new Worker(new URL('./pglite-worker-boot.mjs', import.meta.url), {
      workerData: { entry: new URL('./pglite-worker.ts', import.meta.url).href, pgdata, template },
    });
    await new Promise<void>((resolve, reject) => {
      const onMessage = (m: WorkerReply) => {
        if (m.id !== 0) return;
        cleanup();
        resolve();
      };
      const onError = (err: Error) => {
        cleanup();
        reject(err);
      };
      const onExit = (code: number) => onError(new Error(`the PGlite worker exited (code ${code}) while opening the database`));
      const cleanup = () => {
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
      };
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
    }).catch(async (err: unknown) => {
      await worker.terminate();
      throw err;
    });
    return new PgliteEngine(worker, timeoutMs);
  }

  get dead(): boolean {
    return this.#dead !== null;
  }

  /** Called once, when this engine dies (not when it is closed). */
  onDeath(fn: (cause: Error) => void) {
    this.#onDeath = fn;
  }

  /** Resolves once the worker thread is gone, so its data folder is free to open again. */
  exited(): Promise<void> {
    return this.#exited;
  }

  request(body: EngineRequest, timeoutMs = this.timeoutMs): Promise<QueryResult> {
    if (this.#dead) return Promise.reject(this.#unavailable());
    const id = this.#nextId++;
    return new Promise<QueryResult>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#die(new Error(`the PGlite worker did not answer within ${Math.round(timeoutMs / 1000)} s`));
      }, timeoutMs);
      this.#pending.set(id, { resolve, reject, timer });
      this.#worker.postMessage({ ...body, id } as WorkerRequest);
    });
  }

  /** Closes the database cleanly (a checkpoint, so the next open replays nothing), then the thread. */
  async close(): Promise<void> {
    if (!this.#dead) {
      this.#closing = true;
      await this.request({ op: 'close' }).catch(() => undefined);
    }
    await this.#worker.terminate();
  }

  #reply(m: WorkerReply) {
    if ('ready' in m) return;
    const p = this.#pending.get(m.id);
    if (!p) return;
    this.#pending.delete(m.id);
    clearTimeout(p.timer);
    if (m.ok) return p.resolve(m.result);
    const err = deserializeError(m.error);
    if (!m.fatal) return p.reject(err);
    // The query broke the engine: its caller learns that the database went away (503), not a 500.
    p.reject(new DatabaseUnavailableError(`The embedded database crashed: ${err.message}`, '57P03', { cause: err }));
    this.#die(err);
  }

  #unavailable(): DatabaseUnavailableError {
    return this.#closing
      ? new DatabaseUnavailableError('PGlite is closed', '08003')
      : new DatabaseUnavailableError('The embedded database engine stopped', '57P03', { cause: this.#dead });
  }

  #die(cause: Error) {
    if (this.#dead) return;
    this.#dead = cause;
    for (const p of this.#pending.values()) {
      clearTimeout(p.timer);
      p.reject(this.#unavailable());
    }
    this.#pending.clear();
    void this.#worker.terminate();
    if (!this.#closing) this.#onDeath?.(cause);
  }
}
