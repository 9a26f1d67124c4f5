import type { Config } from '../config.js';
import type { Database } from '../db/connect.js';
import type { JobSender } from '../jobs/queue.js';
import type { AllowList } from '../outbound/address.js';
import { createAllowlist, type Allowlist } from '../outbound/allowlist.js';
import {
  attemptDelivery, claimDeliveries, claimSecondsFor, releaseDeliveries, renewDeliveryClaims, sweepExhaustedDeliveries,
  type ClaimedDelivery,
} from '../webhooks/deliver.js';
import type { Outbox } from '../deps.js';
import { createMailer, type Mailer } from './mailer.js';
import { attemptMessage, claimMessages, releaseMessages, renewMessageClaims, sweepMessages, type ClaimedMessage, type MessageFinished } from './messages.js';
import { startSendPool, type SendPool } from './send-pool.js';

export type { Outbox } from '../deps.js';

export const OUTBOX_JOB = 'outbox.pump';
/** One pump stops claiming new work after this long; the next wake or the cron goes on. */
const PUMP_BUDGET_MS = 45_000;
/** Sends in flight at once per process, and to one destination host (e-mail: the SMTP server). */
export const SEND_CONCURRENCY = 16;
export const SEND_PER_HOST = 4;
/** While sends are in flight and slots are free, look for newly due rows this often. */
const POLL_MS = 250;
/** The old pump's batch (see `legacy`). */
const BATCH = 10;
/** E-mail goes to one place, the SMTP server: it counts as one destination host. */
const SMTP_HOST = 'smtp';

export type OutboxOptions = {
  /** Claim window in seconds (default: at least a minute and two request timeouts; see claimSecondsFor). */
  claimSeconds?: number;
  concurrency?: number;
  perHost?: number;
  pollMs?: number;
  budgetMs?: number;
  /**
   * The pump as it was before the send pool (batches of ten messages and ten deliveries sent
   * together, the next batch after the slowest send): kept for the outbox benchmark's side-by-side
   * figures only.
   */
  legacy?: boolean;
  /** Told when a playbook step's e-mail was sent or died (src/services.ts wires the playbooks in). */
  messageFinished?: MessageFinished;
};

/** The destination host of a URL (host and port: two receivers on one address are two destinations). */
export function hostOf(url: string): string {
  try {
    return new URL(url).host.toLowerCase();
  } catch {
    return url;
  }
}

type Item = { kind: 'message'; m: ClaimedMessage; host: string } | { kind: 'delivery'; d: ClaimedDelivery; host: string };
const heldRow = (i: Item) => (i.kind === 'message' ? { id: i.m.id, attempts: i.m.attempts } : { id: i.d.id, attempts: i.d.attempts });

/**
 * The allow-list as of each send: every caller gets a read that started after it asked (so an
 * entry an admin removes stops working for the very next send, in every process, since the read
 * goes to the database), while the sends that ask at the same moment share one read.
 */
function freshAllowlist(allowlist: Allowlist): () => Promise<AllowList> {
  let next: Promise<AllowList> | null = null;
  let running: Promise<unknown> = Promise.resolve();
  return () => {
    if (next) return next;
    const read = running.then(() => {
      next = null;
      return allowlist.current();
    });
    next = read;
    running = read.catch(() => undefined);
    return read;
  };
}

/**
 * The outbox. Rows are written in the transaction that decides to send them (notify, emitEvent);
 * pump() claims due rows (FOR UPDATE SKIP LOCKED, a short claim that the live pump renews), commits,
 * sends through a bounded pool (src/notifications/send-pool.ts: SEND_CONCURRENCY in flight, at most
 * SEND_PER_HOST to one host, refilled as each send finishes), then records the outcome guarded by
 * the attempt count. A failure is retried with exponential backoff and jitter, and dead-lettered
 * after its attempts.
 */
export function createOutbox(config: Config, database: Database, jobs: JobSender | null, options: OutboxOptions = {}): Outbox {
  const allowlist = createAllowlist(database, config.outbound.allow);
  const allowNow = freshAllowlist(allowlist);
  let mailer: Mailer | null | undefined;
  const getMailer = () => (mailer === undefined ? (mailer = createMailer(config)) : mailer);
  const timeoutMs = config.outbound.timeoutMs;
  const claimSeconds = options.claimSeconds ?? claimSecondsFor(timeoutMs);
  const concurrency = options.concurrency ?? SEND_CONCURRENCY;
  const perHost = options.perHost ?? SEND_PER_HOST;
  const budgetMs = options.budgetMs ?? PUMP_BUDGET_MS;
  // Which host each webhook and Slack recipient seen so far goes to (to leave saturated hosts out of a claim).
  const webhookHosts = new Map<string, string>();
  const recipientHosts = new Map<string, string>();
  let round = 0;

  async function claim(limit: number, full: ReadonlySet<string>, email: boolean): Promise<Item[]> {
    const excludeWebhookIds = [...webhookHosts].filter(([, h]) => full.has(h)).map(([id]) => id);
    const excludeRecipients = [...recipientHosts].filter(([, h]) => full.has(h)).map(([r]) => r);
    const withEmail = email && !full.has(SMTP_HOST);
    // Messages get at most half of a round (alternately rounded up and down), deliveries the rest,
    // and messages the rest of that if deliveries left some: neither kind starves the other.
    const share = round++ % 2 === 0 ? Math.ceil(limit / 2) : Math.floor(limit / 2);
    const first = share > 0 ? await claimMessages(database, share, { email: withEmail, claimSeconds, excludeRecipients }) : [];
    const deliveries = await claimDeliveries(database, limit - first.length, { claimSeconds, excludeWebhookIds });
    const spare = limit - first.length - deliveries.length;
    const more = spare > 0 && (share === 0 || first.length === share)
      ? await claimMessages(database, spare, { email: withEmail, claimSeconds, excludeRecipients }) : [];
    const items: Item[] = [];
    for (const m of [...first, ...more]) {
      const host = m.channel === 'email' ? SMTP_HOST : hostOf(m.recipient);
      if (m.channel === 'slack') recipientHosts.set(m.recipient, host);
      items.push({ kind: 'message', m, host });
    }
    for (const d of deliveries) {
      const host = hostOf(d.url);
      webhookHosts.set(d.webhookId, host);
      items.push({ kind: 'delivery', d, host });
    }
    return items;
  }

  async function send(item: Item, mail: Mailer | null): Promise<boolean> {
    const allow = await allowNow();
    if (item.kind === 'message') return attemptMessage(database, item.m, { mailer: mail, allow, timeoutMs, ...(options.messageFinished ? { finished: options.messageFinished } : {}) });
    return (await attemptDelivery(database, item.d, { allow, timeoutMs })).ok;
  }

  async function renew(items: Item[]) {
    const messages = items.filter((i) => i.kind === 'message').map(heldRow);
    const deliveries = items.filter((i) => i.kind === 'delivery').map(heldRow);
    await Promise.all([renewMessageClaims(database, messages, claimSeconds), renewDeliveryClaims(database, deliveries, claimSeconds)]);
  }

  async function release(items: Item[]) {
    const messages = items.filter((i) => i.kind === 'message').map(heldRow);
    const deliveries = items.filter((i) => i.kind === 'delivery').map(heldRow);
    await Promise.all([releaseMessages(database, messages), releaseDeliveries(database, deliveries)]);
  }

  let pool: SendPool | null = null;
  /** A pump is sweeping before its pool starts (it will claim everything due then). */
  let starting = false;

  async function pumpPool(): Promise<{ sent: number; failed: number }> {
    starting = true;
    const mail = getMailer();
    const email = mail !== null;
    try {
      await sweepMessages(database, { email });
      await sweepExhaustedDeliveries(database);
    } finally {
      starting = false;
    }
    webhookHosts.clear();
    recipientHosts.clear();
    pool = startSendPool<Item>({
      concurrency, perHost, budgetMs,
      pollMs: options.pollMs ?? POLL_MS,
      renewEveryMs: (claimSeconds * 1000) / 3,
      hostOf: (i) => i.host,
      claim: (limit, full) => claim(limit, full, email),
      send: (i) => send(i, mail),
      renew,
      release,
    });
    try {
      const r = await pool.done;
      return { sent: r.sent, failed: r.failed };
    } finally {
      pool = null;
    }
  }

  /** The pump before the send pool: batches of ten, each waiting for its slowest send (see OutboxOptions.legacy). */
  async function pumpBatches(): Promise<{ sent: number; failed: number }> {
    const mail = getMailer();
    const email = mail !== null;
    await sweepMessages(database, { email });
    await sweepExhaustedDeliveries(database);
    const started = Date.now();
    let sent = 0;
    let failed = 0;
    while (Date.now() - started < budgetMs) {
      const messages = await claimMessages(database, BATCH, { email, claimSeconds });
      const deliveries = await claimDeliveries(database, BATCH, { claimSeconds });
      if (messages.length === 0 && deliveries.length === 0) break;
      const allow = await allowlist.current();
      const deps = { mailer: mail, allow, timeoutMs, ...(options.messageFinished ? { finished: options.messageFinished } : {}) };
      const results = await Promise.all([
        ...messages.map((m) => attemptMessage(database, m, deps)),
        ...deliveries.map(async (d) => (await attemptDelivery(database, d, { allow, timeoutMs })).ok),
      ]);
      for (const ok of results) {
        if (ok) sent++;
        else failed++;
      }
    }
    return { sent, failed };
  }

  // Pumps in one process run one after another; across processes SKIP LOCKED keeps them apart.
  // With the pool, a pump asked for while one is running and still claiming joins it (the running
  // one looks for due rows every POLL_MS); otherwise one more pump follows the running one.
  let chain: Promise<unknown> = Promise.resolve();
  let current: Promise<{ sent: number; failed: number }> | null = null;
  let following: Promise<{ sent: number; failed: number }> | null = null;
  const pump = (opts?: { coalesce?: boolean }): Promise<{ sent: number; failed: number }> => {
    if (options.legacy) {
      const run = chain.then(pumpBatches);
      chain = run.catch(() => undefined);
      return run;
    }
    if (current && (starting || pool?.claiming())) {
      pool?.kick();
      // The job handler returns at once: the running pump covers it (and its own job awaits it).
      return opts?.coalesce ? Promise.resolve({ sent: 0, failed: 0 }) : current;
    }
    if (current) return (following ??= chain.then(startRun));
    return startRun();
  };
  function startRun() {
    following = null;
    const run = pumpPool();
    current = run;
    chain = run.catch(() => undefined).finally(() => {
      if (current === run) current = null;
    });
    return run;
  }

  return {
    allowlist,
    pump,
    async wake() {
      if (!options.legacy && current && (starting || pool?.claiming())) {
        // A pump runs here and still claims: it takes the new rows within POLL_MS (sooner: now).
        pool?.kick();
        return;
      }
      if (!jobs) {
        await pump();
        return;
      }
      try {
        await jobs.sendDebounced(OUTBOX_JOB, {}, 1, 'outbox');
      } catch {
        // Best effort: the every-minute cron picks up whatever a lost wake-up leaves behind.
      }
    },
    async deliverNow(deliveryId) {
      const [d] = await claimDeliveries(database, 1, { onlyId: deliveryId, claimSeconds });
      if (!d) return null;
      const r = await attemptDelivery(database, d, { allow: await allowNow(), timeoutMs });
      return { ok: r.ok, status: r.status, error: r.error };
    },
  };
}
