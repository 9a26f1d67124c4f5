import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openBrowserSession, getJson, signInAsAdmin } from './browser.js';

type Server = Awaited<ReturnType<typeof openBrowserSession>>['server'];
interface AccountList { items: { id: string; name: string }[] }
interface ContactList { items: { id: string; name: string | null; email: string | null }[] }
interface Talk { label: string; spans: { phrase: string; polarity: string; category: string }[] }
interface CheckInOut {
  id: string;
  activityId: string | null;
  contact: { id: string; name: string } | null;
  importance: number;
  confidence: number;
  quadrant: string;
  whatWouldMoveHigher: string | null;
  talk: { whyNotLower: Talk | null; whatWouldMoveHigher: Talk | null };
}
interface Readiness { initiatives: { id: string; title: string; checkIns: CheckInOut[]; openRequest: { id: string; contactId: string } | null }[] }
interface Capacity { capacity: number; used: number; left: number; given: { taskId: string; title: string }[]; asks: { id: string; label: string; overload: boolean; cost: number }[] }
interface TaskOut { id: string; title: string; givesSpoon: boolean; customerEffort: number | null; assignee: { type: string; id: string; name: string } | null }

const INITIATIVE = 'Roll out SSO (e2e)';
const WHY = 'It matters to us because the audit is in June.';
const HIGHER = 'I really want to use the new feature but I am just too busy right now.';
const NOTES = 'They want to get SSO done before the audit.';
const MILESTONE = 'SSO configured (e2e)';
const PLAN_TASK = 'Send the SAML metadata (e2e)';
const TASK = 'Configure the SAML app in Okta (e2e)';

describe('readiness: a check-in from a call, and an ask over the customer’s capacity', () => {
  let session: Awaited<ReturnType<typeof openBrowserSession>> | undefined;
  let server: Server;
  let page: Page;
  let accountId: string;
  let contactName: string;

  /** Requests for an account without its id (`/api/accounts//…`): none may leave any screen of the journey. */
  const emptyIdRequests: string[] = [];

  beforeAll(async () => {
    session = await openBrowserSession();
    ({ server, page } = session);
    page.on('request', (r) => {
      if (r.url().includes('/api/accounts//')) emptyIdRequests.push(r.url());
    });
  });
  afterAll(() => session?.close());

  const api = <T>(path: string) => getJson<T>(page, server.url, path);
  const logForm = () => page.getByRole('form', { name: 'Log activity' });
  /** POST with the page's session and CSRF token: setting the scene the journey does not cover. */
  const post = async <T>(path: string, body: unknown): Promise<T> => {
    const res = await page.evaluate(
      async ({ path, body }) => {
        const me = (await (await fetch('/api/auth/me')).json()) as { csrfToken: string };
        const r = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': me.csrfToken }, body: JSON.stringify(body) });
        return { status: r.status, body: (await r.json()) as unknown };
      },
      { path, body },
    );
    expect(res.status, `POST ${path} → ${res.status} ${JSON.stringify(res.body)}`).toBe(201);
    return res.body as T;
  };

  it('logs a call with a check-in and sees the quadrant and the highlighted phrases', async () => {
    await signInAsAdmin(page, server);
    const accounts = await api<AccountList>('/api/accounts?sort=-arr&limit=20');
    for (const a of accounts.items) {
      const contacts = await api<ContactList>(`/api/contacts?accountId=${a.id}&limit=5&sort=name`);
      const named = contacts.items.find((c) => c.name);
      if (named?.name) {
        accountId = a.id;
        contactName = named.name;
        break;
      }
    }
    expect(accountId, 'a demo account with a named contact').toBeTruthy();
    await page.goto(`${server.url}/accounts/${accountId}`);
    await page.getByTestId('readiness-card').waitFor();

    const form = logForm();
    await form.getByLabel('Subject').fill('Call about the SSO rollout');
    await form.getByLabel('Notes').fill(NOTES);
    await form.getByLabel('Check-in').check({ force: true });
    const section = form.getByTestId('check-in-section');
    const existing = section.getByRole('radio', { name: 'A new initiative' });
    if ((await existing.count()) > 0) await existing.click({ force: true });
    await section.getByLabel('New initiative').fill(INITIATIVE);
    await section.getByRole('combobox', { name: 'Who answered' }).click();
    await page.getByRole('option', { name: contactName, exact: true }).first().click();
    await section.getByRole('radiogroup', { name: 'Importance' }).getByRole('radio', { name: '8', exact: true }).click();
    // Confidence by keyboard: 2, then the right arrow moves the choice to 3.
    const confidence = section.getByRole('radiogroup', { name: 'Confidence' });
    await confidence.getByRole('radio', { name: '2', exact: true }).click();
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => confidence.getByRole('radio', { name: '3', exact: true }).getAttribute('aria-checked')).toBe('true');
    await section.getByLabel('Why did you pick that number and not a lower one?').fill(WHY);
    await section.getByLabel('What would it take to move it to a higher number?').fill(HIGHER);
    await form.getByRole('button', { name: 'Log call' }).click();

    const outcome = form.getByTestId('check-in-outcome');
    await outcome.waitFor();
    await expect.poll(() => outcome.getByTestId('quadrant-badge').getAttribute('data-quadrant')).toBe('enable');
    await expect.poll(() => outcome.getByText(INITIATIVE, { exact: false }).count()).toBeGreaterThan(0);
    // The answer's change talk ("really want") and sustain talk ("too busy") are marked, each named for screen readers.
    await expect.poll(() => outcome.locator('mark[data-talk="change"]').count()).toBeGreaterThan(0);
    await expect.poll(() => outcome.locator('mark[data-talk="sustain"]').count()).toBeGreaterThan(0);
    const sustain = (await outcome.locator('mark[data-talk="sustain"]').first().textContent()) ?? '';
    expect(sustain).toMatch(/busy/i);
    expect(sustain).toMatch(/\(sustain talk \(/);

    // The API agrees: one check-in on the new initiative, from this call, by this contact, in "enable".
    const readiness = await api<Readiness>(`/api/accounts/${accountId}/readiness`);
    const initiative = readiness.initiatives.find((i) => i.title === INITIATIVE);
    expect(initiative?.checkIns).toHaveLength(1);
    const ci = initiative?.checkIns[0];
    expect(ci).toMatchObject({ importance: 8, confidence: 3, quadrant: 'enable', whatWouldMoveHigher: HIGHER, contact: { name: contactName } });
    expect(ci?.activityId).toBeTruthy();
    expect(ci?.talk.whatWouldMoveHigher?.spans.some((s) => s.polarity === 'sustain')).toBe(true);

    // The readiness card shows the initiative in its quadrant with the recommendation.
    const row = page.getByTestId('readiness-card').locator(`[data-initiative-id="${initiative?.id ?? ''}"]`);
    await expect.poll(() => row.getByTestId('quadrant-badge').getAttribute('data-quadrant')).toBe('enable');
    await row.getByTestId('recommendation').waitFor();

    // A CSM corrects the label of the first answer: kept, and shown as corrected wherever that text appears.
    await outcome.getByRole('button', { name: 'Correct the label' }).first().click();
    const current = await outcome.getByTestId('talk-badge').first().getAttribute('data-label');
    const choice = current === 'neutral' ? 'Sustain talk' : 'Neutral';
    await page.getByRole('menuitem', { name: choice }).click();
    await expect.poll(() => outcome.getByTestId('talk-badge').first().innerText()).toMatch(/corrected/i);
    const corrections = await api<{ items: { text: string; label: string; sourceKind: string | null; sourceId: string | null }[] }>('/api/change-talk/corrections?limit=5');
    expect(corrections.items[0]).toMatchObject({ text: WHY, label: choice === 'Neutral' ? 'neutral' : 'sustain', sourceKind: 'check_in', sourceId: ci?.id });

    // The recommendation's "give a spoon" creates our task for this initiative, once however fast it is clicked,
    // and then says the spoon was given instead of offering the button again.
    const spoonCount = async () => (await api<{ items: TaskOut[] }>(`/api/tasks?accountId=${accountId}&limit=100`)).items.filter((t) => t.givesSpoon).length;
    const spoonsBefore = await spoonCount();
    await row.getByTestId('recommendation').getByRole('button', { name: 'Give a spoon: create our task' }).dblclick();
    await row.getByTestId('spoon-given').waitFor();
    expect(await row.getByTestId('spoon-given').innerText()).toMatch(/^Spoon given: .+ \(open\)$/);
    expect(await row.getByTestId('spoon-given').getByRole('link').getAttribute('href')).toMatch(new RegExp(`^/accounts/${accountId}#task-`));
    expect(await row.getByRole('button', { name: 'Give a spoon: create our task' }).count()).toBe(0);
    expect(await spoonCount()).toBe(spoonsBefore + 1);

    // Ask the contact by e-mail: the request is open on the initiative.
    await row.getByRole('button', { name: 'Ask by e-mail' }).click();
    const ask = page.getByRole('dialog', { name: `Ask by e-mail: ${INITIATIVE}` });
    await ask.getByRole('combobox', { name: 'Contact' }).click();
    await page.getByRole('option').first().click();
    await ask.getByRole('button', { name: 'Send' }).click();
    await ask.waitFor({ state: 'detached' });
    await expect.poll(() => row.innerText()).toMatch(/asked by e-mail/);
    const asked = await api<Readiness>(`/api/accounts/${accountId}/readiness`);
    expect(asked.initiatives.find((i) => i.id === initiative?.id)?.openRequest).toBeTruthy();

    // The timeline shows the call's notes with their change talk marked.
    const item = page.locator(`[data-item-id="activity:${ci?.activityId ?? ''}"]`);
    await item.waitFor();
    await expect.poll(() => item.locator('mark[data-talk="change"]').count()).toBeGreaterThan(0);
  });

  it('refuses a customer task over capacity with the dialog, and "give a spoon" creates our task', async () => {
    // Lower the account's capacity to one spoon through the card.
    const card = page.getByTestId('capacity-card');
    await card.getByRole('button', { name: 'Edit capacity' }).click();
    const edit = page.getByRole('form', { name: 'Edit capacity' });
    await edit.getByLabel(/^Spoons per/).fill('1');
    await edit.getByRole('button', { name: 'Save' }).click();
    await edit.waitFor({ state: 'detached' });
    await expect.poll(async () => (await api<Capacity>(`/api/accounts/${accountId}/capacity`)).capacity).toBeLessThanOrEqual(1);
    const before = await api<Capacity>(`/api/accounts/${accountId}/capacity`);

    await page.getByRole('button', { name: 'Add task' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add task' });
    await dialog.getByLabel('Title').fill(TASK);
    await dialog.getByRole('combobox', { name: 'Assignee' }).click();
    await page.getByRole('option', { name: new RegExp(`^${contactName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`) }).first().click();
    await dialog.getByLabel('Customer effort').fill('3');
    await dialog.getByRole('button', { name: 'Add task' }).click();

    const warning = page.getByTestId('capacity-exceeded');
    await warning.waitFor();
    await expect.poll(() => warning.getByTestId('spoon-pips').count()).toBe(1);
    await expect.poll(() => warning.getByText(/costs 3 spoons/).count()).toBe(1);
    // Escape is "Back": the warning closes, the task form stays open with what was typed.
    await page.keyboard.press('Escape');
    await warning.waitFor({ state: 'detached' });
    expect(await dialog.isVisible()).toBe(true);
    expect(await dialog.getByLabel('Title').inputValue()).toBe(TASK);
    expect(await dialog.getByLabel('Customer effort').inputValue()).toBe('3');
    await dialog.getByRole('button', { name: 'Add task' }).click();
    await warning.waitFor();
    await warning.getByRole('button', { name: 'Give a spoon instead' }).click();
    await dialog.waitFor({ state: 'detached' });

    // Our task, a spoon given, costing the customer nothing; their capacity unchanged.
    const tasks = await api<{ items: TaskOut[] }>(`/api/tasks?accountId=${accountId}&limit=100`);
    const ours = tasks.items.filter((t) => t.title === TASK);
    expect(ours).toHaveLength(1);
    expect(ours[0]).toMatchObject({ givesSpoon: true, assignee: { type: 'user' } });
    expect(ours[0]?.customerEffort ?? 0).toBe(0);
    const after = await api<Capacity>(`/api/accounts/${accountId}/capacity`);
    expect(after.used).toBe(before.used);
    expect(after.given.map((g) => g.title)).toContain(TASK);
    await expect.poll(() => page.getByTestId('capacity-given').getByText(TASK).count()).toBe(1);

    // Asking for a check-in by e-mail over capacity: the same warning, and "give a spoon" does it for them instead.
    const spoonTasks = async () => (await api<{ items: TaskOut[] }>(`/api/tasks?accountId=${accountId}&limit=100`)).items.filter((t) => t.givesSpoon).length;
    const spoonsBefore = await spoonTasks();
    type Open = { initiatives: { title: string; openRequest: { id: string } | null }[] };
    const openRequest = async () => (await api<Open>(`/api/accounts/${accountId}/readiness`)).initiatives.find((i) => i.title === INITIATIVE)?.openRequest?.id ?? null;
    const requestBefore = await openRequest();
    await page.getByTestId('readiness-card').getByTestId('initiative').filter({ hasText: INITIATIVE }).getByRole('button', { name: 'Ask by e-mail' }).click();
    const ask = page.getByRole('dialog', { name: `Ask by e-mail: ${INITIATIVE}` });
    await ask.getByRole('combobox', { name: 'Contact' }).click();
    // Another contact than the one asked above: asking that one again returns its open request (nothing charged).
    expect(await page.getByRole('option').count()).toBeGreaterThan(1);
    await page.getByRole('option').nth(1).click();
    await ask.getByRole('button', { name: 'Send' }).click();
    await page.getByTestId('capacity-exceeded').getByRole('button', { name: 'Give a spoon instead' }).click();
    await ask.waitFor({ state: 'detached' });
    // The initiative's open spoon task (given from its recommendation above) is the one: not a second.
    expect(await spoonTasks()).toBe(spoonsBefore);
    expect(await openRequest()).toBe(requestBefore);
  });

  it("asks anyway from the plan's milestone-task form (the overload is recorded), then gives the spoon from the capacity card", async () => {
    const contacts = await api<ContactList>(`/api/contacts?accountId=${accountId}&limit=5&sort=name`);
    const contact = contacts.items.find((c) => c.name === contactName);
    const plans = await api<{ items: { id: string }[] }>(`/api/accounts/${accountId}/success-plans`);
    const planId = plans.items[0]?.id ?? (await post<{ id: string }>(`/api/accounts/${accountId}/success-plans`, { title: 'Security rollout (e2e)' })).id;
    const goal = await post<{ id: string }>(`/api/success-plans/${planId}/goals`, { statement: 'From passwords to SSO for everyone by June (e2e)' });
    await post(`/api/goals/${goal.id}/milestones`, { title: MILESTONE, dueAt: null, ownerContactId: contact?.id });

    await page.goto(`${server.url}/plans/${planId}`);
    const milestone = page.getByTestId('milestone').filter({ hasText: MILESTONE });
    await milestone.getByRole('button', { name: 'Add task' }).click();
    const form = page.getByRole('form', { name: 'Add a task' });
    await form.getByLabel('Task').fill(PLAN_TASK);
    await form.getByRole('button', { name: 'Add task' }).click();

    const warning = page.getByTestId('capacity-exceeded');
    await warning.waitFor();
    await warning.getByRole('button', { name: 'Ask anyway (record an overload)' }).click();
    await form.waitFor({ state: 'detached' });
    await milestone.getByTestId('plan-task').filter({ hasText: PLAN_TASK }).waitFor();

    const cap = await api<Capacity>(`/api/accounts/${accountId}/capacity`);
    const ask = cap.asks.find((a) => a.label.includes(PLAN_TASK));
    expect(ask).toMatchObject({ overload: true, cost: 3 });
    expect(cap.left).toBeLessThan(0);

    // On the account page the capacity lists it, and "do it" gives the spoon after all: theirs cancelled, ours created.
    await page.goto(`${server.url}/accounts/${accountId}`);
    await page.getByTestId('capacity-asks').getByRole('button', { name: `Give a spoon: do “${PLAN_TASK}” for them` }).click();
    await expect.poll(async () => (await api<Capacity>(`/api/accounts/${accountId}/capacity`)).given.map((g) => g.title)).toContain(PLAN_TASK);
    const later = await api<Capacity>(`/api/accounts/${accountId}/capacity`);
    expect(later.asks.some((a) => a.label.includes(PLAN_TASK))).toBe(false);
    expect(later.used).toBe(cap.used - 3);
  });

  it('counts the account on the readiness dashboard and classifies a text on the change-talk page', async () => {
    await page.getByRole('link', { name: 'Readiness', exact: true }).click();
    await page.getByRole('heading', { name: 'Readiness', level: 2 }).waitFor();
    const summary = await api<{ quadrants: { quadrant: string; accounts: number }[] }>('/api/readiness/summary');
    const enable = summary.quadrants.find((q) => q.quadrant === 'enable')?.accounts ?? 0;
    expect(enable).toBeGreaterThan(0);
    await expect.poll(() => page.getByTestId('quadrant-enable-accounts').innerText()).toMatch(new RegExp(`^${enable}\\b`));
    // The cell opens the accounts behind its number: this account among them, with its latest check-in.
    await page.getByRole('link', { name: /^Enable: show the \d+ accounts?$/ }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('quadrant')).toBe('enable');
    const listed = page.getByTestId('quadrant-accounts');
    await listed.locator(`[data-account-id="${accountId}"]`).waitFor();
    expect(await listed.locator(`[data-account-id="${accountId}"]`).innerText()).toMatch(/Importance \d+ · confidence \d+/);
    expect(await listed.locator('tbody tr').count()).toBe(Math.min(enable, 50));

    await page.getByRole('link', { name: 'Change talk', exact: true }).click();
    await page.getByLabel('What the customer said').fill("We'd love to roll it out, but we're too busy right now.");
    await page.getByRole('button', { name: 'Classify' }).click();
    const result = page.getByTestId('classify-result');
    await result.waitFor();
    await expect.poll(() => result.locator('mark[data-talk="sustain"]').count()).toBeGreaterThan(0);
    await expect.poll(() => result.getByTestId('talk-badge').getAttribute('data-label')).toBe('sustain');
    expect(emptyIdRequests).toEqual([]);
  });
});
