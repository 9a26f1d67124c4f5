/**
 * The outbox's sending loop, apart from what is sent: a bounded pool that refills as each send
 * finishes. At most `concurrency` sends are in flight in total and at most `perHost` to one
 * destination host, so one slow receiver can hold at most `perHost` slots and never sets the pace
 * of the others. Whenever a send finishes (and every `pollMs` while slots are free) the pool
 * claims more due items, as many as there are free slots, and asks the claim to leave out hosts
 * that already have enough work held. An item claimed for a host that turns out saturated waits
 * in memory for that host's next free slot (how many can wait is bounded by `maxHeld`).
 *
 * Everything the pool holds (in flight or waiting) has its claim renewed every `renewEveryMs`,
 * so a claim can be short and still never lapse under a live worker. After `budgetMs` the pool
 * stops claiming, gives back the items still waiting, lets the sends in flight finish and ends;
 * it also ends as soon as nothing is in flight or waiting and a claim found nothing more.
 */

export type SendPoolOptions<T> = {
  /** Sends in flight at once, over all hosts. */
  concurrency: number;
  /** Sends in flight at once to one destination host. */
  perHost: number;
  /** Items held at once, in flight plus waiting for their host (default 2 × concurrency). */
  maxHeld?: number;
  hostOf(item: T): string;
  /** Claims up to `limit` due items; it should leave out the hosts in `full` where it can. */
  claim(limit: number, full: ReadonlySet<string>): Promise<T[]>;
  /** Sends one item and records its outcome: true when it went out. A rejection ends the pool (after the sends in flight). */
  send(item: T): Promise<boolean>;
  /** Extends the claims of everything held (in flight or waiting). A failure is ignored (the claim may lapse). */
  renew(items: T[]): Promise<void>;
  /** Gives back claimed items that were never sent (the pool is ending). A failure is ignored (the claims lapse). */
  release(items: T[]): Promise<void>;
  renewEveryMs: number;
  /** While slots are free, look for new due items this often (besides after every finished send). */
  pollMs: number;
  /** Stop claiming after this long. */
  budgetMs: number;
};

export type SendPoolResult = { sent: number; failed: number; claims: number; renewals: number; released: number; maxInFlight: number };

export type SendPool = {
  done: Promise<SendPoolResult>;
  /** True until the pool stops claiming (budget spent, error, or nothing left to do). */
  claiming(): boolean;
  /** Look for due items now (a wake-up while the pool runs). */
  kick(): void;
};

export function startSendPool<T>(o: SendPoolOptions<T>): SendPool {
  const started = Date.now();
  const maxHeld = Math.max(o.concurrency, o.maxHeld ?? 2 * o.concurrency);
  const waiting = new Map<string, T[]>();
  const inFlightByHost = new Map<string, number>();
  const held = new Set<T>();
  const stats = { sent: 0, failed: 0, claims: 0, renewals: 0, released: 0, maxInFlight: 0 };
  let inFlight = 0;
  let waitingCount = 0;
  let claimRunning = false;
  let claimAgain = false;
  /** The latest claim found fewer items than it asked for, and no send finished since. */
  let exhausted = false;
  let closed = false;
  let finished = false;
  let failure: { err: unknown } | null = null;
  const chores = new Set<Promise<void>>();
  let renewing = false;

  let resolveDone!: (r: SendPoolResult) => void;
  let rejectDone!: (err: unknown) => void;
  const done = new Promise<SendPoolResult>((resolve, reject) => {
    resolveDone = resolve;
    rejectDone = reject;
  });

  const busy = (host: string) => inFlightByHost.get(host) ?? 0;

  /** Hosts with at least `perHost` items held (in flight or waiting): the claim leaves them out. */
  function fullHosts(): Set<string> {
    const full = new Set<string>();
    for (const [host, n] of inFlightByHost) if (n + (waiting.get(host)?.length ?? 0) >= o.perHost) full.add(host);
    for (const [host, q] of waiting) if (busy(host) + q.length >= o.perHost) full.add(host);
    return full;
  }

  function chore(p: Promise<void>) {
    const tracked = p.catch(() => undefined).finally(() => {
      chores.delete(tracked);
      maybeFinish();
    });
    chores.add(tracked);
  }

  function dispatch() {
    // One pass per host in turn; a host that gets a slot moves to the back (round robin).
    let progressed = true;
    while (progressed && inFlight < o.concurrency) {
      progressed = false;
      for (const [host, queue] of [...waiting]) {
        if (inFlight >= o.concurrency) break;
        if (busy(host) >= o.perHost) continue;
        const item = queue.shift();
        if (queue.length === 0) waiting.delete(host);
        else {
          waiting.delete(host);
          waiting.set(host, queue);
        }
        if (item === undefined) continue;
        waitingCount--;
        start(host, item);
        progressed = true;
      }
    }
  }

  function start(host: string, item: T) {
    inFlight++;
    inFlightByHost.set(host, busy(host) + 1);
    stats.maxInFlight = Math.max(stats.maxInFlight, inFlight);
    let p: Promise<boolean>;
    try {
      p = o.send(item);
    } catch (err) {
      p = Promise.reject(err);
    }
    p.then(
      (ok) => {
        if (ok) stats.sent++;
        else stats.failed++;
      },
      (err: unknown) => {
        stats.failed++;
        fail(err);
      },
    ).finally(() => {
      inFlight--;
      const n = busy(host) - 1;
      if (n > 0) inFlightByHost.set(host, n);
      else inFlightByHost.delete(host);
      held.delete(item);
      exhausted = false;
      dispatch();
      kick();
      maybeFinish();
    });
  }

  function fail(err: unknown) {
    failure ??= { err };
    close();
  }

  /** Stop claiming; give back what waits; the sends in flight finish. */
  function close() {
    if (closed) return;
    closed = true;
    clearInterval(pollTimer);
    const back: T[] = [];
    for (const queue of waiting.values()) back.push(...queue);
    waiting.clear();
    waitingCount = 0;
    for (const item of back) held.delete(item);
    if (back.length > 0) {
      stats.released += back.length;
      chore(o.release(back));
    }
    maybeFinish();
  }

  function room() {
    return Math.min(o.concurrency - inFlight, maxHeld - held.size);
  }

  function kick() {
    if (closed) return;
    if (claimRunning) {
      claimAgain = true;
      return;
    }
    if (room() <= 0) return;
    claimRunning = true;
    void claimLoop();
  }

  async function claimLoop() {
    try {
      do {
        claimAgain = false;
        if (Date.now() - started >= o.budgetMs) {
          close();
          break;
        }
        const limit = room();
        if (limit <= 0) break;
        const items = await o.claim(limit, fullHosts());
        stats.claims++;
        if (closed) {
          // The pool failed or ran out of time while this claim ran: give the items back at once.
          if (items.length > 0) {
            stats.released += items.length;
            chore(o.release(items));
          }
          break;
        }
        for (const item of items) {
          held.add(item);
          const host = o.hostOf(item);
          const queue = waiting.get(host);
          if (queue) queue.push(item);
          else waiting.set(host, [item]);
          waitingCount++;
        }
        exhausted = items.length < limit;
        if (!exhausted) claimAgain = true;
        dispatch();
      } while (claimAgain && !closed);
    } catch (err) {
      fail(err);
    } finally {
      claimRunning = false;
      maybeFinish();
    }
  }

  function renew() {
    if (renewing || held.size === 0 || finished) return;
    renewing = true;
    stats.renewals++;
    chore(o.renew([...held]).finally(() => {
      renewing = false;
    }));
  }

  function maybeFinish() {
    if (finished || claimRunning || inFlight > 0) return;
    if (!closed && (waitingCount > 0 || !exhausted)) return;
    if (!closed) close();
    if (finished || chores.size > 0) return;
    finished = true;
    clearInterval(pollTimer);
    clearInterval(renewTimer);
    if (failure) rejectDone(failure.err);
    else resolveDone({ ...stats });
  }

  const pollTimer = setInterval(() => {
    if (Date.now() - started >= o.budgetMs) close();
    else kick();
  }, o.pollMs);
  const renewTimer = setInterval(renew, o.renewEveryMs);
  pollTimer.unref();
  renewTimer.unref();

  kick();
  return { done, claiming: () => !closed, kick };
}
