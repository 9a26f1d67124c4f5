import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, unique, type SignedIn, type TestApp } from '../support/app.js';
import { emitEvent } from '../../src/webhooks/emit.js';
import { verifySignature } from '../../src/webhooks/signature.js';
import { claimDeliveries } from '../../src/webhooks/deliver.js';
import { createOutbox } from '../../src/notifications/outbox.js';
import type { DeliveryDto, WebhookDto } from '../../src/webhooks/schema.js';
import { startReceiver, type Receiver } from './outbound-support.js';

let rx: Receiver;
let t: TestApp;
let admin: SignedIn;
let manager: SignedIn;
let csm: SignedIn;
let viewer: SignedIn;

beforeAll(async () => {
  rx = await startReceiver();
  t = await createTestApp({ CANOPY_OUTBOUND_ALLOW: '127.0.0.1', CANOPY_OUTBOUND_TIMEOUT_MS: '2000' });
  [admin, manager, csm, viewer] = await Promise.all([t.signIn('admin'), t.signIn('manager'), t.signIn('csm'), t.signIn('viewer')]);
});
afterAll(async () => {
  await t.close();
  await rx.close();
});
beforeEach(() => rx.respond(() => ({ status: 200, body: 'ok' })));

const api = (who: SignedIn, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) =>
  t.app.inject({ method, url, headers: who.headers, ...(payload ? { payload } : {}) });

async function createWebhook(input: Partial<{ events: string[]; maxAttempts: number; path: string }> = {}) {
  const res = await api(admin, 'POST', '/api/webhooks', { name: unique('hook'), url: rx.url(input.path ?? `/${unique('h')}`), events: input.events ?? ['task.created'], ...(input.maxAttempts ? { maxAttempts: input.maxAttempts } : {}) });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { webhook: WebhookDto; secret: string };
}
const emit = (type: 'task.created' | 'rule.fired', data: Record<string, unknown> = {}) =>
  t.database.transaction((tx) => emitEvent(tx, { type, accountId: null, data }));
const deliveries = async (webhookId: string, query = '') =>
  (await api(admin, 'GET', `/api/webhooks/${webhookId}/deliveries${query}`)).json() as { items: DeliveryDto[]; nextCursor: string | null };
const makeDue = () => t.database.query(`UPDATE webhook_deliveries SET next_attempt_at = now() WHERE status = 'pending'`);
const hitsOn = (path: string) => rx.received.filter((r) => r.path === path);

describe('webhook administration', () => {
  it('admins create (secret shown once, never logged), managers read, csm and viewers cannot write', async () => {
    const { webhook, secret } = await createWebhook({ events: ['task.created', 'task.created', 'rule.fired'] });
    expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(webhook).toMatchObject({ events: ['task.created', 'rule.fired'], enabled: true, maxAttempts: 6, createdByName: 'Test admin', pending: 0, dead: 0 });
    const one = await api(manager, 'GET', `/api/webhooks/${webhook.id}`);
    expect(one.statusCode).toBe(200);
    expect(one.body).not.toContain(secret);
    expect((await api(manager, 'GET', '/api/webhooks')).body).not.toContain(secret);
    const { rows } = await t.database.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_log WHERE changes::text LIKE $1`, [`%${secret}%`]);
    expect(rows[0]?.n).toBe(0);

    expect((await api(csm, 'POST', '/api/webhooks', { name: 'x', url: rx.url(), events: ['task.created'] })).statusCode).toBe(403);
    expect((await api(manager, 'POST', '/api/webhooks', { name: 'x', url: rx.url(), events: ['task.created'] })).statusCode).toBe(403);
    expect((await api(csm, 'GET', '/api/webhooks')).statusCode).toBe(403);
    expect((await api(viewer, 'GET', `/api/webhooks/${webhook.id}/deliveries`)).statusCode).toBe(403);
    expect((await api(manager, 'PATCH', `/api/webhooks/${webhook.id}`, { enabled: false })).statusCode).toBe(403);
    expect((await api(manager, 'POST', `/api/webhooks/${webhook.id}/rotate-secret`)).statusCode).toBe(403);
  });

  it('rejects invalid webhooks with field errors', async () => {
    const res = await api(admin, 'POST', '/api/webhooks', { name: '', url: 'ftp://example.com/x', events: [], maxAttempts: 21 });
    expect(res.statusCode).toBe(400);
    const body = res.json() as { code: string; fields: { path: string }[] };
    expect(body.code).toBe('webhook.invalid');
    expect(body.fields.map((f) => f.path).sort()).toEqual(['events', 'maxAttempts', 'name', 'url']);
    const unknownEvent = await api(admin, 'POST', '/api/webhooks', { name: 'x', url: 'https://hooks.example.com/', events: ['task.created', 'account.deleted'] });
    expect(unknownEvent.json()).toMatchObject({ code: 'webhook.invalid', fields: [{ path: 'events.1' }] });
    const userinfo = await api(admin, 'POST', '/api/webhooks', { name: 'x', url: 'https://u:p@hooks.example.com/', events: ['task.created'] });
    expect(userinfo.json()).toMatchObject({ code: 'webhook.invalid', fields: [{ path: 'url' }] });
    const metadata = await api(admin, 'POST', '/api/webhooks', { name: 'x', url: 'http://169.254.169.254/latest', events: ['task.created'] });
    expect(metadata.json()).toMatchObject({ code: 'outbound.refused', fields: [{ path: 'url' }] });
    const { webhook } = await createWebhook();
    const patch = await api(admin, 'PATCH', `/api/webhooks/${webhook.id}`, { maxAttempts: 0 });
    expect(patch.json()).toMatchObject({ code: 'webhook.invalid', fields: [{ path: 'maxAttempts' }] });
    const patchUrl = await api(admin, 'PATCH', `/api/webhooks/${webhook.id}`, { url: 'http://[::ffff:10.0.0.1]/' });
    expect(patchUrl.json()).toMatchObject({ code: 'outbound.refused' });
  });

  it('edits, rotates the secret, deletes; every write audited', async () => {
    const { webhook, secret } = await createWebhook();
    const patched = await api(admin, 'PATCH', `/api/webhooks/${webhook.id}`, { events: ['rule.fired'], maxAttempts: 3, enabled: false });
    expect(patched.json()).toMatchObject({ events: ['rule.fired'], maxAttempts: 3, enabled: false });
    const rotated = await api(admin, 'POST', `/api/webhooks/${webhook.id}/rotate-secret`);
    const next = (rotated.json() as { secret: string }).secret;
    expect(next).not.toBe(secret);
    // The ping goes out although the webhook is disabled, signed with the new secret.
    const ping = await api(admin, 'POST', `/api/webhooks/${webhook.id}/test`);
    expect(ping.json()).toMatchObject({ eventType: 'ping', status: 'succeeded', attempts: 1, lastStatus: 200 });
    const got = rx.received[rx.received.length - 1];
    expect(verifySignature(next, String(got?.headers['canopy-signature']), got?.body ?? '')).toBe(true);
    expect(verifySignature(secret, String(got?.headers['canopy-signature']), got?.body ?? '')).toBe(false);
    expect((await api(admin, 'DELETE', `/api/webhooks/${webhook.id}`)).statusCode).toBe(204);
    expect((await api(admin, 'GET', `/api/webhooks/${webhook.id}`)).statusCode).toBe(404);
    const { rows } = await t.database.query<{ action: string; changes: string }>(
      `SELECT action, coalesce(changes::text, '') AS changes FROM audit_log WHERE object_id = $1 ORDER BY id`, [webhook.id]);
    expect(rows.map((r) => r.action)).toEqual(['webhook.create', 'webhook.update', 'webhook.rotate_secret', 'webhook.test', 'webhook.delete']);
    expect(rows.map((r) => r.changes).join(' ')).not.toMatch(/whsec_/);
  });
});

describe('delivery', () => {
  it('POSTs the payload, signed, with the event and delivery headers; only to subscribers', async () => {
    const { webhook, secret } = await createWebhook({ events: ['task.created'] });
    await emit('rule.fired', { x: 1 });
    await emit('task.created', { taskId: 't1' });
    await t.app.services.outbox.pump();
    const { items } = await deliveries(webhook.id);
    expect(items).toHaveLength(1);
    const [d] = items;
    expect(d).toMatchObject({ eventType: 'task.created', status: 'succeeded', attempts: 1, lastStatus: 200, lastError: null, nextAttemptAt: null });
    const got = rx.received.find((r) => r.headers['canopy-delivery'] === d?.id);
    expect(got?.method).toBe('POST');
    expect(got?.headers).toMatchObject({ 'content-type': 'application/json', 'user-agent': 'Canopy-Webhooks/1', 'canopy-event': 'task.created' });
    expect(verifySignature(secret, String(got?.headers['canopy-signature']), got?.body ?? '')).toBe(true);
    expect(JSON.parse(got?.body ?? '{}')).toMatchObject({ type: 'task.created', data: { taskId: 't1' }, id: d?.eventId });
  });

  it('retries with growing backoff: 500, 500, then 200', async () => {
    const path = `/${unique('retry')}`;
    const { webhook } = await createWebhook({ path });
    rx.respond((r) => (r.path === path && hitsOn(path).length <= 2 ? { status: 500, body: 'boom' } : { status: 200 }));
    await emit('task.created');
    const delays: number[] = [];
    for (let i = 1; i <= 2; i++) {
      if (i > 1) await makeDue();
      await t.app.services.outbox.pump();
      const [d] = (await deliveries(webhook.id)).items;
      expect(d).toMatchObject({ status: 'pending', attempts: i, lastStatus: 500, lastError: 'HTTP 500: boom' });
      delays.push((Date.parse(d?.nextAttemptAt ?? '') - Date.now()) / 1000);
      // Not due yet: another pump sends nothing.
      expect((await t.app.services.outbox.pump()).sent).toBe(0);
      expect(hitsOn(path)).toHaveLength(i);
    }
    expect(delays[0]).toBeGreaterThan(20);
    expect(delays[0]).toBeLessThan(40);
    expect(delays[1]).toBeGreaterThan(45);
    expect(delays[1]).toBeLessThan(75);
    await makeDue();
    await t.app.services.outbox.pump();
    const [d] = (await deliveries(webhook.id)).items;
    expect(d).toMatchObject({ status: 'succeeded', attempts: 3, lastStatus: 200, lastError: null });
    expect(new Set(hitsOn(path).map((r) => r.headers['canopy-delivery']))).toEqual(new Set([d?.id]));
  });

  it('dead-letters after max attempts, shows it in the log, and redelivers on request', async () => {
    const path = `/${unique('dead')}`;
    const { webhook } = await createWebhook({ path, maxAttempts: 2 });
    rx.respond(() => ({ status: 503, body: 'down' }));
    await emit('task.created');
    await t.app.services.outbox.pump();
    await makeDue();
    await t.app.services.outbox.pump();
    await makeDue();
    await t.app.services.outbox.pump();
    expect(hitsOn(path)).toHaveLength(2);
    const dead = await deliveries(webhook.id, '?status=dead');
    expect(dead.items).toHaveLength(1);
    expect(dead.items[0]).toMatchObject({ status: 'dead', attempts: 2, lastStatus: 503, lastError: 'HTTP 503: down', nextAttemptAt: null });
    expect((await deliveries(webhook.id, '?status=succeeded')).items).toHaveLength(0);
    expect((await api(manager, 'GET', `/api/webhooks/${webhook.id}`)).json()).toMatchObject({ dead: 1, pending: 0 });

    rx.respond(() => ({ status: 204 }));
    expect((await api(manager, 'POST', `/api/webhooks/deliveries/${dead.items[0]?.id}/redeliver`)).statusCode).toBe(403);
    const again = await api(admin, 'POST', `/api/webhooks/deliveries/${dead.items[0]?.id}/redeliver`);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ status: 'succeeded', attempts: 1, lastStatus: 204 });
    const twice = await api(admin, 'POST', `/api/webhooks/deliveries/${dead.items[0]?.id}/redeliver`);
    expect(twice.json()).toMatchObject({ code: 'webhook.delivery_not_dead' });
    expect(twice.statusCode).toBe(409);
  });

  it('records a redirect, a refusal and a timeout as failures', async () => {
    const path = `/${unique('redir')}`;
    const { webhook } = await createWebhook({ path, maxAttempts: 1 });
    rx.respond((r) => (r.path === path ? { status: 301, headers: { location: rx.url('/elsewhere') } } : { status: 200 }));
    await emit('task.created');
    await t.app.services.outbox.pump();
    expect((await deliveries(webhook.id)).items[0]).toMatchObject({ status: 'dead', lastStatus: 301 });
    expect((await deliveries(webhook.id)).items[0]?.lastError).toMatch(/redirect to .*\/elsewhere not followed/);
    expect(hitsOn('/elsewhere')).toHaveLength(0);

    // The URL was allowed when saved; an address outside the allow-list is refused at send time.
    await t.database.query(`UPDATE webhooks SET url = 'http://10.0.0.7/hook' WHERE id = $1`, [webhook.id]);
    const ping = (await api(admin, 'POST', `/api/webhooks/${webhook.id}/test`)).json<DeliveryDto>();
    expect(ping).toMatchObject({ eventType: 'ping', status: 'dead', lastStatus: null });
    expect(ping?.lastError).toMatch(/private network address \(private\)/);

    const slow = `/${unique('slow')}`;
    await t.database.query(`UPDATE webhooks SET url = $2 WHERE id = $1`, [webhook.id, rx.url(slow)]);
    rx.respond((r) => (r.path === slow ? 'hang' : { status: 200 }));
    const timedOut = (await api(admin, 'POST', `/api/webhooks/${webhook.id}/test`)).json<DeliveryDto>();
    expect(timedOut).toMatchObject({ status: 'dead', lastStatus: null, lastError: 'timed out after 2000 ms' });
  });

  it('two workers never send the same delivery; a claim that lapses is retried', async () => {
    const path = `/${unique('pair')}`;
    const { webhook } = await createWebhook({ path });
    for (let i = 0; i < 6; i++) await emit('task.created', { i });
    const a = createOutbox(t.config, t.database, null);
    const b = createOutbox(t.config, t.database, null);
    const [ra, rb] = await Promise.all([a.pump(), b.pump()]);
    expect(ra.sent + rb.sent).toBeGreaterThanOrEqual(6);
    const ids = hitsOn(path).map((r) => r.headers['canopy-delivery']);
    expect(ids).toHaveLength(6);
    expect(new Set(ids).size).toBe(6);

    // A worker claims a delivery and dies before sending: nobody sends it until the claim lapses.
    await emit('task.created', { crashed: true });
    const claimed = await claimDeliveries(t.database, 10);
    expect(claimed.filter((d) => d.webhookId === webhook.id)).toHaveLength(1);
    expect((await t.app.services.outbox.pump()).sent).toBe(0);
    await makeDue();
    await t.app.services.outbox.pump();
    const [latest] = (await deliveries(webhook.id)).items;
    expect(latest).toMatchObject({ status: 'succeeded', attempts: 2 });
    expect(hitsOn(path)).toHaveLength(7);
  });

  it('pages the delivery log with a cursor', async () => {
    const { webhook } = await createWebhook();
    for (let i = 0; i < 5; i++) await emit('task.created', { i });
    await t.app.services.outbox.pump();
    const first = await deliveries(webhook.id, '?limit=2');
    expect(first.items).toHaveLength(2);
    const second = await deliveries(webhook.id, `?limit=2&cursor=${first.nextCursor ?? ''}`);
    const third = await deliveries(webhook.id, `?limit=2&cursor=${second.nextCursor ?? ''}`);
    expect(third.nextCursor).toBeNull();
    const all = [...first.items, ...second.items, ...third.items].map((d) => d.id);
    expect(all).toHaveLength(5);
    expect(new Set(all).size).toBe(5);
    expect((await api(admin, 'GET', `/api/webhooks/${webhook.id}/deliveries?cursor=nonsense`)).statusCode).toBe(400);
  });
});

describe('OpenAPI', () => {
  it('documents the webhook, allow-list and notification endpoints', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json() as { paths: Record<string, Record<string, { summary?: string; tags?: string[]; responses: Record<string, unknown>; requestBody?: unknown }>> };
    const expected: [string, string][] = [
      ['get', '/api/webhooks'], ['post', '/api/webhooks'], ['get', '/api/webhooks/{id}'], ['patch', '/api/webhooks/{id}'], ['delete', '/api/webhooks/{id}'],
      ['post', '/api/webhooks/{id}/rotate-secret'], ['post', '/api/webhooks/{id}/test'], ['get', '/api/webhooks/{id}/deliveries'],
      ['post', '/api/webhooks/deliveries/{id}/redeliver'],
      ['get', '/api/settings/outbound-allowlist'], ['post', '/api/settings/outbound-allowlist'], ['delete', '/api/settings/outbound-allowlist/{entry}'],
      ['get', '/api/notifications'], ['post', '/api/notifications/{id}/read'], ['post', '/api/notifications/read-all'],
      ['get', '/api/notifications/prefs'], ['put', '/api/notifications/prefs'],
    ];
    for (const [method, path] of expected) {
      const op = doc.paths[path]?.[method];
      expect(op?.summary, `${method} ${path}`).toBeTruthy();
      expect(op?.tags?.length, `${method} ${path} tags`).toBe(1);
      expect(Object.keys(op?.responses ?? {}).some((s) => s.startsWith('4')), `${method} ${path} 4xx`).toBe(true);
    }
    expect(doc.paths['/api/webhooks']?.post?.requestBody).toBeDefined();
    expect(doc.paths['/api/notifications/prefs']?.put?.requestBody).toBeDefined();
  });
});
