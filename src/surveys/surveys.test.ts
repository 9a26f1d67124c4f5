import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type SignedIn, type TestApp } from '../../test/support/app.js';
import { header, startSmtp } from '../../test/work/outbound-support.js';
import { allJobs } from '../runtime.js';
import { REMIND_JOB } from './jobs.js';
import { account, apiFor, contact, createSurvey, decodeQp, sleep, stampIn, tokenIn, tokenOf } from './test-support.js';

/**
 * A survey end to end, as the issue asks: sent to contacts, it reaches a local SMTP server; a GET
 * of the e-mail's link records nothing; a POST from the page records one answer and a second one
 * updates it; the NPS figure and the survey driver follow; throttling holds; a fast POST or a
 * filled honeypot is a bot, kept apart and not counted; the reminder goes out once.
 */
let t: TestApp;
let smtp: Awaited<ReturnType<typeof startSmtp>>;
let manager: SignedIn;
const DAY = 86_400_000;

beforeAll(async () => {
  smtp = await startSmtp();
  t = await createTestApp({ CANOPY_SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, CANOPY_MAIL_FROM: 'Canopy <canopy@cs.example.test>', CANOPY_PUBLIC_URL: 'https://cs.example.test' });
  manager = await t.signIn('manager');
});
afterAll(async () => {
  await t?.close();
  await smtp?.close();
});
const api = apiFor(() => t, () => manager);
type Results = { responses: number; responseRate: number | null; nps: { score: number | null; n: number }; bots: number; comments: { comment: string; changeTalk: { label: string } }[] };
const results = async (id: string) => (await api('GET', `/api/surveys/${id}/results`)).json() as Results;
const responses = async (surveyId: string) => (await t.database.query<{ score: number; bot: boolean; bot_reason: string | null; comment: string | null }>(
  'SELECT score, bot, bot_reason, comment FROM survey_responses WHERE survey_id = $1 ORDER BY bot, created_at', [surveyId])).rows;
const driverValue = async (accountId: string, key: string) => {
  await t.app.services.health.refreshDirty();
  const h = (await api('GET', `/api/accounts/${accountId}/health`)).json() as { drivers: { key: string; value: number | null }[] };
  return h.drivers.find((d) => d.key === key)?.value ?? null;
};

describe('a survey by e-mail', () => {
  it('reaches the SMTP server; GET records nothing; a POST records one answer, a second updates it; NPS and the driver follow', async () => {
    const driver = await api('POST', '/api/drivers', {
      key: 'nps_90', name: 'NPS (90 days)', source: { type: 'survey_metric', metric: 'nps', windowDays: 90 },
      scoring: { type: 'bands', direction: 'higher_is_better', thresholds: [{ value: 30, score: 100 }, { value: 0, score: 50 }] },
      stageWeights: { onboarding: 10 },
    });
    expect(driver.statusCode, driver.body).toBe(201);
    const acct = await account(t);
    const ann = await contact(t, acct, 'Ann Example');
    const nomail = await contact(t, acct, 'Ned Nomail', { email: false });
    const survey = await createSurvey(api);

    const sent = await api('POST', `/api/surveys/${survey.id}/send`, { contactIds: [ann, nomail] });
    expect(sent.statusCode, sent.body).toBe(200);
    expect(sent.json()).toMatchObject({ sent: 1, skipped: [{ contactId: nomail, reason: 'no_email', contactName: 'Ned Nomail' }], warnings: [] });
    expect((await api('GET', '/api/settings/email')).json()).toMatchObject({ configured: true, publicUrlConfigured: true });
    await t.app.services.outbox.pump();
    const mail = smtp.messages.find((m) => header(m.raw, 'subject') === 'A quick question');
    expect(mail, 'the survey e-mail reached the SMTP server').toBeDefined();
    const text = decodeQp(mail?.raw ?? '');
    const token = tokenIn(text);
    // Eleven score links and the honeypot link, under the public URL.
    for (let n = 0; n <= 10; n += 1) expect(text).toContain(`https://cs.example.test/s/${token}?score=${n}`);
    expect(text).toContain(`https://cs.example.test/s/${token}/confirm`);
    expect(text).toMatch(/do not click/);
    expect(await driverValue(acct, 'nps_90')).toBeNull(); // sent, not answered: no data

    // The e-mail's link: the page with 9 chosen, the first name only; nothing recorded but the view.
    const page = await t.app.inject({ method: 'GET', url: `/s/${token}?score=9` });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-security-policy']).toMatch(/default-src 'none'/);
    expect(page.headers['x-robots-tag']).toMatch(/noindex/);
    expect(page.body).toContain('Hi Ann,');
    expect(page.body).not.toContain('Example');
    expect(page.body).toContain('value="9" required checked');
    expect(page.body).toContain('name="website"');
    expect(await responses(survey.id)).toEqual([]);
    const { rows: [viewed] } = await t.database.query<{ first_viewed_at: Date | null; answered_at: Date | null }>('SELECT first_viewed_at, answered_at FROM survey_recipients WHERE contact_id = $1', [ann]);
    expect(viewed?.first_viewed_at).not.toBeNull();
    expect(viewed?.answered_at).toBeNull();

    // A person reads, then sends the page's form (after the 3 s a person needs at least).
    await sleep(3100);
    const stamp = stampIn(page.body);
    const form = await t.app.inject({
      method: 'POST', url: `/s/${token}`, headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ score: '9', comment: 'We want to roll it out to the whole team next quarter.', stamp, website: '' }).toString(),
    });
    expect(form.statusCode, form.body).toBe(303);
    expect(form.headers.location).toBe(`/s/${token}?notice=thanks`);
    expect(await responses(survey.id)).toEqual([{ score: 9, bot: false, bot_reason: null, comment: 'We want to roll it out to the whole team next quarter.' }]);
    let r = await results(survey.id);
    expect(r).toMatchObject({ responses: 1, responseRate: 100, nps: { score: 100, n: 1 }, bots: 0 });
    expect(r.comments[0]?.changeTalk.label).toBe('change');
    expect(await driverValue(acct, 'nps_90')).toBe(100);

    // A second answer through the same link (JSON) replaces the first: still one answer.
    const again = await t.app.inject({ method: 'POST', url: `/api/public/surveys/${token}`, payload: { score: 3, comment: 'Too busy right now.', stamp } });
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json()).toEqual({ recorded: true, updated: true, counted: true, reason: null });
    expect(await responses(survey.id)).toMatchObject([{ score: 3, bot: false, comment: 'Too busy right now.' }]);
    r = await results(survey.id);
    expect(r).toMatchObject({ responses: 1, nps: { score: -100, n: 1 } });
    expect(await driverValue(acct, 'nps_90')).toBe(-100);

    // The answer is on the account's timeline and in its survey answers.
    const tl = (await api('GET', `/api/accounts/${acct}/timeline?kinds=survey_response`)).json() as { items: { kind: string; title: string; changeTalk?: { label: string } }[] };
    expect(tl.items).toHaveLength(1);
    expect(tl.items[0]?.title).toMatch(/^NPS 3 from Ann Example/);
    expect(tl.items[0]?.changeTalk?.label).toBe('sustain');
    const answers = (await api('GET', `/api/accounts/${acct}/surveys`)).json() as { items: { score: number; changeTalk: { label: string } | null }[] };
    expect(answers.items).toMatchObject([{ score: 3, changeTalk: { label: 'sustain' } }]);

    // Throttled: surveyed within 90 days, by this survey or another.
    const other = await createSurvey(api, { kind: 'csat', question: 'How satisfied are you with support?' });
    const throttled = await api('POST', `/api/surveys/${other.id}/send`, { contactIds: [ann] });
    expect(throttled.json()).toMatchObject({ sent: 0, skipped: [{ contactId: ann, reason: 'throttled' }] });
  });

  it("a fast POST, a filled honeypot, the honeypot page's form or a form without its stamp is a bot: kept apart, never counted, never overwriting a person", async () => {
    const acct = await account(t);
    const ids = await Promise.all(['Bea Fast', 'Carl Pot', 'Dora Link', 'Eve Nostamp', 'Finn Scanned'].map((n) => contact(t, acct, n)));
    const survey = await createSurvey(api);
    expect((await api('POST', `/api/surveys/${survey.id}/send`, { contactIds: ids })).json()).toMatchObject({ sent: 5 });
    const [fast, pot, link, nostamp, scanned] = await Promise.all(ids.map((id) => tokenOf(t, id, smtp.messages)));
    const form = (token: string | undefined, fields: Record<string, string>) => t.app.inject({
      method: 'POST', url: `/s/${token}`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams(fields).toString(),
    });

    const fastPage = await t.app.inject({ method: 'GET', url: `/s/${fast}?score=10` });
    const quick = await t.app.inject({ method: 'POST', url: `/api/public/surveys/${fast}`, payload: { score: 10, stamp: stampIn(fastPage.body) } });
    expect(quick.json()).toEqual({ recorded: true, updated: false, counted: false, reason: 'too_fast' });

    const potPage = await t.app.inject({ method: 'GET', url: `/s/${pot}` });
    // The honeypot link: a message for people, and a hidden form whose stamp marks whoever sends it back.
    const trapPage = await t.app.inject({ method: 'GET', url: `/s/${link}/confirm` });
    expect(trapPage.statusCode).toBe(200);
    expect(trapPage.body).toContain('Nothing to confirm');
    await t.app.inject({ method: 'GET', url: `/s/${nostamp}` });
    // A scanner follows every link of Finn's e-mail, the honeypot too; Finn answers later, as a person.
    await t.app.inject({ method: 'GET', url: `/s/${scanned}/confirm` });
    await t.app.inject({ method: 'GET', url: `/s/${scanned}?score=0` });
    const finnPage = await t.app.inject({ method: 'GET', url: `/s/${scanned}?score=9` });
    await sleep(3100);
    const honey = await form(pot, { score: '10', stamp: stampIn(potPage.body), website: 'https://spam.example' });
    // The form answers a bot exactly as it answers a person.
    expect(honey.statusCode).toBe(303);
    expect(honey.headers.location).toBe(`/s/${pot}?notice=thanks`);
    expect((await form(link, { score: '0', stamp: stampIn(trapPage.body) })).headers.location).toBe(`/s/${link}?notice=thanks`);
    expect((await form(nostamp, { score: '0' })).headers.location).toBe(`/s/${nostamp}?notice=thanks`);

    const rows = await responses(survey.id);
    expect(rows.map((x) => x.bot_reason).sort()).toEqual(['honeypot_field', 'honeypot_link', 'stamp_missing', 'too_fast']);
    expect(rows.every((x) => x.bot)).toBe(true);
    expect(await results(survey.id)).toMatchObject({ responses: 0, responseRate: 0, nps: { score: null, n: 0 }, bots: 4 });

    // The scanner's visit does not cost Finn his answer.
    expect((await form(scanned, { score: '9', stamp: stampIn(finnPage.body) })).headers.location).toBe(`/s/${scanned}?notice=thanks`);
    // The person behind the fast link answers properly later: a second row, the bot's left apart.
    const human = await t.app.inject({ method: 'POST', url: `/api/public/surveys/${fast}`, payload: { score: 8, stamp: stampIn(fastPage.body) } });
    expect(human.json()).toEqual({ recorded: true, updated: false, counted: true, reason: null });
    expect(await results(survey.id)).toMatchObject({ responses: 2, nps: { score: 50, n: 2 }, bots: 4 });
  });

  it('a JSON answer without a stamp (a client with its own page) counts; with the honeypot field filled it does not', async () => {
    const acct = await account(t);
    const ids = await Promise.all(['Gil Portal', 'Hana Form'].map((n) => contact(t, acct, n)));
    const survey = await createSurvey(api);
    await api('POST', `/api/surveys/${survey.id}/send`, { contactIds: ids });
    const [portal, filled] = await Promise.all(ids.map((id) => tokenOf(t, id, smtp.messages)));
    const answer = (token: string | undefined, body: Record<string, unknown>) => t.app.inject({ method: 'POST', url: `/api/public/surveys/${token}`, payload: body });
    expect((await answer(portal, { score: 7, comment: '  indented, kept as written' })).json()).toEqual({ recorded: true, updated: false, counted: true, reason: null });
    expect((await answer(portal, { score: 9 })).json()).toEqual({ recorded: true, updated: true, counted: true, reason: null });
    expect((await answer(filled, { score: 0, website: 'x' })).json()).toMatchObject({ counted: false, reason: 'honeypot_field' });
    expect(await results(survey.id)).toMatchObject({ responses: 1, nps: { score: 100, n: 1 }, bots: 1 });
    const kept = await t.database.query<{ comment: string | null }>('SELECT comment FROM survey_responses WHERE survey_id = $1 AND NOT bot', [survey.id]);
    expect(kept.rows[0]?.comment).toBeNull(); // the second answer replaced the first, without a comment
  });

  it('reminds those who have not answered, once, after the delay (a scanned e-mail too: the scanner is not the person); not those who answered', async () => {
    const acct = await account(t);
    const [quiet, answered, scanned] = await Promise.all(['Fay Quiet', 'Gus Answered', 'Hal Scanned'].map((n) => contact(t, acct, n)));
    const survey = await createSurvey(api, { reminderAfterDays: 5, emailSubject: 'Remind me' });
    await api('POST', `/api/surveys/${survey.id}/send`, { contactIds: [quiet, answered, scanned] });
    const [ta, ts] = await Promise.all([tokenOf(t, answered ?? '', smtp.messages), tokenOf(t, scanned ?? '', smtp.messages)]);
    const page = await t.app.inject({ method: 'GET', url: `/s/${ta}` });
    await sleep(3100);
    await t.app.inject({ method: 'POST', url: `/api/public/surveys/${ta}`, payload: { score: 10, stamp: stampIn(page.body) } });
    await t.app.inject({ method: 'GET', url: `/s/${ts}/confirm` });

    expect(await t.app.services.surveys.remind(new Date(Date.now() + 4 * DAY))).toBe(0); // too early
    // The worker runs it hourly (src/runtime.ts); nothing is due yet.
    const job = allJobs(t.config, t.database).find((j) => j.name === REMIND_JOB);
    expect(job?.cron).toBe('17 * * * *');
    expect(await job?.handler({})).toBe(0);
    // (Reminders are for every survey of the book: earlier tests' unanswered recipients get theirs too.)
    expect(await t.app.services.surveys.remind(new Date(Date.now() + 6 * DAY))).toBeGreaterThanOrEqual(1);
    const reminded = await t.database.query<{ contact_id: string }>('SELECT contact_id FROM survey_recipients WHERE survey_id = $1 AND reminded_at IS NOT NULL', [survey.id]);
    expect(reminded.rows.map((x) => x.contact_id).sort()).toEqual([quiet, scanned].sort());
    expect(await t.app.services.surveys.remind(new Date(Date.now() + 9 * DAY))).toBe(0); // once
    await t.app.services.outbox.pump();
    const reminders = smtp.messages.filter((m) => header(m.raw, 'subject') === 'Reminder: Remind me');
    expect(reminders).toHaveLength(2);
    // Each reminder carries its recipient's own new link (the first e-mail's links are not kept).
    const sentTokens = reminders.map((m) => tokenIn(decodeQp(m.raw))).sort();
    expect(sentTokens).toEqual([await tokenOf(t, quiet ?? '', smtp.messages, 'reminder'), await tokenOf(t, scanned ?? '', smtp.messages, 'reminder')].sort());
    expect(sentTokens).not.toContain(ts);
  });

  it('unknown and malformed links get the same 404 page; a malformed one is never looked up', async () => {
    for (const url of ['/s/short', `/s/${'A'.repeat(43)}?score=3`, `/s/${'A'.repeat(43)}/confirm`, '/s/', '/s/x/y/z']) {
      const res = await t.app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(404);
      expect(res.headers['content-type'], url).toMatch(/text\/html/);
      expect(res.headers['x-robots-tag'], url).toMatch(/noindex/);
    }
    const json = await t.app.inject({ method: 'POST', url: `/api/public/surveys/${'A'.repeat(43)}`, payload: { score: 5 } });
    expect(json.statusCode).toBe(404);
    expect(json.json()).toMatchObject({ code: 'survey_link.not_found' });
  });
});
