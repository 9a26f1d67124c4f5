import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { openBrowserSession, getJson, signInAsAdmin } from './browser.js';

type Server = Awaited<ReturnType<typeof openBrowserSession>>['server'];
interface Outbox { items: { recipient: string; subject: string; body: string; account: { id: string } | null }[] }
interface Results {
  responses: number;
  bots: number;
  nps?: { score: number | null; n: number };
  comments: { comment: string; score: number; changeTalk: { spans: unknown[] } }[];
}

const COMMENT = 'We really want to roll out the dashboards to every team next quarter.';

/**
 * Issue 11 in the browser: an admin creates an NPS survey and sends it to a contact from the app;
 * the contact opens the e-mail's score link in a fresh browser (no session): the score is
 * pre-selected and nothing is recorded until they press Send on the page; then the survey's results
 * show the answer and its comment.
 */
describe('a survey sent from the app and answered on its public page', () => {
  let session: Awaited<ReturnType<typeof openBrowserSession>> | undefined;
  let server: Server;
  let page: Page;
  let stranger: BrowserContext | undefined;
  let csrf = '';
  let surveyId = '';
  let link = '';
  const stamp = Date.now().toString(36);
  const accountName = `Survey Co ${stamp}`;
  const email = `nora-${stamp}@survey.test`;
  const surveyName = `Quarterly NPS ${stamp}`;

  beforeAll(async () => {
    session = await openBrowserSession();
    ({ server, page } = session);
  });
  afterAll(async () => {
    await stranger?.close();
    await session?.close();
  });

  const api = <T>(path: string) => getJson<T>(page, server.url, path);
  const post = async <T>(path: string, body: unknown): Promise<T> => {
    const res = await page.request.post(server.url + path, { data: body, headers: { 'x-csrf-token': csrf } });
    expect(res.status(), `POST ${path} → ${res.status()} ${await res.text()}`).toBe(201);
    return (await res.json()) as T;
  };

  it('creates an NPS survey from the surveys page', async () => {
    await signInAsAdmin(page, server);
    const me = await api<{ user: { id: string }; csrfToken: string }>('/api/auth/me');
    csrf = me.csrfToken;
    const account = await post<{ id: string }>('/api/accounts', { name: accountName, ownerId: me.user.id });
    await post('/api/contacts', { accountId: account.id, name: 'Nora Answer', email, role: 'champion' });
    await post('/api/contacts', { accountId: account.id, name: 'Sam Nomail', role: 'user' });

    await page.getByRole('link', { name: 'Surveys' }).click();
    await page.getByRole('heading', { name: 'Surveys', exact: true }).waitFor();
    await page.getByRole('button', { name: 'New survey' }).click();
    const form = page.getByRole('form', { name: 'New survey' });
    await form.getByLabel('Name').fill(surveyName);
    // The NPS default question is there already; the throttle defaults to 90 days.
    expect(await form.getByLabel('Question').inputValue()).toBe('How likely are you to recommend us to a friend or colleague?');
    expect(await form.getByLabel('Throttle').inputValue()).toBe('90 days');
    await form.getByRole('button', { name: 'Create survey' }).click();
    await form.waitFor({ state: 'detached' });

    await page.getByRole('heading', { name: surveyName }).waitFor();
    surveyId = /\/surveys\/([^/?#]+)/.exec(page.url())?.[1] ?? '';
    const survey = await api<{ kind: string; throttleDays: number; stats: { sent: number } }>(`/api/surveys/${surveyId}`);
    expect(survey).toMatchObject({ kind: 'nps', throttleDays: 90, stats: { sent: 0 } });
  });

  it('sends it after a dry run that names who is skipped and why; the e-mail reaches the outbox with score links', async () => {
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    const modal = page.getByRole('dialog', { name: `Send ${surveyName}` });
    await modal.getByText('Chosen contacts').click();
    // One person found by name across the book, one among the contacts of the account.
    await modal.getByLabel('Or find people').fill('Sam Nomail');
    // A person found across the book is named with their account.
    await modal.getByRole('checkbox', { name: `Sam Nomail · ${accountName}` }).check();
    await modal.getByLabel('Account', { exact: true }).fill(accountName);
    await page.getByRole('option', { name: accountName }).click();
    await modal.getByRole('checkbox', { name: /Nora Answer/ }).check();
    expect(await modal.getByText('2 chosen').isVisible()).toBe(true);
    await modal.getByRole('button', { name: 'Preview who gets it' }).click();
    const preview = modal.getByTestId('send-preview');
    await preview.getByText('Would be sent to 1 contact').waitFor();
    // Who is skipped, and why.
    const skipped = preview.getByRole('table', { name: 'Skipped contacts' }).locator('tbody tr');
    expect(await skipped.count()).toBe(1);
    expect(await skipped.first().getAttribute('data-reason')).toBe('no_email');
    expect(await skipped.first().innerText()).toMatch(/Sam Nomail[\s\S]*No e-mail address/);
    // A dry run writes nothing.
    expect((await api<Outbox>('/api/outbox?audience=customer&limit=100')).items.some((m) => m.recipient === email)).toBe(false);

    await modal.getByRole('button', { name: 'Send to 1 contact' }).click();
    await modal.getByTestId('send-done').getByText('Sent to 1 contact').waitFor();
    expect(await modal.getByTestId('send-done').getByRole('table', { name: 'Skipped contacts' }).locator('tbody tr').count()).toBe(1);
    await modal.getByRole('button', { name: 'Close' }).click();

    const mail = (await api<Outbox>('/api/outbox?audience=customer&limit=100')).items.find((m) => m.recipient === email);
    expect(mail?.subject).toBe('One quick question');
    // The outbox shows the e-mail without its personal links (only the customer may answer);
    // the link is read from the queued e-mail itself, as the mailer will send it.
    expect(mail?.body).toContain('/s/[personal link]?score=9');
    const { rows: [queued] } = await server.database.query<{ body: string }>('SELECT body FROM outbound_messages WHERE recipient = $1', [email]);
    link = /(\S*\/s\/[A-Za-z0-9_-]{43}\?score=9)\b/.exec(queued?.body ?? '')?.[1] ?? '';
    expect(link, queued?.body).not.toBe('');
  });

  it('opens the score link in a fresh browser: 9 is chosen, nothing is recorded until Send', async () => {
    const browser = session?.browser;
    if (!browser) throw new Error('no browser');
    stranger = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const visitor = await stranger.newPage();
    const opened = Date.now();
    await visitor.goto(new URL(link, server.url).toString());
    await visitor.getByRole('heading', { name: 'How likely are you to recommend us to a friend or colleague?' }).waitFor();
    expect(await visitor.getByText('Hi Nora,').isVisible()).toBe(true);
    expect(await visitor.getByRole('radio', { name: '9' }).isChecked()).toBe(true);
    expect(await visitor.getByRole('radio', { name: '10' }).isChecked()).toBe(false);

    const before = await api<Results>(`/api/surveys/${surveyId}/results`);
    expect(before).toMatchObject({ responses: 0, bots: 0, comments: [] });

    await visitor.getByLabel('What is the main reason for your score?').fill(COMMENT);
    // The page refuses answers sent faster than a person could (3 s): wait like a person.
    await visitor.waitForTimeout(Math.max(0, 3_500 - (Date.now() - opened)));
    await visitor.getByRole('button', { name: 'Send' }).click();
    await visitor.getByText('Thank you: your answer was sent to the team.').waitFor();
  });

  it('shows the answer in the results: 1 response, NPS +100, the comment with its change talk', async () => {
    const results = await api<Results>(`/api/surveys/${surveyId}/results`);
    expect(results).toMatchObject({ responses: 1, bots: 0, nps: { score: 100, n: 1 } });
    expect(results.comments.map((c) => [c.score, c.comment])).toEqual([[9, COMMENT]]);

    await page.reload();
    await expect.poll(() => page.getByTestId('survey-responses').innerText()).toMatch(/responses\s+1\s+of 1 contact asked/i);
    expect(await page.getByTestId('survey-headline').innerText()).toContain('+100');
    expect(await page.getByTestId('survey-headline').innerText()).toContain('n = 1');
    const comments = page.getByRole('table', { name: 'Survey comments' });
    await comments.getByText(/roll out the dashboards/).first().waitFor();
    const row = comments.locator('tbody tr').first();
    expect(await row.locator('[data-score]').innerText()).toBe('9');
    expect(await row.innerText()).toContain('Nora Answer');
    expect(await row.innerText()).toContain(accountName);
    // "really want to" is change talk (desire): the API marks it and the page highlights it.
    expect(results.comments[0]?.changeTalk.spans.length ?? 0).toBeGreaterThan(0);
    expect(await row.locator('mark[data-talk="change"]').count()).toBeGreaterThan(0);
    await page.getByTestId('survey-distribution').waitFor();

    // The account page's card shows the same answer.
    await page.getByRole('link', { name: accountName }).first().click();
    const card = page.getByTestId('surveys-card');
    await card.getByText(/roll out the dashboards/).waitFor();
    expect(await card.locator('[data-score]').first().innerText()).toBe('9');
  });

  it('from the account: a second ask to its contacts is refused by the throttle, with the reason named', async () => {
    await page.getByTestId('surveys-card').getByRole('button', { name: 'Send a survey' }).click();
    const modal = page.getByRole('dialog', { name: 'Send a survey' });
    await modal.getByLabel('Survey', { exact: true }).click();
    await page.getByRole('option', { name: `${surveyName} (NPS)` }).click();
    // All contacts of the account (the default there): Nora was surveyed minutes ago, Sam has no address.
    await modal.getByRole('button', { name: 'Preview who gets it' }).click();
    const preview = modal.getByTestId('send-preview');
    await preview.getByText('Nobody would be sent').waitFor();
    const reasons = await preview.getByRole('table', { name: 'Skipped contacts' }).locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-reason')));
    expect(reasons.sort()).toEqual(['no_email', 'throttled']);
    expect(await preview.innerText()).toContain('Surveyed recently');
    expect(await modal.getByRole('button', { name: /^Send to/ }).count()).toBe(0);
    await modal.getByRole('button', { name: 'Cancel' }).click();
    const sent = await api<{ stats: { sent: number } }>(`/api/surveys/${surveyId}`);
    expect(sent.stats.sent).toBe(1);
  });

  it('shows the same not-found page for an id that is not a survey id as for an unknown one, without asking the API', async () => {
    const asked: string[] = [];
    const track = (r: { url: () => string }) => {
      if (r.url().includes('/api/surveys/not-a-uuid')) asked.push(r.url());
    };
    page.on('request', track);
    for (const id of ['not-a-uuid', '00000000-0000-4000-8000-000000000000']) {
      await page.goto(`${server.url}/surveys/${id}`);
      await page.getByRole('heading', { name: 'Not here' }).waitFor();
      expect(await page.getByText('This survey does not exist.').isVisible()).toBe(true);
      expect(await page.getByText('Could not load').count()).toBe(0);
    }
    page.off('request', track);
    expect(asked).toEqual([]);
  });

  it('shows a survey with many comments a page at a time: the total, then "Show more" loads the rest', async () => {
    const other = await post<{ id: string }>('/api/surveys', { name: `Many comments ${stamp}`, kind: 'nps', question: 'Recommend us?', emailSubject: 'One question' });
    // 55 answers with a comment (bulk rows: the answering itself is covered above).
    await server.database.query(
      `WITH c AS (SELECT id, account_id FROM contacts WHERE email = $2),
            r AS (INSERT INTO survey_recipients (survey_id, account_id, contact_id, token_hash, sent_at)
                  SELECT $1, c.account_id, c.id, md5(random()::text || g), now() - interval '2 days' FROM c, generate_series(1, 55) g RETURNING id, account_id, contact_id)
       INSERT INTO survey_responses (survey_id, recipient_id, account_id, contact_id, score, comment, answered_at)
       SELECT $1, r.id, r.account_id, r.contact_id, 8, 'Bulk comment ' || row_number() OVER (), now() - interval '1 day' FROM r`,
      [other.id, email],
    );
    await page.goto(`${server.url}/surveys/${other.id}`);
    const table = page.getByRole('table', { name: 'Survey comments' });
    await table.locator('tbody tr').first().waitFor();
    expect(await table.locator('tbody tr').count()).toBe(50);
    expect(await page.getByText(/55 comments \(50 loaded/).isVisible()).toBe(true);
    const more = page.getByTestId('comments-more');
    expect(await more.innerText()).toContain('5 not shown yet');
    await more.click();
    await expect.poll(() => table.locator('tbody tr').count()).toBe(55);
    expect(await page.getByTestId('comments-more').count()).toBe(0);
    const shown = await table.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-response-id')));
    expect(new Set(shown).size).toBe(55);
  });
});
