import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, unique, type SignedIn, type TestApp } from '../../test/support/app.js';
import { header, startSmtp } from '../../test/work/outbound-support.js';
import { SYSTEM_ACTOR } from '../auth/principal.js';
import { formKey, issueStamp } from '../public/guard.js';
import { hashToken } from '../public/token.js';
import { requestCheckIn } from './requests.js';
import type { Initiative } from './schema.js';

/** A check-in asked by e-mail: the outbox row, the public page (GET writes no answer), one answer per link, bad links, bots. */
let t: TestApp;
let csm: SignedIn;
let teamId: string;
let smtp: Awaited<ReturnType<typeof startSmtp>>;

beforeAll(async () => {
  smtp = await startSmtp();
  t = await createTestApp({ CANOPY_PUBLIC_URL: 'https://cs.example.test/canopy', CANOPY_SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, CANOPY_MAIL_FROM: 'Canopy <canopy@cs.example.test>' });
  teamId = (await t.app.services.teams.create(unique('team'), SYSTEM_ACTOR)).id;
  csm = await t.signIn('csm', { teamId });
});
afterAll(async () => {
  await t?.close();
  await smtp?.close();
});

type Json = Record<string, unknown> & { code?: string; fields?: { path: string; message: string }[] };
const call = async (method: 'GET' | 'POST', url: string, payload?: object, expected?: number) => {
  const res = await t.app.inject({ method, url, headers: csm.headers, ...(payload ? { payload } : {}) });
  if (expected !== undefined) expect(res.statusCode, `${method} ${url}: ${res.body}`).toBe(expected);
  return { status: res.statusCode, body: (res.body ? res.json() : null) as Json };
};
const anon = (method: 'GET' | 'POST', url: string, payload?: object | string, headers: Record<string, string> = {}) =>
  t.app.inject({ method, url, headers, ...(payload !== undefined ? { payload } : {}) });

async function setup(email: string | null = 'ada@example.test') {
  const a = await t.app.services.accounts.create({ name: unique('acct'), ownerId: csm.userId, teamId }, SYSTEM_ACTOR);
  const c = await t.app.services.contacts.create({ accountId: a.id, name: 'Ada Lovelace-Customer', ...(email ? { email } : {}) }, SYSTEM_ACTOR);
  const i = (await call('POST', `/api/accounts/${a.id}/initiatives`, { title: 'Adopt scheduled reports' }, 201)).body as unknown as Initiative;
  return { accountId: a.id, contactId: c.id, initiativeId: i.id };
}
async function ask(initiativeId: string, contactId: string) {
  const res = await call('POST', `/api/initiatives/${initiativeId}/check-in-requests`, { contactId }, 201);
  const requestId = String(res.body.requestId);
  const { rows: [m] } = await t.database.query<{ body: string; audience: string; contact_id: string; spoon_cost: number; status: string; recipient: string }>(
    'SELECT m.body, m.audience, m.contact_id, m.spoon_cost, m.status, m.recipient FROM outbound_messages m JOIN check_in_requests r ON r.outbound_id = m.id WHERE r.id = $1', [requestId],
  );
  return { requestId, message: m, token: await tokenOf(requestId), sentTo: res.body.sentTo };
}
/** The link's token as the contact received it: in the e-mail (sent by the outbox, which may blank the stored copy's links once sent). */
async function tokenOf(requestId: string): Promise<string> {
  await t.app.services.outbox.pump();
  const { rows: [r] } = await t.database.query<{ token_hash: string; body: string }>(
    'SELECT r.token_hash, m.body FROM check_in_requests r JOIN outbound_messages m ON m.id = r.outbound_id WHERE r.id = $1', [requestId]);
  const texts = [r?.body ?? '', ...smtp.messages.map((mail) => mail.raw.replace(/=\r?\n/g, ''))];
  const tokens = texts.flatMap((x) => [...x.matchAll(/\/c\/([A-Za-z0-9_-]{43})/g)].map((mt) => mt[1] ?? ''));
  const token = tokens.find((tk) => hashToken(tk) === r?.token_hash);
  if (!token) throw new Error(`no e-mail carries the link of request ${requestId}`);
  return token;
}
/** A genuine stamp, as the page would have put it in the form `secondsAgo` seconds ago. */
const stampFrom = async (token: string, secondsAgo: number) => issueStamp(await formKey(t.database), hashToken(token), new Date(Date.now() - secondsAgo * 1000));
const checkInsOf = async (requestId: string) => (await t.database.query<{ importance: number; confidence: number; why_not_lower: string | null; source: string; contact_id: string }>(
  'SELECT importance, confidence, why_not_lower, source, contact_id FROM check_ins WHERE request_id = $1', [requestId])).rows;

describe('a check-in asked by e-mail', () => {
  it('queues the e-mail in the outbox with the link, shows the page without writing an answer, records one answer and updates it', async () => {
    const { accountId, contactId, initiativeId } = await setup();
    const { requestId, message, token, sentTo } = await ask(initiativeId, contactId);
    expect(sentTo).toEqual({ contactId, name: 'Ada Lovelace-Customer', email: 'ada@example.test' });
    expect(message).toMatchObject({ audience: 'customer', contact_id: contactId, spoon_cost: 1, recipient: 'ada@example.test' });
    await t.app.services.outbox.pump();
    const { rows: [status] } = await t.database.query<{ status: string }>('SELECT m.status FROM outbound_messages m JOIN check_in_requests r ON r.outbound_id = m.id WHERE r.id = $1', [requestId]);
    expect(status?.status).toBe('sent');
    const mail = smtp.messages.find((m) => m.raw.replace(/=\r?\n/g, '').includes(token));
    expect(mail, 'the check-in e-mail reached the SMTP server').toBeDefined();
    expect(mail?.to).toEqual(['ada@example.test']);
    expect(mail?.raw.replace(/=\r?\n/g, '')).toContain(`https://cs.example.test/canopy/c/${token}`);
    expect(header(mail?.raw ?? '', 'subject')).toBe('Two quick questions about Adopt scheduled reports');
    expect((await call('GET', `/api/accounts/${accountId}/readiness`, undefined, 200)).body.initiatives).toMatchObject([{ openRequest: { id: requestId, contactId } }]);

    const audit = async () => (await t.database.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_log')).rows[0]?.n;
    const auditBefore = await audit();
    const page = await anon('GET', `/c/${token}`);
    expect(page.statusCode).toBe(200);
    expect(page.headers['x-robots-tag']).toBe('noindex, nofollow');
    expect(String(page.headers['content-security-policy'])).toContain("default-src 'none'");
    expect(page.body).toContain('Hi Ada,');
    expect(page.body).toContain('Adopt scheduled reports');
    expect(page.body).not.toContain('Lovelace');
    expect(page.body).not.toContain('ada@example.test');
    expect(page.body.match(/type="radio"/g)).toHaveLength(22);
    expect(await checkInsOf(requestId)).toEqual([]);
    expect(await audit()).toBe(auditBefore);
    const { rows: [r0] } = await t.database.query<{ answered_at: Date | null; first_viewed_at: Date | null }>('SELECT answered_at, first_viewed_at FROM check_in_requests WHERE id = $1', [requestId]);
    expect(r0?.answered_at).toBeNull();
    expect(r0?.first_viewed_at).not.toBeNull();

    const answer = { importance: 9, confidence: 3, whyNotLower: 'The board wants the numbers weekly', whatWouldMoveHigher: "We're too busy right now, someone would have to set it up" };
    const first = await anon('POST', `/api/public/check-ins/${token}`, { ...answer, stamp: await stampFrom(token, 10) });
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json()).toEqual({ recorded: true, updated: false });
    expect(await checkInsOf(requestId)).toEqual([{ importance: 9, confidence: 3, why_not_lower: 'The board wants the numbers weekly', source: 'customer', contact_id: contactId }]);

    const second = await anon('POST', `/api/public/check-ins/${token}`, { ...answer, confidence: 8, stamp: await stampFrom(token, 10) });
    expect(second.statusCode, second.body).toBe(200);
    expect(second.json()).toEqual({ recorded: true, updated: true });
    expect((await checkInsOf(requestId)).map((c) => c.confidence)).toEqual([8]);

    const form = await anon('POST', `/c/${token}`, new URLSearchParams({ importance: '7', confidence: '7', stamp: await stampFrom(token, 10), website: '' }).toString(), { 'content-type': 'application/x-www-form-urlencoded' });
    expect(form.statusCode).toBe(303);
    expect(form.headers.location).toBe(`/c/${token}?notice=updated`);
    expect((await checkInsOf(requestId)).map((c) => [c.importance, c.confidence])).toEqual([[7, 7]]);
    const bad = await anon('POST', `/c/${token}`, new URLSearchParams({ importance: '11', confidence: 'x', stamp: await stampFrom(token, 10) }).toString(), { 'content-type': 'application/x-www-form-urlencoded' });
    expect(bad.headers.location).toBe(`/c/${token}?notice=invalid`);

    const back = await anon('GET', `/c/${token}?notice=updated`);
    expect(back.body).toContain('your new answer replaces the one you sent before');
    const r = (await call('GET', `/api/accounts/${accountId}/readiness`, undefined, 200)).body.initiatives as Initiative[];
    expect(r[0]?.openRequest).toBeNull();
    expect(r[0]?.checkIns.map((c) => [c.source, c.quadrant])).toEqual([['customer', 'ready']]);
  });

  it('two answers arriving at once make one check-in: the later one updates it', async () => {
    const { contactId, initiativeId } = await setup();
    const { requestId, token } = await ask(initiativeId, contactId);
    await anon('GET', `/c/${token}`);
    const stamp = await stampFrom(token, 10);
    const [a, b] = await Promise.all([
      anon('POST', `/api/public/check-ins/${token}`, { importance: 6, confidence: 6, stamp }),
      anon('POST', `/api/public/check-ins/${token}`, { importance: 9, confidence: 9, stamp }),
    ]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 201]);
    expect(await checkInsOf(requestId)).toHaveLength(1);
  });

  it('refuses answers that look automated and records nothing', async () => {
    const { contactId, initiativeId } = await setup();
    const { requestId, token } = await ask(initiativeId, contactId);
    const body = { importance: 5, confidence: 5 };
    // Never viewed: a scanner posting straight from the e-mail.
    const unseen = await anon('POST', `/api/public/check-ins/${token}`, { ...body, stamp: await stampFrom(token, 10) });
    expect(unseen.statusCode).toBe(422);
    expect(unseen.json()).toMatchObject({ code: 'check_in_link.suspect', details: { reason: 'not_viewed' } });
    await anon('GET', `/c/${token}`);
    const fast = await anon('POST', `/api/public/check-ins/${token}`, { ...body, stamp: await stampFrom(token, 0) });
    expect(fast.json()).toMatchObject({ code: 'check_in_link.suspect', details: { reason: 'too_fast' } });
    const honeypot = await anon('POST', `/api/public/check-ins/${token}`, { ...body, stamp: await stampFrom(token, 10), website: 'http://spam.example' });
    expect(honeypot.json()).toMatchObject({ code: 'check_in_link.suspect', details: { reason: 'honeypot_field' } });
    const forged = await anon('POST', `/api/public/check-ins/${token}`, { ...body, stamp: `${Date.now() - 10_000}.${'A'.repeat(43)}` });
    expect(forged.json()).toMatchObject({ code: 'check_in_link.suspect', details: { reason: 'stamp_forged' } });
    const formFast = await anon('POST', `/c/${token}`, new URLSearchParams({ importance: '5', confidence: '5', stamp: await stampFrom(token, 0) }).toString(), { 'content-type': 'application/x-www-form-urlencoded' });
    expect(formFast.statusCode).toBe(422);
    expect(formFast.body).toContain('was not recorded');
    const invalid = await anon('POST', `/api/public/check-ins/${token}`, { importance: 12, confidence: 5, stamp: await stampFrom(token, 10) });
    expect(invalid.statusCode).toBe(400);
    expect((invalid.json() as Json).fields?.map((f) => f.path)).toContain('importance');
    expect(await checkInsOf(requestId)).toEqual([]);
  });

  it('a form sent too fast comes back with what was typed (escaped) and its own stamp, records nothing, and passes when sent again later', async () => {
    const { contactId, initiativeId } = await setup();
    const { requestId, token } = await ask(initiativeId, contactId);
    await anon('GET', `/c/${token}`);
    const stamp = await stampFrom(token, 2.2); // rendered 2.2 s ago: under the 3 s minimum now, over it a second later
    const typed = { importance: '8', confidence: '3', whyNotLower: 'We need it <b>badly</b> & "soon"', whatWouldMoveHigher: 'Training </textarea><script>x</script>', stamp };
    const form = new URLSearchParams(typed).toString();
    const headers = { 'content-type': 'application/x-www-form-urlencoded' };
    const fast = await anon('POST', `/c/${token}`, form, headers);
    expect(fast.statusCode, fast.body).toBe(422);
    expect(fast.headers['content-type']).toContain('text/html');
    expect(fast.body).toContain('Your answer was not recorded');
    expect(fast.body).toContain('name="importance" value="8" required checked');
    expect(fast.body).toContain('name="confidence" value="3" required checked');
    expect(fast.body).toContain('We need it &lt;b&gt;badly&lt;/b&gt; &amp; &quot;soon&quot;');
    expect(fast.body).toContain('Training &lt;/textarea&gt;&lt;script&gt;x&lt;/script&gt;');
    expect(fast.body).not.toContain('<script>');
    expect(fast.body).toContain(`name="stamp" value="${stamp}"`);
    expect(await checkInsOf(requestId)).toEqual([]);
    await new Promise((r) => setTimeout(r, 1_000));
    const again = await anon('POST', `/c/${token}`, form, headers);
    expect(again.headers.location).toBe(`/c/${token}?notice=thanks`);
    expect((await checkInsOf(requestId)).map((c) => [c.importance, c.confidence, c.why_not_lower])).toEqual([[8, 3, typed.whyNotLower]]);
  });

  it('answers 404 for bad, unknown and expired links, and stray /c/ paths', async () => {
    const { contactId, initiativeId } = await setup();
    const { requestId, token } = await ask(initiativeId, contactId);
    for (const url of ['/c/short', `/c/${'A'.repeat(43)}`, `/c/${token}/extra`, '/c/']) {
      const res = await anon('GET', url);
      expect(res.statusCode, url).toBe(404);
      expect(res.headers['content-type'], url).toContain('text/html');
      expect(res.headers['x-robots-tag'], url).toBe('noindex, nofollow');
    }
    const api = await anon('POST', `/api/public/check-ins/${'A'.repeat(43)}`, { importance: 5, confidence: 5, stamp: 'x' });
    expect(api.statusCode).toBe(404);
    expect(api.json()).toMatchObject({ code: 'check_in_link.not_found' });
    await t.database.query(`UPDATE check_in_requests SET expires_at = now() - interval '1 minute' WHERE id = $1`, [requestId]);
    expect((await anon('GET', `/c/${token}`)).statusCode).toBe(404);
  });

  it('the playbook step asks once per run and step, however often it runs', async () => {
    const { accountId, contactId, initiativeId } = await setup();
    const manager = await t.signIn('manager');
    const playbook = await t.app.inject({ method: 'POST', url: '/api/playbooks', headers: manager.headers, payload: { name: unique('pb'), steps: [{ kind: 'wait', days: 30 }] } });
    expect(playbook.statusCode, playbook.body).toBe(201);
    const run = await call('POST', `/api/accounts/${accountId}/playbooks`, { playbookId: (playbook.json() as { id: string }).id }, 201);
    const input = { initiativeId, contactId, by: csm.userId, now: new Date(), playbookRunId: String(run.body.id), stepIndex: 1 };
    const first = await t.database.transaction((tx) => requestCheckIn(tx, input));
    const again = await t.database.transaction((tx) => requestCheckIn(tx, input));
    expect(first).toMatchObject({ reused: false });
    expect(again).toEqual({ ...first, reused: true });
    const { rows: [n] } = await t.database.query<{ n: number }>('SELECT count(*)::int AS n FROM check_in_requests WHERE initiative_id = $1', [initiativeId]);
    expect(n?.n).toBe(1);
  });

  it('refuses a contact without an e-mail or of another account, and skips them for the playbook step', async () => {
    const { contactId, initiativeId, accountId } = await setup(null);
    const res = await call('POST', `/api/initiatives/${initiativeId}/check-in-requests`, { contactId }, 400);
    expect(res.body.fields).toEqual([{ path: 'contactId', message: 'Ada Lovelace-Customer has no e-mail address' }]);
    const other = await setup();
    const foreign = await call('POST', `/api/initiatives/${initiativeId}/check-in-requests`, { contactId: other.contactId }, 400);
    expect(foreign.body.fields?.[0]?.path).toBe('contactId');
    await call('POST', `/api/initiatives/00000000-0000-4000-8000-000000000000/check-in-requests`, { contactId }, 404);
    const skipped = await t.database.transaction((tx) => requestCheckIn(tx, { initiativeId, contactId, by: null, now: new Date() }));
    expect(skipped).toEqual({ skipped: 'no_email', detail: 'Ada Lovelace-Customer has no e-mail address' });
    const { rows: [n] } = await t.database.query<{ n: number }>('SELECT count(*)::int AS n FROM check_in_requests WHERE account_id = $1', [accountId]);
    expect(n?.n).toBe(0);
  });

  it('asking the same contact again while the request is open returns it: no second link, e-mail or spoon; the playbook step too', async () => {
    const { accountId, contactId, initiativeId } = await setup();
    const first = await ask(initiativeId, contactId);
    const spoons = async () => (await t.database.query<{ requests: number; mails: number; spoons: number }>(
      `SELECT (SELECT count(*)::int FROM check_in_requests WHERE initiative_id = $1) AS requests,
              (SELECT count(*)::int FROM outbound_messages WHERE account_id = $2) AS mails,
              (SELECT coalesce(sum(spoon_cost), 0)::int FROM outbound_messages WHERE account_id = $2) AS spoons`, [initiativeId, accountId])).rows[0];
    expect(await spoons()).toEqual({ requests: 1, mails: 1, spoons: 1 });
    const again = await call('POST', `/api/initiatives/${initiativeId}/check-in-requests`, { contactId }, 200);
    expect(again.body).toEqual({ requestId: first.requestId, sentTo: first.sentTo, reused: true });
    const step = await t.database.transaction((tx) => requestCheckIn(tx, { initiativeId, contactId, by: null, now: new Date() }));
    expect(step).toMatchObject({ requestId: first.requestId, reused: true });
    expect(await spoons()).toEqual({ requests: 1, mails: 1, spoons: 1 });
    const capacity = (await call('GET', `/api/accounts/${accountId}/capacity`, undefined, 200)).body as { asks: { kind: string }[] };
    expect(capacity.asks.filter((a) => a.kind === 'check_in')).toHaveLength(1);

    // Answered, the next ask is a new request with its own link.
    await anon('GET', `/c/${first.token}`);
    expect((await anon('POST', `/api/public/check-ins/${first.token}`, { importance: 5, confidence: 5, stamp: await stampFrom(first.token, 10) })).statusCode).toBe(201);
    const next = await call('POST', `/api/initiatives/${initiativeId}/check-in-requests`, { contactId }, 201);
    expect(next.body.reused).toBe(false);
    expect(next.body.requestId).not.toBe(first.requestId);
    expect(await spoons()).toEqual({ requests: 2, mails: 2, spoons: 2 });
  });

  it('refuses a field sent twice, on the form and in JSON, and records nothing', async () => {
    const { contactId, initiativeId } = await setup();
    const { requestId, token } = await ask(initiativeId, contactId);
    await anon('GET', `/c/${token}`);
    const stamp = await stampFrom(token, 10);
    const form = (body: string) => anon('POST', `/c/${token}`, body, { 'content-type': 'application/x-www-form-urlencoded' });
    for (const body of [
      `importance=5&importance=9&confidence=5&stamp=${stamp}`,
      `importance=5&confidence=5&stamp=${stamp}&stamp=${stamp}`,
      `importance=5&confidence=5&whyNotLower=a&whyNotLower=b&stamp=${stamp}`,
    ]) {
      const res = await form(body);
      expect(res.statusCode, body).toBe(303);
      expect(res.headers.location, body).toBe(`/c/${token}?notice=invalid`);
    }
    const json = await anon('POST', `/api/public/check-ins/${token}`, `{"importance":5,"importance":9,"confidence":5,"stamp":"${stamp}"}`, { 'content-type': 'application/json' });
    expect(json.statusCode, json.body).toBe(400);
    expect(json.json()).toMatchObject({ code: 'request.invalid', fields: [{ path: 'importance', message: 'Sent more than once; send it once' }] });
    expect(await checkInsOf(requestId)).toEqual([]);
    const ok = await form(`importance=5&confidence=9&stamp=${stamp}`);
    expect(ok.headers.location).toBe(`/c/${token}?notice=thanks`);
    expect((await checkInsOf(requestId)).map((c) => [c.importance, c.confidence])).toEqual([[5, 9]]);
  });

  it('a JSON answer may come without a stamp (its client shows its own form); the page\'s form may not', async () => {
    const { contactId, initiativeId } = await setup();
    const { requestId, token } = await ask(initiativeId, contactId);
    const unstamped = await anon('POST', `/c/${token}`, 'importance=5&confidence=5', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(unstamped.headers.location).toBe(`/c/${token}?notice=suspect`);
    const trap = await anon('POST', `/api/public/check-ins/${token}`, { importance: 5, confidence: 5, website: 'x' });
    expect(trap.json()).toMatchObject({ code: 'check_in_link.suspect', details: { reason: 'honeypot_field' } });
    expect(await checkInsOf(requestId)).toEqual([]);
    const json = await anon('POST', `/api/public/check-ins/${token}`, { importance: 6, confidence: 4 });
    expect(json.statusCode, json.body).toBe(201);
    expect((await checkInsOf(requestId)).map((c) => [c.importance, c.confidence])).toEqual([[6, 4]]);
  });
});
