import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openBrowserSession, getJson, signInAsAdmin } from './browser.js';

type Server = Awaited<ReturnType<typeof openBrowserSession>>['server'];
interface AccountList { items: { id: string; name: string }[] }
interface ContactList { items: { id: string; name: string | null; email: string | null }[] }
interface Plan {
  id: string;
  accountId: string;
  title: string;
  goals: {
    id: string;
    statement: string;
    why: string;
    hiddenFromCustomer: boolean;
    criteria: { name: string; kind: string; driverId: string | null; driverName: string | null }[];
    milestones: { title: string; dueAt: string | null; completedAt: string | null; owner: { side: string; contactId?: string; name: string } | null; tasks: { title: string; status: string; side: string; customerEffort: number | null }[] }[];
  }[];
}
interface ShareState { link: { revokedAt: string | null } | null; viewCount: number }

const GOAL = 'From 10 days to close the books to 4 by the end of the year';
const WHY = 'Finance wants the board pack out before the first Monday of the month';
const HIDDEN_GOAL = 'Expand to the EMEA team (our idea, not theirs yet)';
const CRITERION = 'Weekly active finance users';
const MILESTONE = 'SSO live for the finance team';
const TEMPLATE = 'Onboarding e2e template';
const TEMPLATE_GOAL = 'From sign-up to the first board report in 60 days';
const TEMPLATE_MILESTONE = 'Kick-off with the sponsor';
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
const EMAIL = /[\w.+-]+@[\w-]+\.[\w.]+/;

describe('a CSM builds a success plan with the customer and shares it', () => {
  let session: Awaited<ReturnType<typeof openBrowserSession>> | undefined;
  let server: Server;
  let page: Page;
  let accountId: string;
  let accountName: string;
  let contactId: string;
  let contactName: string;
  let planId: string;
  let shareUrl: string;

  beforeAll(async () => {
    session = await openBrowserSession();
    ({ server, page } = session);
  });
  afterAll(() => session?.close());

  const api = <T>(path: string) => getJson<T>(page, server.url, path);
  const plan = () => api<Plan>(`/api/success-plans/${planId}`);
  const goalCard = (statement: string) => page.getByTestId('goal').filter({ hasText: statement });

  it('finds an account with a named contact and no plan, and sees the empty Plan card', async () => {
    await signInAsAdmin(page, server);
    const accounts = await api<AccountList>('/api/accounts?sort=-arr&limit=40');
    for (const a of accounts.items) {
      const plans = await api<{ items: unknown[] }>(`/api/accounts/${a.id}/success-plans`);
      if (plans.items.length > 0) continue;
      const contacts = await api<ContactList>(`/api/contacts?accountId=${a.id}&limit=20`);
      const named = contacts.items.find((c) => c.name);
      if (named?.name) {
        accountId = a.id;
        accountName = a.name;
        contactId = named.id;
        contactName = named.name;
        break;
      }
    }
    expect(accountId, 'an account without a plan and with a named contact').toBeTruthy();
    await page.goto(`${server.url}/accounts/${accountId}`);
    const card = page.getByTestId('plan-card');
    await card.getByTestId('plan-empty').waitFor();
    expect(await card.innerText()).toMatch(/business goals in their words/);
  });

  it('creates a plan from the card and lands on its page', async () => {
    await page.getByTestId('plan-card').getByRole('button', { name: 'Create a plan' }).click();
    const form = page.getByRole('form', { name: 'Create a success plan' });
    await form.getByLabel('Title').fill(`${accountName} — finance rollout`);
    await form.getByRole('button', { name: 'Create plan' }).click();
    await page.waitForURL(/\/plans\/[0-9a-f-]{36}$/);
    planId = new URL(page.url()).pathname.split('/').pop() ?? '';
    await page.getByTestId('plan-header').waitFor();
    expect(await page.getByTestId('plan-header').innerText()).toContain('finance rollout');
  });

  it('refuses an empty goal by field, then adds the goal in the customer’s words', async () => {
    await page.getByTestId('plan-header').getByRole('button', { name: 'Add goal' }).click();
    const form = page.getByRole('form', { name: 'Add a goal' });
    await form.getByRole('button', { name: 'Add goal' }).click();
    await expect.poll(() => form.getByText('Write the goal as the customer says it.').count()).toBe(1);
    await form.getByLabel('Goal, in the customer’s words').fill(GOAL);
    await form.getByLabel('Why it matters to them').fill(WHY);
    await form.getByRole('button', { name: 'Add goal' }).click();
    await goalCard(GOAL).waitFor();
    expect(await goalCard(GOAL).innerText()).toContain(WHY);
  });

  it('adds a criterion tied to a health driver', async () => {
    await goalCard(GOAL).getByRole('button', { name: 'Add criterion' }).click();
    const form = page.getByRole('form', { name: 'Add a success criterion' });
    await form.getByLabel('Name').fill(CRITERION);
    await form.getByLabel('Driver', { exact: true }).click();
    await page.getByRole('option').first().click();
    await form.getByLabel('Target', { exact: true }).fill('40');
    await form.getByRole('button', { name: 'Add criterion' }).click();
    await goalCard(GOAL).getByTestId('criterion').filter({ hasText: CRITERION }).waitFor();
    expect(await goalCard(GOAL).getByTestId('criterion').innerText()).toMatch(/Driver: /);
  });

  it('adds a milestone owned on the customer side', async () => {
    await goalCard(GOAL).getByRole('button', { name: 'Add milestone' }).click();
    const form = page.getByRole('form', { name: 'Add a milestone' });
    await form.getByLabel('Milestone').fill(MILESTONE);
    await form.getByText('Customer side', { exact: true }).click();
    await form.getByLabel('Owner (customer side)', { exact: true }).click();
    await page.getByRole('option', { name: contactName, exact: true }).first().click();
    await form.getByRole('button', { name: 'Add milestone' }).click();
    const milestone = goalCard(GOAL).getByTestId('milestone').filter({ hasText: MILESTONE });
    await milestone.waitFor();
    expect(await milestone.innerText()).toContain(contactName);
    expect(await milestone.innerText()).toContain('Customer');
  });

  it('gives the milestone a customer task with its effort, ticks it, then marks the milestone done', async () => {
    const milestone = goalCard(GOAL).getByTestId('milestone').filter({ hasText: MILESTONE });
    await milestone.getByRole('button', { name: 'Add task' }).click();
    const form = page.getByRole('form', { name: 'Add a task' });
    await form.getByLabel('Task').fill('Send the SAML metadata');
    expect(await form.getByLabel('Owner (customer side)', { exact: true }).inputValue()).toBe(contactName);
    await form.getByRole('button', { name: 'Add task' }).click();
    const task = milestone.getByTestId('plan-task').filter({ hasText: 'Send the SAML metadata' });
    await task.waitFor();
    expect(await task.innerText()).toMatch(/effort 3/);
    await task.getByRole('checkbox').click();
    await expect.poll(async () => (await plan()).goals[0]?.milestones[0]?.tasks[0]?.status).toBe('done');
    await expect.poll(() => milestone.innerText()).toMatch(/all tasks done/i);
    await milestone.getByRole('checkbox', { name: `Mark “${MILESTONE}” done` }).click();
    await expect.poll(async () => (await plan()).goals[0]?.milestones[0]?.completedAt).toBeTruthy();
    await milestone.getByRole('checkbox', { name: `Mark “${MILESTONE}” not done` }).click();
    await expect.poll(async () => (await plan()).goals[0]?.milestones[0]?.completedAt ?? null).toBeNull();
  });

  it('adds a second goal hidden from the customer', async () => {
    await page.getByTestId('plan-header').getByRole('button', { name: 'Add goal' }).click();
    const form = page.getByRole('form', { name: 'Add a goal' });
    await form.getByLabel('Goal, in the customer’s words').fill(HIDDEN_GOAL);
    await form.getByRole('switch', { name: 'Hide from the customer' }).click();
    await form.getByRole('button', { name: 'Add goal' }).click();
    await goalCard(HIDDEN_GOAL).waitFor();
  });

  it('stored what the screen shows', async () => {
    const p = await plan();
    expect(p.accountId).toBe(accountId);
    expect(p.goals).toHaveLength(2);
    const goal = p.goals.find((g) => g.statement === GOAL);
    expect(goal).toMatchObject({ why: WHY, hiddenFromCustomer: false });
    expect(goal?.criteria).toHaveLength(1);
    expect(goal?.criteria[0]).toMatchObject({ name: CRITERION, kind: 'driver' });
    expect(goal?.criteria[0]?.driverId).toMatch(UUID);
    expect(goal?.milestones[0]).toMatchObject({ title: MILESTONE, owner: { side: 'customer', contactId, name: contactName } });
    expect(p.goals.find((g) => g.statement === HIDDEN_GOAL)?.hiddenFromCustomer).toBe(true);
  });

  it('creates a share link and shows its URL once', async () => {
    const panel = page.getByTestId('share-panel');
    await expect.poll(() => panel.getByTestId('share-status').innerText()).toContain('Not shared yet');
    await panel.getByRole('button', { name: 'Create link' }).click();
    const input = panel.getByLabel('Share link', { exact: true });
    await input.waitFor();
    shareUrl = await input.inputValue();
    expect(shareUrl).toMatch(/\/shared\/plans\//);
    await expect.poll(() => panel.getByTestId('share-status').innerText()).toMatch(/shared/i);
  });

  it('the customer sees the goal and the milestone, and nothing internal, in a fresh browser', async () => {
    const browser = session?.browser;
    if (!browser) throw new Error('no browser');
    const context = await browser.newContext();
    try {
      const customer = await context.newPage();
      const res = await customer.goto(shareUrl);
      expect(res?.status()).toBe(200);
      const text = await customer.locator('body').innerText();
      expect(text).toContain(GOAL);
      expect(text).toContain(MILESTONE);
      expect(text).toContain(CRITERION);
      expect(text).not.toContain(HIDDEN_GOAL);
      expect(text).not.toMatch(UUID);
      expect(text).not.toMatch(EMAIL);
      expect(text).not.toMatch(/\bARR\b/);
      expect(text).not.toMatch(/health score/i);
      expect(text).not.toMatch(/\$\s?\d/);
      const robots = await customer.locator('meta[name="robots"]').getAttribute('content');
      expect(robots).toMatch(/noindex/);

      await expect.poll(async () => (await api<ShareState>(`/api/success-plans/${planId}/share`)).viewCount).toBeGreaterThan(0);

      // Revoked: the same link answers 404.
      const panel = page.getByTestId('share-panel');
      await panel.getByRole('button', { name: 'Revoke link' }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'Revoke link' }).click();
      await expect.poll(() => panel.getByTestId('share-status').innerText()).toMatch(/revoked/i);
      const again = await customer.reload();
      expect(again?.status()).toBe(404);
      expect(await customer.locator('body').innerText()).not.toContain(GOAL);
    } finally {
      await context.close();
    }
  });

  it('builds a template and applies it to the plan: offsets become dates, roles become people', async () => {
    await page.goto(`${server.url}/plan-templates`);
    await page.getByRole('link', { name: 'New template' }).click();
    const form = page.getByRole('form', { name: 'Plan template' });
    await form.getByRole('button', { name: 'Create template' }).click();
    await expect.poll(() => form.getByRole('alert').innerText()).toMatch(/Check the highlighted fields?/);
    await form.getByRole('textbox', { name: /^Name/ }).fill(TEMPLATE);
    await form.getByLabel('Goal', { exact: true }).fill(TEMPLATE_GOAL);
    await form.getByLabel('Milestone 1 title').fill(TEMPLATE_MILESTONE);
    await form.getByRole('button', { name: 'Create template' }).click();
    await page.waitForURL(/\/plan-templates\/[0-9a-f-]{36}$/);

    await page.goto(`${server.url}/plans/${planId}`);
    await page.getByRole('button', { name: 'Plan actions' }).click();
    await page.getByRole('menuitem', { name: 'Apply a template' }).click();
    const apply = page.getByRole('form', { name: 'Apply a template' });
    await apply.getByLabel('Template', { exact: true }).click();
    await page.getByRole('option', { name: TEMPLATE }).click();
    await apply.getByRole('button', { name: 'Apply' }).click();
    await goalCard(TEMPLATE_GOAL).getByTestId('milestone').filter({ hasText: TEMPLATE_MILESTONE }).waitFor();

    const applied = (await plan()).goals.find((g) => g.statement === TEMPLATE_GOAL);
    const due = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
    expect(applied?.milestones[0]).toMatchObject({ title: TEMPLATE_MILESTONE, owner: { side: 'vendor' } });
    expect(Math.abs(Date.parse(applied?.milestones[0]?.dueAt ?? '') - Date.parse(due))).toBeLessThanOrEqual(86_400_000);
  });

  it('shows the plan on the account page card and on the dashboard', async () => {
    await page.goto(`${server.url}/accounts/${accountId}`);
    const card = page.getByTestId('plan-card');
    await card.getByRole('link', { name: 'Open plan' }).waitFor();
    await expect.poll(() => card.getByTestId('next-milestones').innerText()).toContain(MILESTONE);
    expect(await card.getByTestId('criteria-met').innerText()).toMatch(/0\/1 criteria met/);
    await page.getByRole('link', { name: 'Success plans' }).click();
    await page.getByTestId('plans-by-status').waitFor();
    const table = page.getByRole('table', { name: 'Success plans' });
    await table.locator(`[data-plan-id="${planId}"]`).waitFor();
  });
});
