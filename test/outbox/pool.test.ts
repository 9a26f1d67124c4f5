import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import type { Database } from '../../src/db/connect.js';
import { createOutbox, SEND_PER_HOST } from '../../src/notifications/outbox.js';
import { claimDeliveries, claimSecondsFor } from '../../src/webhooks/deliver.js';
import { emitEvent, type WebhookEventType } from '../../src/webhooks/emit.js';
import { createTestDatabase } from '../support/db.js';

/** A receiver that answers after `delayMs`, counting the requests it holds at once and noting when it first answered. */
async function receiver(delayMs: number) {
  const got: { id: string; at: number }[] = [];
  let open = 0;
  let maxOpen = 0;
  let firstAnswerAt = Infinity;
  const server = http.createServer((req, res) => {
    open++;
    maxOpen = Math.max(maxOpen, open);
    req.resume();
    req.on('end', () => {
      got.push({ id: String(req.headers['canopy-delivery']), at: Date.now() });
      setTimeout(() => {
        firstAnswerAt = Math.min(firstAnswerAt, Date.now());
        res.writeHead(200).end('ok');
        open--;
      }, delayMs);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    got,
    maxOpen: () => maxOpen,
    firstAnswerAt: () => firstAnswerAt,
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}
type Receiver = Awaited<ReturnType<typeof receiver>>;

let database: Database;
let drop: () => Promise<void>;
let slow: Receiver;
let fast: Receiver;
const config = loadConfig({ LOG_LEVEL: 'silent', CANOPY_OUTBOUND_ALLOW: '127.0.0.1', CANOPY_OUTBOUND_TIMEOUT_MS: '10000' });

beforeAll(async () => {
  ({ database, drop } = await createTestDatabase());
  [slow, fast] = await Promise.all([receiver(1500), receiver(0)]);
});
afterAll(async () => {
  await Promise.all([slow.close(), fast.close()]);
  await drop();
});

async function webhook(url: string, event: WebhookEventType): Promise<string> {
  const { rows } = await database.query<{ id: string }>(
    `INSERT INTO webhooks (name, url, secret, events) VALUES ('test', $1, 'whsec_test', ARRAY[$2]) RETURNING id`, [url, event]);
  return rows[0]?.id ?? '';
}
const emit = (type: WebhookEventType, i: number) => database.transaction((tx) => emitEvent(tx, { type, accountId: null, data: { i } }));
const rowsOf = async (webhookId: string) =>
  (await database.query<{ id: string; status: string; attempts: number }>(`SELECT id, status, attempts FROM webhook_deliveries WHERE webhook_id = $1`, [webhookId])).rows;
/** Seconds from the database's now() until the delivery's next_attempt_at. */
const claimLeft = async (id: string) =>
  (await database.query<{ s: number }>(`SELECT extract(epoch FROM next_attempt_at - now())::float8 AS s FROM webhook_deliveries WHERE id = $1`, [id])).rows[0]?.s ?? NaN;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

describe('outbox send pool on a real database', () => {
  it('a slow receiver does not hold a fast one; per-host concurrency holds; everything is delivered exactly once', async () => {
    // A receiver of its own, slower than `slow`: the claim below is about order (fast before the
    // first slow answer), and 4 s leaves room for a loaded CI machine (20 fast sends took up to 1.6 s there).
    const slower = await receiver(4000);
    const slowHook = await webhook(slower.url, 'task.created');
    const fastHook = await webhook(fast.url, 'rule.fired');
    // The slow receiver's deliveries are the oldest: first in line for every claim (16: 8 slow, 4 of them wait).
    for (let i = 0; i < 8; i++) await emit('task.created', i);
    for (let i = 0; i < 20; i++) await emit('rule.fired', i);
    const outbox = createOutbox(config, database, null);
    const pumping = outbox.pump();
    try {
      await expect.poll(() => fast.got.length, { timeout: 10_000, interval: 20 }).toBe(20);
      // Held behind nothing: every fast delivery arrived before the first slow answer came back.
      expect(Math.max(...fast.got.map((g) => g.at))).toBeLessThan(slower.firstAnswerAt());
      expect((await rowsOf(slowHook)).filter((r) => r.status === 'succeeded')).toHaveLength(0);
      expect(slower.got.length).toBeLessThanOrEqual(SEND_PER_HOST);

      expect(await pumping).toEqual({ sent: 28, failed: 0 });
      expect(slower.maxOpen()).toBe(SEND_PER_HOST);
      for (const [hook, rx, n] of [[slowHook, slower, 8], [fastHook, fast, 20]] as const) {
        const rows = await rowsOf(hook);
        expect(rows).toHaveLength(n);
        expect(rows.every((r) => r.status === 'succeeded' && r.attempts === 1)).toBe(true);
        expect(rx.got.map((g) => g.id).sort()).toEqual(rows.map((r) => r.id).sort());
      }
    } finally {
      // A failed check above must not leave this pump claiming the next tests' rows.
      await pumping.catch(() => undefined);
      await database.query(`DELETE FROM webhooks WHERE url = $1`, [slower.url]);
      await slower.close();
    }
  });

  it('a live pump renews its claim while a send is slow; nobody else sends the row meanwhile', async () => {
    slow.got.length = 0;
    const hook = await webhook(slow.url, 'task.completed');
    await emit('task.completed', 1);
    const [row] = await rowsOf(hook);
    const id = row?.id ?? '';
    // A 1.2 s claim renewed every 0.4 s, against a receiver that answers after 1.5 s.
    const outbox = createOutbox(config, database, null, { claimSeconds: 1.2 });
    const pumping = outbox.pump();
    await expect.poll(() => slow.got.length, { timeout: 2000, interval: 10 }).toBe(1);
    const first = await claimLeft(id);
    expect(first).toBeGreaterThan(0.5);
    await sleep(1300);
    // The first claim would have lapsed by now; the renewed one has not.
    expect(await claimLeft(id)).toBeGreaterThan(0);
    const other = createOutbox(config, database, null);
    expect(await other.pump()).toEqual({ sent: 0, failed: 0 });
    expect(await pumping).toEqual({ sent: 1, failed: 0 });
    expect(slow.got.map((g) => g.id)).toEqual([id]);
    expect(await rowsOf(hook)).toEqual([{ id, status: 'succeeded', attempts: 1 }]);
  });

  it("a dead worker's claim lapses after the short window; the retry carries the same canopy-delivery id", async () => {
    fast.got.length = 0;
    const hook = await webhook(fast.url, 'task.completed');
    await database.query(`DELETE FROM webhooks WHERE url = $1`, [slow.url]);
    await emit('task.completed', 2);
    // The default window: a minute (two request timeouts would be 20 s).
    expect(claimSecondsFor(10_000)).toBe(60);
    expect(claimSecondsFor(45_000)).toBe(90);
    const [claimed] = await claimDeliveries(database, 10, { claimSeconds: 1 });
    expect(claimed?.webhookId).toBe(hook);
    // The worker that claimed it dies (it never sends, never renews): nobody sends it during the claim.
    const outbox = createOutbox(config, database, null, { claimSeconds: 1 });
    expect(await outbox.pump()).toEqual({ sent: 0, failed: 0 });
    await sleep(1100);
    expect(await outbox.pump()).toEqual({ sent: 1, failed: 0 });
    expect(fast.got.map((g) => g.id)).toEqual([claimed?.id]);
    expect(await rowsOf(hook)).toEqual([{ id: claimed?.id, status: 'succeeded', attempts: 2 }]);

    // Without an option the claim is the minute.
    await emit('task.completed', 3);
    const [next] = await claimDeliveries(database, 10, {});
    expect(await claimLeft(next?.id ?? '')).toBeGreaterThan(58);
    expect(await claimLeft(next?.id ?? '')).toBeLessThanOrEqual(60);
  });
});
