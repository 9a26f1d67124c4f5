import { AsyncLocalStorage } from 'node:async_hooks';
import diagnostics from 'node:diagnostics_channel';
import { DatabaseUnavailableError } from './pglite-protocol.js';

/**
 * Who waits for PGlite's one session, and for how long. PGlite is one Postgres session, so every
 * caller queues for it. A plain FIFO made an HTTP batch wait behind everybody's backlog (job
 * chunks, pg-boss polling, earlier batches): offered more than the engine could do, the queue grew
 * without bound and clients waited minutes.
 *
 * - interactive: work done for an HTTP request (everything that runs from a request's socket, see
 *   below). Served first. One that cannot get the session within `maxWaitMs` (or whose expected
 *   wait already exceeds it) is refused before any work with a DatabaseBusyError, which the HTTP
 *   layer answers 503 + Retry-After, like a database that is down.
 * - background: everything else (jobs, pg-boss, the CLI, tests calling the database directly), and
 *   pg-boss's statements even inside a request. Waits behind interactive callers and is never
 *   refused for a long queue; one that has waited `agingMs` goes next, so it slows under load but
 *   is never starved.
 */
export type Priority = 'interactive' | 'background';

const priorityStore = new AsyncLocalStorage<Priority>();

// Marks each HTTP request's work as interactive without the HTTP layer's help: Node publishes this
// channel synchronously as a request arrives, on its socket's async context, so the request's
// handlers, body reads and everything they await see the mark (the way APM agents follow requests).
diagnostics.subscribe('http.server.request.start', () => priorityStore.enterWith('interactive'));

/** Runs fn, and every database call it makes (awaited or not), with this priority. */
export function withPriority<T>(priority: Priority, fn: () => T): T {
  return priorityStore.run(priority, fn);
}

export function currentPriority(): Priority {
  return priorityStore.getStore() ?? 'background';
}

/** pg-boss's statements all name its schema: its polling and bookkeeping are background work. */
export function priorityOfSql(text: string): Priority {
  return /\bpgboss\./i.test(text) ? 'background' : currentPriority();
}

/** The session was too busy: refused before any work ran (SQLSTATE 57P03, cannot_connect_now). */
export class DatabaseBusyError extends DatabaseUnavailableError {
  override name = 'DatabaseBusyError';
  constructor(waitMs: number) {
    super(`The embedded database is busy (a request would wait over ${Math.round(waitMs / 100) / 10} s for it); try again shortly`, '57P03');
  }
}

export type SessionQueueOptions = {
  /** Longest wait of an interactive caller for the session. */
  maxWaitMs: number;
  /** A background caller waiting this long goes ahead of interactive ones. */
  agingMs: number;
};

/** 5 s: above a healthy wait under load (a few hundred ms), below a client's patience and Node's timeouts. */
export const DEFAULT_MAX_WAIT_MS = 5_000;
export const DEFAULT_AGING_MS = 2_000;

type Waiter = { priority: Priority; since: number; grant: () => void; timer: NodeJS.Timeout | null };

export type QueueStats = { waiting: { interactive: number; background: number }; refused: number; holdEwmaMs: number };

export class SessionQueue {
  #busy = false;
  #lanes: Record<Priority, Waiter[]> = { interactive: [], background: [] };
  /** Moving average of how long an interactive caller holds the session: the wait estimate's unit. */
  #holdEwma = 0;
  #refused = 0;

  constructor(private readonly opts: SessionQueueOptions) {}

  get stats(): QueueStats {
    return { waiting: { interactive: this.#lanes.interactive.length, background: this.#lanes.background.length }, refused: this.#refused, holdEwmaMs: this.#holdEwma };
  }

  /** Runs fn with the session to itself once it is this caller's turn. */
  async run<T>(fn: () => Promise<T>, priority: Priority = currentPriority()): Promise<T> {
    await this.#acquire(priority);
    const started = performance.now();
    try {
      return await fn();
    } finally {
      if (priority === 'interactive') {
        const held = performance.now() - started;
        this.#holdEwma = this.#holdEwma === 0 ? held : 0.8 * this.#holdEwma + 0.2 * held;
      }
      this.#release();
    }
  }

  #acquire(priority: Priority): Promise<void> {
    if (!this.#busy) {
      this.#busy = true;
      return Promise.resolve();
    }
    const lane = this.#lanes[priority];
    // Those ahead of an interactive caller: the interactive lane. The holder's remaining time is
    // unknown, so it is left out (the deadline below covers it).
    if (priority === 'interactive' && lane.length * this.#holdEwma > this.opts.maxWaitMs) return Promise.reject(this.#refuse());
    return new Promise<void>((resolve, reject) => {
      const w: Waiter = { priority, since: performance.now(), grant: resolve, timer: null };
      if (priority === 'interactive') {
        w.timer = setTimeout(() => {
          const i = lane.indexOf(w);
          if (i < 0) return;
          lane.splice(i, 1);
          reject(this.#refuse());
        }, this.opts.maxWaitMs);
      }
      lane.push(w);
    });
  }

  #refuse(): DatabaseBusyError {
    this.#refused++;
    return new DatabaseBusyError(this.opts.maxWaitMs);
  }

  #release() {
    const bg = this.#lanes.background[0];
    const aged = bg !== undefined && performance.now() - bg.since >= this.opts.agingMs;
    const next = aged ? this.#lanes.background.shift() : (this.#lanes.interactive.shift() ?? this.#lanes.background.shift());
    if (!next) {
      this.#busy = false;
      return;
    }
    if (next.timer) clearTimeout(next.timer);
    next.grant(); // #busy stays true: the session passes straight to the next caller
  }
}
