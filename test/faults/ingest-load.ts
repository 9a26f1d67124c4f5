import { rand, sleep } from './proc.js';

/**
 * Segment clients that behave the way the SDKs promise to: every batch has fixed messageIds, and
 * the identical body is sent again until the server answers 200 (connection errors, timeouts and
 * 5xx are retried with capped exponential backoff). What each client saw is counted, so that the
 * scenarios can hold the database to what the server acknowledged.
 */

export type IngestStats = {
  requests: number;
  batches: number;
  ok: number;
  status503: number;
  status500: number;
  /** Statuses other than 200/503/500 (a 4xx here means the harness or the server is wrong). */
  otherStatus: Map<number, number>;
  connErrors: number;
  timeouts: number;
  sentIds: Set<string>;
  ackedIds: Set<string>;
  /** Events a 200 listed as rejected: these batches are valid, so any is a violation. */
  rejectedIds: Set<string>;
  /** Batches given up on: a non-retryable answer, or still unacknowledged at the final deadline. */
  abandoned: { reason: string; ids: string[] }[];
  samples: string[];
};

export type LoadOptions = {
  /** Servers to spread requests over (round robin per request). */
  urls: string[];
  writeKey: string;
  /** Prefix of every messageId; unique per scenario. */
  prefix: string;
  clients: number;
  eventsPerBatch: number;
  /** Group ids the track events name (accounts created by group calls in the same batches). */
  groups?: string[];
};

const REQUEST_TIMEOUT_MS = 20_000;

export class IngestLoad {
  readonly stats: IngestStats = {
    requests: 0, batches: 0, ok: 0, status503: 0, status500: 0, otherStatus: new Map(), connErrors: 0, timeouts: 0,
    sentIds: new Set(), ackedIds: new Set(), rejectedIds: new Set(), abandoned: [], samples: [],
  };
  private stopping = false;
  private giveUpAt = Number.POSITIVE_INFINITY;
  private running: Promise<void>[] = [];
  private rr = 0;

  constructor(private readonly opts: LoadOptions) {}

  start() {
    for (let c = 0; c < this.opts.clients; c++) this.running.push(this.client(c));
  }

  /**
   * No new batches after this; batches in flight keep retrying until acknowledged or until
   * `deadlineMs` has passed (then they count as abandoned, which the scenarios report as a violation).
   */
  async stop(deadlineMs = 90_000) {
    this.stopping = true;
    this.giveUpAt = Date.now() + deadlineMs;
    await Promise.all(this.running);
  }

  private async client(c: number) {
    const groups = this.opts.groups ?? [`${this.opts.prefix}-acct-${c}`];
    for (let n = 0; !this.stopping; n++) {
      const ids: string[] = [];
      const now = new Date().toISOString();
      const groupId = groups[(c + n) % groups.length] ?? 'none';
      const batch: Record<string, unknown>[] = [];
      const add = (m: Record<string, unknown>) => {
        const messageId = `${this.opts.prefix}-c${c}-b${n}-${batch.length}`;
        ids.push(messageId);
        batch.push({ ...m, messageId, timestamp: now });
      };
      add({ type: 'group', userId: `${this.opts.prefix}-u${c}`, groupId, traits: { name: `Fault ${groupId}`, seats: 10 } });
      for (let i = 1; i < this.opts.eventsPerBatch; i++) {
        add({ type: 'track', userId: `${this.opts.prefix}-u${c}-${i % 3}`, event: `Fault Event ${i % 4}`, properties: { n, i }, context: { groupId } });
      }
      // One body, built once: every retry sends these exact bytes.
      const body = JSON.stringify({ batch, sentAt: now });
      for (const id of ids) this.stats.sentIds.add(id);
      this.stats.batches++;
      await this.sendUntilAcked(body, ids);
    }
  }

  /** Sends one body until it is acknowledged (or given up on, see stop()). Also used to seed accounts. */
  async sendUntilAcked(body: string, ids: string[]) {
    const auth = `Basic ${Buffer.from(`${this.opts.writeKey}:`).toString('base64')}`;
    for (let attempt = 0; ; attempt++) {
      if (Date.now() > this.giveUpAt) {
        this.stats.abandoned.push({ reason: 'not acknowledged before the final deadline', ids });
        return;
      }
      const url = this.opts.urls[this.rr++ % this.opts.urls.length] ?? '';
      this.stats.requests++;
      try {
        const res = await fetch(`${url}/v1/batch`, {
          method: 'POST', headers: { authorization: auth, 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        });
        const text = await res.text();
        if (res.status === 200) {
          // Each event is decided on its own: a 200 acknowledges the events it does not list as rejected.
          const rejected = new Set(((JSON.parse(text) as { rejected?: { index: number }[] }).rejected ?? []).map((r) => r.index));
          ids.forEach((id, i) => (rejected.has(i) ? this.stats.rejectedIds.add(id) : this.stats.ackedIds.add(id)));
          if (rejected.size) this.sample(`200 rejecting ${rejected.size} events: ${text.slice(0, 300)}`);
          this.stats.ok++;
          return;
        }
        if (res.status === 503) this.stats.status503++;
        else if (res.status === 500) {
          this.stats.status500++;
          this.sample(`500 from ${url}: ${text.slice(0, 300)}`);
        } else {
          this.stats.otherStatus.set(res.status, (this.stats.otherStatus.get(res.status) ?? 0) + 1);
          this.sample(`${res.status} from ${url}: ${text.slice(0, 300)}`);
          if (res.status < 500) {
            // A 4xx for a body that is valid is a bug, and sending it again would not change the answer.
            this.stats.abandoned.push({ reason: `HTTP ${res.status}`, ids });
            return;
          }
        }
      } catch (err) {
        const e = err as Error & { cause?: { code?: string } };
        if (e.name === 'TimeoutError') this.stats.timeouts++;
        else this.stats.connErrors++;
      }
      await sleep(Math.min(1000, 50 * 2 ** Math.min(attempt, 5)) * rand(0.5, 1.5));
    }
  }

  private sample(s: string) {
    if (this.stats.samples.length < 5) this.stats.samples.push(s);
  }
}
