import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type SignedIn, type TestApp } from '../../test/support/app.js';
import { header, startSmtp } from '../../test/work/outbound-support.js';
import { hashToken } from '../public/token.js';
import { sendSurvey } from './send.js';
import { account, apiFor, contact, createSurvey, decodeQp, tokenOf } from './test-support.js';

/**
 * The personal links of a survey e-mail are the customer's alone (outside tester, issue 11): the
 * e-mail that reaches the SMTP server carries working links, but no outbox row once it has left,
 * and no API answer (the timeline as a viewer, the outbox as an admin) ever does,
 * even while it waits. The reminder has its own link, which answers the same single response.
 */
let t: TestApp;
let smtp: Awaited<ReturnType<typeof startSmtp>>;
let manager: SignedIn;
let viewer: SignedIn;
let admin: SignedIn;
const DAY = 86_400_000;

beforeAll(async () => {
  smtp = await startSmtp();
  t = await createTestApp({ CANOPY_SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, CANOPY_MAIL_FROM: 'Canopy <canopy@cs.example.test>', CANOPY_PUBLIC_URL: 'https://cs.example.test' });
  [manager, viewer, admin] = [await t.signIn('manager'), await t.signIn('viewer'), await t.signIn('admin')];
});
afterAll(async () => {
  await t?.close();
  await smtp?.close();
});
const api = apiFor(() => t, () => manager);

/** Every stored token hash of a public link (survey first and reminder links, check-in requests). */
async function storedHashes(): Promise<Set<string>> {
  const { rows } = await t.database.query<{ h: string }>(
    `SELECT token_hash AS h FROM survey_recipients UNION ALL SELECT reminder_token_hash FROM survey_recipients WHERE reminder_token_hash IS NOT NULL
     UNION ALL SELECT token_hash FROM check_in_requests`);
  return new Set(rows.map((r) => r.h));
}
/** The working tokens in a text: any 43 characters of a base64url run whose hash is a stored one. */
function workingTokens(text: string, hashes: Set<string>): string[] {
  const found: string[] = [];
  for (const [run] of text.matchAll(/[A-Za-z0-9_-]{43,}/g)) {
    for (let i = 0; i + 43 <= run.length; i += 1) if (hashes.has(hashToken(run.slice(i, i + 43)))) found.push(run.slice(i, i + 43));
  }
  return found;
}
const storedMessages = async () => JSON.stringify((await t.database.query('SELECT subject, body FROM outbound_messages')).rows);
async function shownTo(accountId: string): Promise<{ timeline: string; outbox: string }> {
  const timeline = await api('GET', `/api/accounts/${accountId}/timeline?limit=100`, undefined, viewer);
  expect(timeline.statusCode, timeline.body).toBe(200);
  expect(timeline.body).toContain('"kind":"email"');
  const outbox = await api('GET', `/api/outbox?accountId=${accountId}&limit=100`, undefined, admin);
  expect(outbox.statusCode, outbox.body).toBe(200);
  return { timeline: timeline.body, outbox: outbox.body };
}

describe('personal links of survey e-mails', () => {
  it('a queued e-mail keeps its links for the worker but no API shows them; once sent, the SMTP mail has them and nothing stored or shown does', async () => {
    const acct = await account(t);
    const ann = await contact(t, acct, 'Ann Example');
    const survey = await createSurvey(api, { emailSubject: 'Links stay private' });
    // Queued without waking the outbox: the e-mail waits, holding its links.
    const sent = await t.database.transaction((tx) => sendSurvey(tx, { surveyId: survey.id, contactIds: [ann], by: manager.userId, now: new Date() }));
    expect(sent.sent).toHaveLength(1);
    const hashes = await storedHashes();
    const { rows: [queued] } = await t.database.query<{ status: string; body: string }>('SELECT status, body FROM outbound_messages WHERE id = $1', [sent.sent[0]?.outboundId]);
    expect(queued?.status).toBe('pending');
    expect(workingTokens(queued?.body ?? '', hashes)).toHaveLength(12); // eleven score links and the honeypot link
    const waiting = await shownTo(acct);
    expect(waiting.timeline).toContain('/s/[personal link]?score=10');
    expect(waiting.outbox).toContain('/s/[personal link]/confirm');
    for (const [where, text] of Object.entries(waiting)) expect(workingTokens(text, hashes), where).toEqual([]);

    await t.app.services.outbox.pump();
    const mail = smtp.messages.find((m) => header(m.raw, 'subject') === 'Links stay private');
    const received = decodeQp(mail?.raw ?? '');
    const [token] = workingTokens(received, hashes);
    expect(token, 'the e-mail received carries the working link').toBeDefined();
    expect((await t.app.inject({ method: 'GET', url: `/s/${token}?score=9` })).statusCode).toBe(200);

    const { rows: [after] } = await t.database.query<{ status: string; body: string }>('SELECT status, body FROM outbound_messages WHERE id = $1', [sent.sent[0]?.outboundId]);
    expect(after?.status).toBe('sent');
    expect(after?.body).toContain('https://cs.example.test/s/[personal link]?score=0');
    expect(workingTokens(await storedMessages(), hashes)).toEqual([]);
    for (const [where, text] of Object.entries(await shownTo(acct))) expect(workingTokens(text, hashes), where).toEqual([]);
  });

  it('the reminder carries its own link (only its hash kept); it answers the same single response as the first link', async () => {
    const acct = await account(t);
    const bea = await contact(t, acct, 'Bea Example');
    const survey = await createSurvey(api, { reminderAfterDays: 5, emailSubject: 'Remind with a new link' });
    expect((await api('POST', `/api/surveys/${survey.id}/send`, { contactIds: [bea] })).statusCode).toBe(200);
    const first = await tokenOf(t, bea, smtp.messages);
    expect(await t.app.services.surveys.remind(new Date(Date.now() + 6 * DAY))).toBeGreaterThanOrEqual(1);
    await t.app.services.outbox.pump();
    const reminders = smtp.messages.filter((m) => header(m.raw, 'subject') === 'Reminder: Remind with a new link');
    expect(reminders).toHaveLength(1);
    const second = await tokenOf(t, bea, smtp.messages, 'reminder');
    expect(second).not.toBe(first);
    expect(decodeQp(reminders[0]?.raw ?? '')).toContain(`https://cs.example.test/s/${second}?score=0`);
    expect(workingTokens(await storedMessages(), await storedHashes())).toEqual([]);

    const page = await t.app.inject({ method: 'GET', url: `/s/${second}?score=4` });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('name="stamp"');
    const answer = (token: string, score: number) => t.app.inject({ method: 'POST', url: `/api/public/surveys/${token}`, payload: { score } });
    expect((await answer(first, 3)).json()).toEqual({ recorded: true, updated: false, counted: true, reason: null });
    expect((await answer(second, 8)).json()).toEqual({ recorded: true, updated: true, counted: true, reason: null });
    const rows = await t.database.query<{ score: number; bot: boolean }>('SELECT score, bot FROM survey_responses WHERE survey_id = $1', [survey.id]);
    expect(rows.rows).toEqual([{ score: 8, bot: false }]);
    // The reminder's honeypot link marks the same recipient.
    expect((await t.app.inject({ method: 'GET', url: `/s/${second}/confirm` })).statusCode).toBe(200);
    const { rows: [r] } = await t.database.query<{ trap: Date | null }>('SELECT trap_followed_at AS trap FROM survey_recipients WHERE contact_id = $1', [bea]);
    expect(r?.trap).not.toBeNull();
  });

  it('a failed e-mail whose links were removed cannot be retried as it is (it would send dead links)', async () => {
    const acct = await account(t);
    const cy = await contact(t, acct, 'Cy Example');
    const survey = await createSurvey(api, { emailSubject: 'Fails then retried' });
    const sent = await t.database.transaction((tx) => sendSurvey(tx, { surveyId: survey.id, contactIds: [cy], by: manager.userId, now: new Date() }));
    const id = sent.sent[0]?.outboundId ?? '';
    // Cancelled in the outbox: its stored copy loses the links in the same statement.
    const cancelled = await api('POST', `/api/outbox/${id}/cancel`, {}, admin);
    expect(cancelled.statusCode, cancelled.body).toBe(200);
    const { rows: [m] } = await t.database.query<{ body: string }>('SELECT body FROM outbound_messages WHERE id = $1', [id]);
    expect(m?.body).toContain('/s/[personal link]/confirm');
    expect(workingTokens(m?.body ?? '', await storedHashes())).toEqual([]);
    await t.database.query(`UPDATE outbound_messages SET status = 'dead' WHERE id = $1`, [id]);
    const retry = await api('POST', `/api/outbox/${id}/retry`, {}, admin);
    expect(retry.statusCode).toBe(409);
    expect(retry.json()).toMatchObject({ code: 'outbound_message.state' });
  });
});
