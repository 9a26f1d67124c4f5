// Risk freshness (issue 12: p95 ≤ 5 s). Every input of the model (signals, escalations, survey
// answers, check-ins, critical dates, contacts, health) marks its account in risk_dirty by trigger
// (migration 0023), whoever wrote it. Rather than every writer remembering to schedule the refresh,
// the worker looks for marks every ~1.5 s and refreshes them: one cheap EXISTS when idle.
import type { Queryable } from '../db/connect.js';
import type { Logger } from '../jobs/queue.js';

export const TICK_MS = 1500;

export type RiskTicker = {
  /** Runs one look now (the refresh if marks exist), unless one is already running; resolves when it is done. */
  tick(): Promise<void>;
  /** No more ticks; waits for the running one. */
  stop(): Promise<void>;
};

/**
 * Looks for risk marks every `everyMs` and runs `refresh` when there are some: never two at once
 * (a tick while one runs is skipped), stopped with `stop()`, and its timer never keeps the process alive.
 */
export function startRiskTicker(q: Queryable, refresh: () => Promise<unknown>, opts: { everyMs?: number; log?: Logger } = {}): RiskTicker {
  let running: Promise<void> | null = null;
  let stopped = false;
  const once = async () => {
    const { rows } = await q.query<{ marked: boolean }>('SELECT EXISTS (SELECT 1 FROM risk_dirty) AS marked');
    if (rows[0]?.marked && !stopped) await refresh();
  };
  const tick = () => {
    if (stopped) return Promise.resolve();
    if (!running) {
      running = once()
        .catch((err: unknown) => opts.log?.error({ err: { message: err instanceof Error ? err.message : String(err) } }, 'risk ticker failed'))
        .finally(() => { running = null; });
    }
    return running;
  };
  const timer = setInterval(() => void tick(), opts.everyMs ?? TICK_MS);
  timer.unref();
  return {
    tick,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
