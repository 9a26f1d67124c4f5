import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, unique, type SignedIn, type TestApp } from '../support/app.js';
import { SYSTEM_ACTOR } from '../../src/auth/principal.js';
import { loadConfig } from '../../src/config.js';
import { notify } from '../../src/notifications/notify.js';
import { createOutbox } from '../../src/notifications/outbox.js';
import { NO_SMTP_ERROR } from '../../src/notifications/messages.js';
import { notificationJobs } from '../../src/notifications/jobs.js';
import { createWorkServices } from '../../src/services.js';
import type { JobSender } from '../../src/jobs/queue.js';
import type { NotificationDto } from '../../src/notifications/schema.js';
import { header, startReceiver, startSmtp, type Receiver } from './outbound-support.js';

let t: TestApp;
let smtp: Awaited<ReturnType<typeof startSmtp>>;
let rx: Receiver;
let ada: SignedIn;
let bob: SignedIn;

beforeAll(async () => {
  [smtp, rx] = await Promise.all([startSmtp(), startReceiver()]);
  t = await createTestApp({ CANOPY_SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, CANOPY_MAIL_FROM: 'Canopy <canopy@cs.example.test>', CANOPY_OUTBOUND_ALLOW: '127.0.0.1' });
  [ada, bob] = await Promise.all([t.signIn('csm'), t.signIn('csm')]);
});
afterAll(async () => {
  await t.close();
  await Promise.all([smtp.close(), rx.close()]);
});

const api = (who: SignedIn, method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) =>
  t.app.inject({ method, url, headers: who.headers, ...(payload ? { payload } : {}) });
const send = (userIds: string[], title: string, extra: { body?: string; dedupeKey?: string } = {}) =>
  t.database.transaction((tx) => notify(tx, { userIds, kind: 'test', title, body: extra.body ?? 'Details', dedupeKey: extra.dedupeKey ?? unique('n') }));
const mailTo = (email: string) => smtp.messages.filter((m) => m.to.includes(email));
const prefs = { inApp: true, email: true, slack: false, slackWebhookUrl: null, digest: true };

describe('e-mail over SMTP', () => {
  it('mails a user with e-mail on, not one with e-mail off; a deterministic Message-ID', async () => {
    expect((await api(bob, 'PUT', '/api/notifications/prefs', { ...prefs, email: false })).statusCode).toBe(200);
    const title = unique('Health dropped');
    expect(await send([ada.userId, bob.userId], title, { body: 'Acme is now poor.' })).toBe(1);
    const res = await t.app.services.outbox.pump();
    expect(res.sent).toBeGreaterThanOrEqual(1);
    const [mail, more] = mailTo(ada.email);
    expect(more).toBeUndefined();
    expect(mail?.from).toBe('canopy@cs.example.test');
    expect(header(mail?.raw ?? '', 'subject')).toBe(title);
    expect(header(mail?.raw ?? '', 'to')).toBe(ada.email);
    expect(mail?.raw).toContain('Acme is now poor.');
    const { rows } = await t.database.query<{ id: string; status: string; attempts: number }>(
      `SELECT id, status, attempts FROM outbound_messages WHERE subject = $1`, [title]);
    expect(rows).toEqual([expect.objectContaining({ status: 'sent', attempts: 1 })]);
    expect(header(mail?.raw ?? '', 'message-id')).toBe(`<${rows[0]?.id}@cs.example.test>`);
    expect(mailTo(bob.email)).toHaveLength(0);
    // Bob still gets the bell.
    const bell = (await api(bob, 'GET', '/api/notifications')).json() as { items: NotificationDto[] };
    expect(bell.items.some((n) => n.title === title)).toBe(true);
  });

  it('without CANOPY_SMTP_URL e-mail waits in the outbox with a clear reason, then goes once SMTP is there', async () => {
    const title = unique('Waiting');
    await send([ada.userId], title);
    const noSmtp = createOutbox(loadConfig({ LOG_LEVEL: 'silent' }), t.database, null);
    await noSmtp.pump();
    const row = async () => (await t.database.query<{ status: string; attempts: number; last_error: string | null }>(
      `SELECT status, attempts, last_error FROM outbound_messages WHERE subject = $1`, [title])).rows[0];
    expect(await row()).toEqual({ status: 'pending', attempts: 0, last_error: NO_SMTP_ERROR });
    expect(mailTo(ada.email).some((m) => header(m.raw, 'subject') === title)).toBe(false);
    await t.app.services.outbox.pump();
    expect(await row()).toMatchObject({ status: 'sent', attempts: 1, last_error: null });
  });

  it('retries a failing SMTP server with backoff', async () => {
    const title = unique('Unreachable');
    await send([ada.userId], title);
    const broken = createOutbox(loadConfig({ LOG_LEVEL: 'silent', CANOPY_SMTP_URL: 'smtp://127.0.0.1:1', CANOPY_OUTBOUND_TIMEOUT_MS: '1000' }), t.database, null);
    await broken.pump();
    const { rows } = await t.database.query<{ status: string; attempts: number; last_error: string; wait: number }>(
      `SELECT status, attempts, last_error, extract(epoch FROM next_attempt_at - now())::int AS wait FROM outbound_messages WHERE subject = $1`, [title]);
    expect(rows[0]).toMatchObject({ status: 'pending', attempts: 1 });
    expect(rows[0]?.last_error).toMatch(/ECONNREFUSED|ESOCKET|connect/i);
    expect(rows[0]?.wait).toBeGreaterThan(40);
  });
});

describe('Slack', () => {
  it('posts {text} to the user’s incoming webhook', async () => {
    const carol = await t.signIn('manager');
    const url = rx.url(`/${unique('slack')}`);
    const put = await api(carol, 'PUT', '/api/notifications/prefs', { ...prefs, email: false, slack: true, slackWebhookUrl: url });
    expect(put.json()).toMatchObject({ slack: true, slackWebhookUrl: url });
    const title = unique('Escalation opened');
    await send([carol.userId], title, { body: 'Sev high' });
    await t.app.services.outbox.pump();
    const got = rx.received.find((r) => url.endsWith(r.path));
    expect(got?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(got?.body ?? '{}')).toEqual({ text: `${title}\n\nSev high` });
  });
});

describe('the bell', () => {
  it('lists my notifications newest first, counts unread, marks read', async () => {
    const dave = await t.signIn('viewer');
    for (let i = 1; i <= 3; i++) await send([dave.userId], `note ${i}`);
    const all = (await api(dave, 'GET', '/api/notifications')).json() as { items: NotificationDto[]; unreadCount: number };
    expect(all.items.map((n) => n.title)).toEqual(['note 3', 'note 2', 'note 1']);
    expect(all.unreadCount).toBe(3);
    const page1 = (await api(dave, 'GET', '/api/notifications?limit=2')).json() as { items: NotificationDto[]; nextCursor: string };
    const page2 = (await api(dave, 'GET', `/api/notifications?limit=2&cursor=${page1.nextCursor}`)).json() as { items: NotificationDto[]; nextCursor: string | null };
    expect([...page1.items, ...page2.items].map((n) => n.title)).toEqual(['note 3', 'note 2', 'note 1']);
    expect(page2.nextCursor).toBeNull();

    const first = all.items[2];
    const read = await api(dave, 'POST', `/api/notifications/${first?.id}/read`);
    expect(read.json()).toEqual({ unreadCount: 2 });
    const unread = (await api(dave, 'GET', '/api/notifications?unread=true')).json() as { items: NotificationDto[] };
    expect(unread.items.map((n) => n.title)).toEqual(['note 3', 'note 2']);
    // Someone else's notification is not found.
    expect((await api(ada, 'POST', `/api/notifications/${first?.id}/read`)).statusCode).toBe(404);
    expect((await api(dave, 'POST', '/api/notifications/read-all')).json()).toEqual({ updated: 2, unreadCount: 0 });
    expect(((await api(dave, 'GET', '/api/notifications')).json() as { unreadCount: number }).unreadCount).toBe(0);
    // The same dedupe key twice is one notification.
    await send([dave.userId], 'once', { dedupeKey: 'same' });
    await send([dave.userId], 'once', { dedupeKey: 'same' });
    expect(((await api(dave, 'GET', '/api/notifications?unread=true')).json() as { items: unknown[] }).items).toHaveLength(1);
  });

  it('belongs to people, not API keys', async () => {
    const key = await t.restKey('admin');
    const res = await t.app.inject({ method: 'GET', url: '/api/notifications', headers: { authorization: `Bearer ${key}` } });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ code: 'notification.user_only' });
  });
});

describe('notification settings', () => {
  it('has defaults, validates with field errors, checks the Slack URL at save time, audits without the URL', async () => {
    const erin = await t.signIn('csm');
    expect((await api(erin, 'GET', '/api/notifications/prefs')).json()).toEqual(prefs);
    const noUrl = await api(erin, 'PUT', '/api/notifications/prefs', { ...prefs, slack: true });
    expect(noUrl.json()).toMatchObject({ code: 'notification.prefs_invalid', fields: [{ path: 'slackWebhookUrl', message: 'required when Slack is on' }] });
    const ftp = await api(erin, 'PUT', '/api/notifications/prefs', { ...prefs, slack: true, slackWebhookUrl: 'ftp://hooks.slack.com/x' });
    expect(ftp.json()).toMatchObject({ code: 'notification.prefs_invalid', fields: [{ path: 'slackWebhookUrl' }] });
    const internal = await api(erin, 'PUT', '/api/notifications/prefs', { ...prefs, slack: true, slackWebhookUrl: 'http://192.168.0.10/hook' });
    expect(internal.statusCode).toBe(400);
    expect(internal.json()).toMatchObject({ code: 'outbound.refused', fields: [{ path: 'slackWebhookUrl' }] });
    const ok = await api(erin, 'PUT', '/api/notifications/prefs', { ...prefs, slack: true, slackWebhookUrl: 'https://hooks.slack.com/services/T0/B0/secret123', digest: false });
    expect(ok.statusCode).toBe(200);
    expect((await api(erin, 'GET', '/api/notifications/prefs')).json()).toMatchObject({ slack: true, digest: false });
    const { rows } = await t.database.query<{ changes: string }>(`SELECT changes::text AS changes FROM audit_log WHERE action = 'notification_prefs.update' AND object_id = $1`, [erin.userId]);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.changes).not.toContain('secret123');
  });
});

describe('the daily digest', () => {
  it('tells each CSM which accounts need a call today and why; nothing for those with nothing due or the digest off', async () => {
    const [frank, gina, hank] = await Promise.all([t.signIn('csm'), t.signIn('csm'), t.signIn('csm')]);
    await api(gina, 'PUT', '/api/notifications/prefs', { ...prefs, digest: false });
    const account = async (name: string, arr: number, band?: string) => {
      const a = await t.app.services.accounts.create({ name, arr, ownerId: frank.userId, teamId: null }, SYSTEM_ACTOR);
      if (band) {
        await t.database.query(`INSERT INTO account_health (account_id, score, band, state, stage, drivers) VALUES ($1, 20, $2, 'scored', 'adoption', '[]'::jsonb)`, [a.id, band]);
      }
      return a.id;
    };
    const big = await account(unique('Big Co'), 250000, 'poor');
    const small = await account(unique('Small Co'), 5000);
    const later = await account(unique('Later Co'), 90000);
    const now = new Date('2030-03-01T07:00:00Z');
    const task = (accountId: string, userId: string, kind: string, source: string, title: string, reason: string, due: string | null, snoozed: string | null = null) =>
      t.database.query(
        `INSERT INTO tasks (account_id, assignee_user_id, kind, source, title, reason, due_at, snoozed_until) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [accountId, userId, kind, source, title, reason, due, snoozed],
      );
    await task(big, frank.userId, 'call', 'recommendation', 'Call them', 'Health dropped to poor and 2 rules fired this week', null);
    await task(small, frank.userId, 'todo', 'manual', 'Send QBR deck', '', '2030-02-27T12:00:00Z');
    await task(later, frank.userId, 'todo', 'manual', 'Plan renewal', '', '2030-03-20T12:00:00Z');
    await task(later, frank.userId, 'call', 'manual', 'Snoozed call', '', null, '2030-03-05T00:00:00Z');
    await task(big, gina.userId, 'call', 'recommendation', 'Call them', 'whatever', null);

    const result = await t.app.services.notifications.digest.run(now);
    expect(result.users).toBeGreaterThanOrEqual(1);
    const digests = async (who: SignedIn) =>
      ((await api(who, 'GET', '/api/notifications')).json() as { items: NotificationDto[] }).items.filter((n) => n.kind === 'digest');
    const [d, extra] = await digests(frank);
    expect(extra).toBeUndefined();
    expect(d?.title).toBe('Daily digest: 2 accounts need you today');
    const lines = d?.body.split('\n') ?? [];
    expect(lines[0]).toBe('Accounts that need you today (2030-03-01):');
    expect(lines.slice(2)).toEqual([
      expect.stringMatching(/^• Big Co.* — ARR 250,000 — health poor$/),
      '  - Call: Health dropped to poor and 2 rules fired this week',
      expect.stringMatching(/^• Small Co.* — ARR 5,000 — health no data$/),
      '  - Overdue: Send QBR deck (due 2030-02-27)',
    ]);
    expect(d?.body).not.toContain('Later Co');
    expect(await digests(gina)).toHaveLength(0);
    expect(await digests(hank)).toHaveLength(0);
    // By e-mail too (Frank's default), and once per day however often the job runs.
    await t.app.services.notifications.digest.run(now);
    await t.app.services.outbox.pump();
    expect(await digests(frank)).toHaveLength(1);
    expect(mailTo(frank.email).filter((m) => header(m.raw, 'subject') === 'Daily digest: 2 accounts need you today')).toHaveLength(1);
  });
});

describe('jobs', () => {
  it('wake() queues one debounced pump (and never fails the caller); the jobs are the pump every minute and the digest at 07:00 UTC', async () => {
    const calls: unknown[][] = [];
    const sender: JobSender = { send: async () => undefined, sendDebounced: async (...args) => void calls.push(args) };
    await createOutbox(t.config, t.database, sender).wake();
    expect(calls).toEqual([['outbox.pump', {}, 1, 'outbox']]);
    const notStarted: JobSender = { send: async () => undefined, sendDebounced: () => { throw new Error('job queue not started'); } };
    await expect(createOutbox(t.config, t.database, notStarted).wake()).resolves.toBeUndefined();

    const jobs = notificationJobs(createWorkServices(t.config, t.database, null));
    expect(jobs.map((j) => [j.name, j.cron])).toEqual([['outbox.pump', '* * * * *'], ['notifications.digest', '0 7 * * *']]);
    const title = unique('From the job');
    await send([ada.userId], title);
    await jobs[0]?.handler({});
    expect(mailTo(ada.email).some((m) => header(m.raw, 'subject') === title)).toBe(true);
  });
});
