import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AllowList, OutboundRefusedError } from '../../src/outbound/address.js';
import { describeOutboundError, safeRequest } from '../../src/outbound/request.js';
import { createOutbox, SEND_PER_HOST } from '../../src/notifications/outbox.js';
import { emitEvent } from '../../src/webhooks/emit.js';
import { createTestApp, type SignedIn, type TestApp } from '../support/app.js';
import { startReceiver, type Receiver } from './outbound-support.js';

let rx: Receiver;
let t: TestApp;
let admin: SignedIn;
let manager: SignedIn;
let viewer: SignedIn;

beforeAll(async () => {
  rx = await startReceiver();
  rx.respond((r) => {
    if (r.path === '/redirect') return { status: 302, headers: { location: rx.url('/target') } };
    if (r.path === '/slow') return 'hang';
    return { status: 200, body: `ok ${r.method}` };
  });
  t = await createTestApp();
  admin = await t.signIn('admin');
  manager = await t.signIn('manager');
  viewer = await t.signIn('viewer');
});
afterAll(async () => {
  await t.close();
  await rx.close();
});

const refusal = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (err) {
    if (err instanceof OutboundRefusedError) return err.reason;
    throw err;
  }
  return null;
};

describe('safeRequest', () => {
  const opts = { timeoutMs: 2000, allow: AllowList.empty };

  it('refuses loopback, private, metadata, IPv6 and numeric forms without sending anything', async () => {
    const before = rx.received.length;
    const cases: [string, string][] = [
      [rx.url('/'), 'loopback'],
      [`http://10.0.0.1:${rx.port}/`, 'private'],
      ['http://169.254.169.254/latest/meta-data/', 'link_local'],
      [`http://[::1]:${rx.port}/`, 'loopback'],
      [`http://[::ffff:127.0.0.1]:${rx.port}/`, 'loopback'],
      [`http://2130706433:${rx.port}/`, 'loopback'],
      [`http://0x7f000001:${rx.port}/`, 'loopback'],
      [`http://0177.0.0.1:${rx.port}/`, 'loopback'],
    ];
    for (const [url, reason] of cases) expect(await refusal(safeRequest(url, opts)), url).toBe(reason);
    expect(rx.received.length).toBe(before);
  });

  it('refuses a host name that resolves to loopback (checked after DNS, at connect)', async () => {
    const before = rx.received.length;
    const reason = await refusal(safeRequest(`http://localhost:${rx.port}/`, opts));
    expect(reason).toBe('loopback');
    expect(rx.received.length).toBe(before);
  });

  it('reaches an allow-listed address, host or range', async () => {
    const byAddress = await safeRequest(rx.url('/'), { ...opts, allow: new AllowList(['127.0.0.1']) });
    expect(byAddress).toMatchObject({ status: 200, ok: true, body: 'ok GET' });
    const byHost = await safeRequest(`http://localhost:${rx.port}/`, { ...opts, allow: new AllowList(['localhost']) });
    expect(byHost.ok).toBe(true);
    const byRange = await safeRequest(rx.url('/'), { ...opts, method: 'POST', body: '{}', allow: new AllowList(['127.0.0.0/8']) });
    expect(byRange).toMatchObject({ ok: true, body: 'ok POST' });
  });

  it('does not follow a redirect: a 3xx is a failure', async () => {
    const targetHits = () => rx.received.filter((r) => r.path === '/target').length;
    const res = await safeRequest(rx.url('/redirect'), { ...opts, allow: new AllowList(['127.0.0.1']) });
    expect(res).toMatchObject({ status: 302, ok: false, location: rx.url('/target') });
    expect(targetHits()).toBe(0);
  });

  it('times out', async () => {
    const started = Date.now();
    const err = await safeRequest(rx.url('/slow'), { timeoutMs: 300, allow: new AllowList(['127.0.0.1']) }).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(describeOutboundError(err, 300)).toBe('timed out after 300 ms');
  });
});

describe('outbound allow-list API', () => {
  const list = (who: SignedIn) => t.app.inject({ method: 'GET', url: '/api/settings/outbound-allowlist', headers: who.headers });

  it('admins add and remove entries (normalised, audited); managers read; viewers cannot', async () => {
    const add = await t.app.inject({ method: 'POST', url: '/api/settings/outbound-allowlist', headers: admin.headers, payload: { entry: '10.1.2.3/16', note: 'VPN hooks' } });
    expect(add.statusCode).toBe(201);
    expect(add.json()).toMatchObject({ entry: '10.1.0.0/16', note: 'VPN hooks', source: 'admin', createdByName: 'Test admin' });
    expect((await list(manager)).json().items).toEqual(expect.arrayContaining([expect.objectContaining({ entry: '10.1.0.0/16' })]));
    expect((await list(viewer)).statusCode).toBe(403);
    const viewerAdd = await t.app.inject({ method: 'POST', url: '/api/settings/outbound-allowlist', headers: viewer.headers, payload: { entry: 'example.com' } });
    expect(viewerAdd.statusCode).toBe(403);
    const managerAdd = await t.app.inject({ method: 'POST', url: '/api/settings/outbound-allowlist', headers: manager.headers, payload: { entry: 'example.com' } });
    expect(managerAdd.statusCode).toBe(403);

    const bad = await t.app.inject({ method: 'POST', url: '/api/settings/outbound-allowlist', headers: admin.headers, payload: { entry: 'http://x' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'outbound.allowlist_invalid', fields: [{ path: 'entry' }] });

    const del = await t.app.inject({ method: 'DELETE', url: `/api/settings/outbound-allowlist/${encodeURIComponent('10.1.0.0/16')}`, headers: admin.headers });
    expect(del.statusCode).toBe(204);
    const again = await t.app.inject({ method: 'DELETE', url: `/api/settings/outbound-allowlist/${encodeURIComponent('10.1.0.0/16')}`, headers: admin.headers });
    expect(again.statusCode).toBe(404);
    const { rows } = await t.database.query<{ action: string }>(`SELECT action FROM audit_log WHERE object_type = 'outbound_allowlist' ORDER BY id`);
    expect(rows.map((r) => r.action)).toEqual(['outbound_allowlist.add', 'outbound_allowlist.remove']);
  });

  it('an entry takes effect at the next check: a refused URL becomes savable', async () => {
    const create = () => t.app.inject({ method: 'POST', url: '/api/webhooks', headers: admin.headers, payload: { name: 'local', url: rx.url(), events: ['task.created'] } });
    const refused = await create();
    expect(refused.statusCode).toBe(400);
    expect(refused.json()).toMatchObject({ code: 'outbound.refused', fields: [{ path: 'url' }] });
    await t.app.inject({ method: 'POST', url: '/api/settings/outbound-allowlist', headers: admin.headers, payload: { entry: '127.0.0.1' } });
    expect((await create()).statusCode).toBe(201);
  });
});

describe('removing an allow-list entry', () => {
  /** A loopback receiver that holds every request until release(): a batch stays in flight while the test edits the list. */
  async function gatedReceiver() {
    let open: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (open = resolve));
    let hits = 0;
    const server = http.createServer((req, res) => {
      hits++;
      req.resume();
      void gate.then(() => res.end('ok'));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    return {
      url: `http://127.0.0.1:${port}/gated`,
      hits: () => hits,
      release: open,
      close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
    };
  }
  const allowApi = (method: 'POST' | 'DELETE', entry: string) =>
    t.app.inject({ method, url: `/api/settings/outbound-allowlist${method === 'DELETE' ? `/${encodeURIComponent(entry)}` : ''}`, headers: admin.headers, ...(method === 'POST' ? { payload: { entry } } : {}) });

  it('refuses the next delivery at once, even inside a pump that is already running', async () => {
    const gated = await gatedReceiver();
    try {
      expect((await allowApi('POST', '127.0.0.1')).statusCode).toBe(201);
      // Only this webhook hears rule.fired, so every rule.fired delivery below is ours.
      const created = await t.app.inject({ method: 'POST', url: '/api/webhooks', headers: admin.headers, payload: { name: 'gated', url: gated.url, events: ['rule.fired'] } });
      expect(created.statusCode, created.body).toBe(201);
      const webhookId = (created.json() as { webhook: { id: string } }).webhook.id;
      // More events than one host may have in flight (SEND_PER_HOST = 4): the rest wait for a slot.
      for (let i = 0; i < 11; i++) await t.database.transaction((tx) => emitEvent(tx, { type: 'rule.fired', accountId: null, data: { i } }));

      // A worker of its own, sharing nothing with the API but the database (as with `canopy worker`
      // next to `start --no-worker` on PostgreSQL): the removal must reach it through the database.
      const worker = createOutbox(t.config, t.database, null);
      const pumping = worker.pump();
      await expect.poll(() => gated.hits(), { timeout: 5000 }).toBe(SEND_PER_HOST);
      // The first sends are in flight and were allowed; the entry goes away before the next ones,
      // which were already claimed (waiting in the pump for the host's slot) and are refused.
      expect((await allowApi('DELETE', '127.0.0.1')).statusCode).toBe(204);
      gated.release();
      expect(await pumping).toEqual({ sent: SEND_PER_HOST, failed: 11 - SEND_PER_HOST });

      expect(gated.hits()).toBe(SEND_PER_HOST);
      const { rows } = await t.database.query<{ status: string; last_error: string | null }>(
        `SELECT status, last_error FROM webhook_deliveries WHERE webhook_id = $1 AND status <> 'succeeded'`, [webhookId]);
      expect(rows).toHaveLength(11 - SEND_PER_HOST);
      for (const r of rows) expect(r.last_error).toMatch(/loopback/);
    } finally {
      gated.release();
      await gated.close();
    }
  });
});
