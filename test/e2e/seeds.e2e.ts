import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openBrowserSession, getJson, signInAsAdmin } from './browser.js';

type Server = Awaited<ReturnType<typeof openBrowserSession>>['server'];
interface AccountList { items: { id: string; name: string }[] }
interface ContactList { items: { id: string; name: string | null }[] }
interface Activities { items: { id: string; subject: string; kind: string }[] }
interface Question { id: string; text: string; theme: string; variants: string[]; record: { planted: number } }
interface SeedOut {
  id: string;
  questionId: string | null;
  text: string;
  activityId: string | null;
  contactId: string | null;
  stage: string;
  reaction: string | null;
  goalId: string | null;
  goalStatement: string | null;
  events: { kind: string; activityId: string | null; note: string | null; moved: boolean; toStage: string }[];
}
interface Plans { items: { id: string; goals: { id: string; statement: string; harvestedFromSeedId?: string | null }[] }[] }

const QUESTION = 'What if your managers never asked for the Monday report again?';
const THEME = 'reporting e2e';
const GOAL = 'From 6 hours of Monday reporting to none by the end of the quarter';

describe('a CSM plants a seed from the log-activity form and grows it into a goal', () => {
  let session: Awaited<ReturnType<typeof openBrowserSession>> | undefined;
  let server: Server;
  let page: Page;
  let accountId: string;
  let contactId: string;
  let contactName: string;
  let questionId: string;
  let activityId: string;
  let seedId: string;

  beforeAll(async () => {
    session = await openBrowserSession();
    ({ server, page } = session);
  });
  afterAll(() => session?.close());

  const api = <T>(path: string) => getJson<T>(page, server.url, path);
  const logForm = () => page.getByRole('form', { name: 'Log activity' });
  const card = () => page.getByTestId('seeds-card');
  const row = () => card().locator(`[data-seed-id="${seedId}"]`);
  const seed = async () => (await api<{ items: SeedOut[] }>(`/api/accounts/${accountId}/seeds`)).items.find((s) => s.id === seedId);
  const record = async (what: string) => {
    await row().getByRole('button', { name: /^Record for/ }).click();
    await page.getByRole('menuitem', { name: what, exact: true }).click();
  };

  it('adds a question to the library', async () => {
    await signInAsAdmin(page, server);
    await page.getByRole('link', { name: 'Seed library' }).click();
    await page.getByRole('heading', { name: 'Seed library' }).waitFor();
    await page.getByRole('button', { name: 'Add a question' }).click();
    const form = page.getByRole('form', { name: 'Add a question' });
    await form.getByLabel('Question').fill(QUESTION);
    await form.getByLabel(/^Theme/).fill(THEME);
    await form.getByLabel('Variants').fill('Who would notice first if the Monday report stopped?\nWhat would your managers do with those six hours?');
    await form.getByRole('button', { name: 'Add question' }).click();
    await form.waitFor({ state: 'detached' });

    const table = page.getByRole('table', { name: 'Seed questions' });
    await expect.poll(() => table.getByText(QUESTION).count()).toBe(1);
    const questions = await api<{ items: Question[] }>('/api/seed-questions');
    const q = questions.items.find((x) => x.text === QUESTION);
    expect(q).toMatchObject({ theme: THEME, variants: ['Who would notice first if the Monday report stopped?', 'What would your managers do with those six hours?'] });
    questionId = q?.id ?? '';
    await page.getByTestId('seed-funnel').waitFor();
  });

  it('logs a call and plants the question in it, in one step', async () => {
    const accounts = await api<AccountList>('/api/accounts?sort=-arr&limit=20');
    for (const a of accounts.items) {
      const contacts = await api<ContactList>(`/api/contacts?accountId=${a.id}&limit=5`);
      const named = contacts.items.find((c) => c.name);
      if (named?.name) {
        accountId = a.id;
        contactId = named.id;
        contactName = named.name;
        break;
      }
    }
    expect(accountId, 'an account with a named contact').toBeTruthy();
    const before = (await api<{ items: SeedOut[] }>(`/api/accounts/${accountId}/seeds`)).items.length;
    await page.goto(`${server.url}/accounts/${accountId}`);
    // The account page is the heaviest chunk; on a busy machine it can take a while the first time.
    await logForm().waitFor({ timeout: 60_000 });
    await card().waitFor({ timeout: 60_000 });

    await logForm().getByLabel('Subject').fill('Monthly check-in (seed journey)');
    await logForm().getByRole('switch', { name: 'Plant a seed' }).click();
    const question = logForm().getByRole('combobox', { name: 'Question' });
    await question.click();
    await question.fill('e2e'); // searches the theme too
    await page.getByRole('option', { name: new RegExp(QUESTION.replace(/[?]/g, '\\?')) }).click();
    await expect.poll(() => logForm().getByTestId('chosen-question-record').innerText()).toContain('never planted');
    await logForm().getByRole('combobox', { name: 'Asked to' }).click();
    await page.getByRole('option', { name: contactName, exact: true }).first().click();
    await logForm().getByRole('button', { name: 'Log call' }).click();

    await expect.poll(async () => (await api<{ items: SeedOut[] }>(`/api/accounts/${accountId}/seeds`)).items.length).toBe(before + 1);
    const activities = await api<Activities>(`/api/activities?accountId=${accountId}&limit=5`);
    const logged = activities.items.find((a) => a.subject === 'Monthly check-in (seed journey)');
    expect(logged, 'the activity was logged').toBeTruthy();
    activityId = logged?.id ?? '';
    const planted = (await api<{ items: SeedOut[] }>(`/api/accounts/${accountId}/seeds`)).items.find((s) => s.activityId === activityId);
    expect(planted, 'the seed is linked to the activity').toMatchObject({ questionId, text: QUESTION, contactId, stage: 'planted' });
    seedId = planted?.id ?? '';

    await expect.poll(() => row().getByTestId('seed-stage').getAttribute('data-stage')).toBe('planted');
    expect(await row().innerText()).toContain(`Asked to ${contactName}`);
    expect(await row().getByTestId('seed-reask').innerText()).toContain('Who would notice first');
    expect(await logForm().getByLabel('Subject').inputValue()).toBe('');
  });

  it('records a strong reaction', async () => {
    await record('Reaction');
    const form = page.getByRole('form', { name: 'Record the reaction' });
    await form.getByLabel('Strong positive').check();
    await form.getByRole('button', { name: 'Record' }).click();
    await form.waitFor({ state: 'detached' });
    await expect.poll(() => row().getByTestId('seed-stage').getAttribute('data-stage')).toBe('reacted');
    expect(await row().getByTestId('seed-reaction').innerText()).toBe('Strong positive');
    expect(await seed()).toMatchObject({ stage: 'reacted', reaction: 'strong_positive' });
  });

  it('a follow-up without evidence is refused on the field; with the activity it sprouts', async () => {
    await record('Customer followed up');
    const form = page.getByRole('form', { name: 'The customer followed up' });
    await form.getByRole('button', { name: 'Record' }).click();
    await expect.poll(() => form.getByText(/needs its evidence/).count()).toBe(1);
    expect((await seed())?.stage).toBe('reacted');

    await form.getByRole('combobox', { name: 'In which activity' }).click();
    await page.getByRole('option', { name: /Monthly check-in \(seed journey\)/ }).click();
    await form.getByRole('button', { name: 'Record' }).click();
    await form.waitFor({ state: 'detached' });
    await expect.poll(() => row().getByTestId('seed-stage').getAttribute('data-stage')).toBe('sprouted');
    const s = await seed();
    expect(s?.stage).toBe('sprouted');
    expect(s?.events.find((e) => e.kind === 'follow_up')).toMatchObject({ activityId, moved: true, toStage: 'sprouted' });
  });

  it('the customer raises it themselves: rooted', async () => {
    await record('Raised by the customer');
    const form = page.getByRole('form', { name: 'The customer raised it themselves' });
    await form.getByLabel('Or a note').fill('Their VP asked in the steering meeting whether the Monday report could go.');
    await form.getByRole('button', { name: 'Record' }).click();
    await form.waitFor({ state: 'detached' });
    await expect.poll(() => row().getByTestId('seed-stage').getAttribute('data-stage')).toBe('rooted');
    expect((await seed())?.stage).toBe('rooted');
  });

  it('harvests it into a goal of the success plan in one click', async () => {
    await row().getByRole('button', { name: 'Harvest into a goal' }).click();
    const form = page.getByRole('form', { name: 'Harvest into a goal' });
    // The goal is the customer's words, not the question: empty, with the question it grew from above it.
    expect(await form.getByLabel(/^Goal/).inputValue()).toBe('');
    expect(await form.innerText()).toMatch(/Grew from:[\s\S]*Monday report/);
    await form.getByRole('button', { name: 'Harvest into a goal' }).click();
    await expect.poll(() => form.innerText()).toMatch(/required|Write the goal|Enter/i);
    await form.getByLabel(/^Goal/).fill(GOAL);
    await form.getByLabel('Why it matters to them').fill('Their analysts spend Mondays on it instead of on the customers.');
    await form.getByRole('button', { name: 'Harvest into a goal' }).click();
    await form.waitFor({ state: 'detached' });

    await expect.poll(() => row().getByTestId('seed-stage').getAttribute('data-stage')).toBe('harvested');
    const s = await seed();
    expect(s).toMatchObject({ stage: 'harvested', goalStatement: GOAL });
    expect(s?.goalId).toBeTruthy();
    const plans = await api<Plans>(`/api/accounts/${accountId}/success-plans`);
    const goal = plans.items.flatMap((p) => p.goals).find((g) => g.id === s?.goalId);
    expect(goal, 'the goal exists in the account plan').toMatchObject({ statement: GOAL });
    await expect.poll(() => row().getByTestId('seed-goal').innerText()).toContain(GOAL);

    // The evidence, in order.
    await row().getByRole('button', { name: /^Evidence/ }).click();
    const kinds = await row().getByTestId('seed-events').locator('[data-event-kind]').evaluateAll((els) => els.map((e) => e.getAttribute('data-event-kind')));
    expect(kinds.filter((k) => k !== 'planted')).toEqual(['reaction', 'follow_up', 'raised_by_customer', 'harvested']);
  });

  it('the library counts the harvest', async () => {
    const q = await api<Question & { record: { planted: number; harvestedShare: number | null } }>(`/api/seed-questions/${questionId}`);
    expect(q.record).toMatchObject({ planted: 1, harvestedShare: 1 });
  });
});
