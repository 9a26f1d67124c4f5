/**
 * App-side group commit. Requests submitted under the same key while `maxInFlight` groups of that
 * key are already running wait, and are then run together, as one group, by one call of `run`.
 * Nothing waits on a timer: a lone request runs at once, and under load a group holds whatever
 * arrived while the previous one ran. Every member's promise settles only after `run` settled
 * (for ingestion: after the commit), with its own result, or with the group's error.
 */
export type GroupCommitOptions = {
  /** Groups of one key running at the same time (1 = strictly one after the other). */
  maxInFlight: number;
  /** A group stops taking members once their weights add up to this (a lone heavier member still runs). */
  maxWeight: number;
  /**
   * A member still waiting (not yet running) after this long is refused with `refuse()`: offered
   * more than the database can store, the queue must not grow without bound. Unset: no limit.
   */
  maxWaitMs?: number;
  refuse?: () => Error;
};

type Entry<T, R> = { item: T; weight: number; resolve: (r: R) => void; reject: (err: unknown) => void; timer?: ReturnType<typeof setTimeout> };
type Lane<T, R> = { queue: Entry<T, R>[]; inFlight: number };

export function createGroupCommit<T, R>(run: (items: T[]) => Promise<R[]>, opts: GroupCommitOptions) {
  const lanes = new Map<string, Lane<T, R>>();

  function pump(key: string, lane: Lane<T, R>): void {
    while (lane.inFlight < opts.maxInFlight && lane.queue.length > 0) {
      const taken: Entry<T, R>[] = [];
      let weight = 0;
      while (lane.queue.length > 0) {
        const next = lane.queue[0] as Entry<T, R>;
        if (taken.length > 0 && weight + next.weight > opts.maxWeight) break;
        taken.push(next);
        weight += next.weight;
        lane.queue.shift();
        if (next.timer) clearTimeout(next.timer);
      }
      lane.inFlight++;
      void settle(taken).finally(() => {
        lane.inFlight--;
        if (lane.queue.length > 0) pump(key, lane);
        else if (lane.inFlight === 0) lanes.delete(key);
      });
    }
  }

  async function settle(taken: Entry<T, R>[]): Promise<void> {
    try {
      const results = await run(taken.map((e) => e.item));
      if (results.length !== taken.length) throw new Error(`group commit: ${results.length} results for ${taken.length} members`);
      taken.forEach((e, i) => e.resolve(results[i] as R));
    } catch (err) {
      for (const e of taken) e.reject(err);
    }
  }

  return {
    submit(key: string, item: T, weight = 1): Promise<R> {
      return new Promise<R>((resolve, reject) => {
        let lane = lanes.get(key);
        if (!lane) {
          lane = { queue: [], inFlight: 0 };
          lanes.set(key, lane);
        }
        const entry: Entry<T, R> = { item, weight, resolve, reject };
        lane.queue.push(entry);
        pump(key, lane);
        if (opts.maxWaitMs !== undefined && lane.queue.includes(entry)) {
          const own = lane;
          entry.timer = setTimeout(() => {
            const at = own.queue.indexOf(entry);
            if (at < 0) return;
            own.queue.splice(at, 1);
            reject(opts.refuse ? opts.refuse() : new Error(`group commit: waited over ${opts.maxWaitMs} ms`));
          }, opts.maxWaitMs);
        }
      });
    },
    /** Members waiting (not yet running), over all keys; for tests. */
    waiting(): number {
      let n = 0;
      for (const lane of lanes.values()) n += lane.queue.length;
      return n;
    },
  };
}
