import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type SignedIn, type TestApp } from '../../test/support/app.js';
import { account, apiFor, contact, createSurvey, sleep, stampIn, tokenOf } from './test-support.js';

/**
 * The survey page's own form, as a person uses it: the e-mail's score link pre-selects the score, so
 * one quick press of Send is natural. Under the minimum time the page asks for one more press (and
 * keeps what was typed); that second press counts. Reopening an answered link never shows the answer.
 */
let t: TestApp;
let manager: SignedIn;

beforeAll(async () => {
  t = await createTestApp();
  manager = await t.signIn('manager');
});
afterAll(() => t?.close());
const api = apiFor(() => t, () => manager);
const formHeaders = { 'content-type': 'application/x-www-form-urlencoded' };
const rows = async (surveyId: string) => (await t.database.query<{ score: number; bot: boolean; bot_reason: string | null; comment: string | null }>(
  'SELECT score, bot, bot_reason, comment FROM survey_responses WHERE survey_id = $1 ORDER BY bot, created_at', [surveyId])).rows;
const counted = async (surveyId: string) => ((await api('GET', `/api/surveys/${surveyId}/results`)).json() as { responses: number }).responses;

async function surveyed(name: string) {
  const acct = await account(t);
  const c = await contact(t, acct, name);
  const s = await createSurvey(api);
  expect((await api('POST', `/api/surveys/${s.id}/send`, { contactIds: [c] })).json()).toMatchObject({ sent: 1 });
  return { survey: s, token: await tokenOf(t, c) };
}

describe('the survey page', () => {
  it('a quick Send comes back (200) with the score, the comment (escaped) and the original stamp, asking once more; the second press counts', async () => {
    const { survey, token } = await surveyed('Quinn Quick');
    const page = await t.app.inject({ method: 'GET', url: `/s/${token}?score=4` });
    const stamp = stampIn(page.body);
    expect(stamp).not.toBe('');
    const form = new URLSearchParams({ score: '4', comment: 'Needs <b>work</b> & "care" </textarea><script>x</script>', stamp, website: '' }).toString();
    const quick = await t.app.inject({ method: 'POST', url: `/s/${token}`, headers: formHeaders, payload: form });
    expect(quick.statusCode, quick.body).toBe(200);
    expect(quick.headers['content-type']).toContain('text/html');
    expect(quick.headers['content-security-policy']).toMatch(/default-src 'none'/);
    expect(quick.body).toContain('Almost there: press Send once more to confirm your answer.');
    expect(quick.body).not.toContain('Thank you');
    expect(quick.body).toContain('name="score" value="4" required checked');
    expect(quick.body.match(/ checked/g)).toHaveLength(1);
    expect(quick.body).toContain('Needs &lt;b&gt;work&lt;/b&gt; &amp; &quot;care&quot; &lt;/textarea&gt;&lt;script&gt;x&lt;/script&gt;');
    expect(quick.body).not.toContain('<script>');
    expect(quick.body).toContain(`name="stamp" value="${stamp}"`);
    // A bot that posts once and leaves: kept apart, not counted.
    expect(await rows(survey.id)).toMatchObject([{ score: 4, bot: true, bot_reason: 'too_fast' }]);
    expect(await counted(survey.id)).toBe(0);

    // The person presses Send again, a moment later (over 3 s after the page was first shown): counted.
    await sleep(3100);
    const again = await t.app.inject({ method: 'POST', url: `/s/${token}`, headers: formHeaders, payload: form });
    expect(again.statusCode).toBe(303);
    expect(again.headers.location).toBe(`/s/${token}?notice=thanks`);
    expect((await rows(survey.id)).filter((r) => !r.bot)).toEqual([{ score: 4, bot: false, bot_reason: null, comment: 'Needs <b>work</b> & "care" </textarea><script>x</script>' }]);
    expect(await counted(survey.id)).toBe(1);
  });

  it('the e-mail settings tell the web banner that CANOPY_PUBLIC_URL is not set (links in customer e-mails would be relative)', async () => {
    const res = await api('GET', '/api/settings/email');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ configured: false, publicUrlConfigured: false });
  });

  it('every other bot reason still gets the very same thanks as a person', async () => {
    const { token } = await surveyed('Hal Honey');
    const page = await t.app.inject({ method: 'GET', url: `/s/${token}?score=4` });
    // Quick AND the hidden field filled: the honeypot decides, and the bot learns nothing.
    const honey = await t.app.inject({ method: 'POST', url: `/s/${token}`, headers: formHeaders, payload: new URLSearchParams({ score: '4', stamp: stampIn(page.body), website: 'x' }).toString() });
    expect(honey.statusCode).toBe(303);
    expect(honey.headers.location).toBe(`/s/${token}?notice=thanks`);
    const nostamp = await t.app.inject({ method: 'POST', url: `/s/${token}`, headers: formHeaders, payload: 'score=4' });
    expect(nostamp.headers.location).toBe(`/s/${token}?notice=thanks`);
  });

  it('reopening an answered link shows neither the earlier score nor the comment, only that sending again replaces it', async () => {
    const { survey, token } = await surveyed('Pia Private');
    const page = await t.app.inject({ method: 'GET', url: `/s/${token}?score=2` });
    await sleep(3100);
    const secret = 'Our CFO wants to cancel in March';
    const sent = await t.app.inject({ method: 'POST', url: `/s/${token}`, headers: formHeaders, payload: new URLSearchParams({ score: '2', comment: secret, stamp: stampIn(page.body) }).toString() });
    expect(sent.headers.location).toBe(`/s/${token}?notice=thanks`);
    expect(await counted(survey.id)).toBe(1);

    for (const url of [`/s/${token}`, `/s/${token}?notice=thanks`]) {
      const reopened = await t.app.inject({ method: 'GET', url });
      expect(reopened.statusCode, url).toBe(200);
      expect(reopened.body, url).not.toContain(secret);
      expect(reopened.body, url).not.toContain('CFO');
      expect(reopened.body, url).not.toMatch(/ checked/); // the earlier score is not pre-selected
      expect(reopened.body, url).toContain('<textarea id="comment" name="comment" maxlength="5000"></textarea>');
    }
    expect((await t.app.inject({ method: 'GET', url: `/s/${token}` })).body).toContain('You have answered already; sending again replaces your answer.');
    // The link's own score still pre-selects (and only it).
    const linked = await t.app.inject({ method: 'GET', url: `/s/${token}?score=9` });
    expect(linked.body).toContain('name="score" value="9" required checked');
    expect(linked.body.match(/ checked/g)).toHaveLength(1);
    expect(linked.body).not.toContain(secret);
    expect(linked.body).toContain('You have answered already; sending again replaces your answer.');
  });
});
