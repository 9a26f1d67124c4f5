import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openBrowserSession, getJson, signInAsAdmin } from './browser.js';

type Server = Awaited<ReturnType<typeof openBrowserSession>>['server'];

/**
 * The list screens share one ListPage component: each shows its title, its table (named for
 * assistive technology and these tests) with one row per item the API lists, or its empty state.
 */
describe('list pages on the shared ListPage', () => {
  let session: Awaited<ReturnType<typeof openBrowserSession>> | undefined;
  let server: Server;
  let page: Page;

  beforeAll(async () => {
    session = await openBrowserSession();
    ({ server, page } = session);
    await signInAsAdmin(page, server);
  });
  afterAll(() => session?.close());

  const get = <T>(path: string) => getJson<T>(page, server.url, path);
  const post = async <T>(path: string, data: unknown): Promise<T> => {
    const { csrfToken } = await get<{ csrfToken: string }>('/api/auth/me');
    const res = await page.request.post(server.url + path, { data, headers: { 'x-csrf-token': csrfToken } });
    expect(res.status(), `POST ${path} → ${await res.text()}`).toBe(201);
    return (await res.json()) as T;
  };
  const open = async (path: string, title: string) => {
    await page.goto(server.url + path);
    await page.getByRole('heading', { name: title, level: 2 }).waitFor();
  };
  const bodyRows = (table: string) => page.getByRole('table', { name: table }).locator('tbody tr');

  it('drivers, rules and playbooks: one row per item the API lists (drivers carry their key)', async () => {
    const drivers = await get<{ key: string }[] | { items: { key: string }[] }>('/api/drivers');
    const driverKeys = (Array.isArray(drivers) ? drivers : drivers.items).map((d) => d.key);
    await open('/drivers', 'Drivers');
    await expect.poll(() => bodyRows('Drivers').count(), { timeout: 10_000 }).toBe(driverKeys.length);
    expect((await bodyRows('Drivers').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-driver-key')))).sort()).toEqual([...driverKeys].sort());

    // The demo book has no rules, playbooks or escalations of its own: these pages get theirs here.
    await post('/api/rules', { name: 'Poor accounts get a call', condition: { match: 'all', conditions: [{ type: 'health_band', op: 'in', bands: ['poor'] }] }, actions: [{ type: 'create_task', title: 'Call them', assignee: 'owner' }] });
    await open('/rules', 'Rules');
    const rules = (await get<{ items: unknown[] }>('/api/rules')).items;
    expect(rules.length).toBeGreaterThan(0);
    await expect.poll(() => bodyRows('Rules').count(), { timeout: 10_000 }).toBe(rules.length);

    await post('/api/playbooks', { name: 'Stalled onboarding', steps: [{ kind: 'task', title: 'Book a kickoff', dueOffsetDays: 2, assignee: 'owner' }] });
    await open('/playbooks', 'Playbooks');
    const playbooks = await get<unknown[] | { items: unknown[] }>('/api/playbooks');
    const n = (Array.isArray(playbooks) ? playbooks : playbooks.items).length;
    expect(n).toBeGreaterThan(0);
    await expect.poll(() => bodyRows('Playbooks').count(), { timeout: 10_000 }).toBe(n);

    // "Show archived" asks the API again and the page stays alive (it once froze the tab).
    const asked = page.waitForRequest((r) => r.url().includes('/api/playbooks?includeArchived=true'), { timeout: 10_000 });
    await page.getByLabel('Show archived').check({ force: true });
    await asked;
    await expect.poll(() => bodyRows('Playbooks').count(), { timeout: 10_000 }).toBeGreaterThanOrEqual(n);
    expect(await page.evaluate(() => 1 + 1)).toBe(2);
  });

  it('users: the signed-in admin is listed; API keys: a created key appears, the empty state goes', async () => {
    await open('/admin/users', 'Users');
    await bodyRows('Users').filter({ hasText: server.adminEmail }).waitFor();

    await open('/admin/api-keys', 'API keys');
    const keyName = `list-page ${Date.now().toString(36)}`;
    const me = await get<{ csrfToken: string }>('/api/auth/me');
    const created = await page.request.post(`${server.url}/api/api-keys`, { data: { name: keyName, kind: 'write' }, headers: { 'x-csrf-token': me.csrfToken } });
    expect(created.status(), await created.text()).toBe(201);
    await page.reload();
    await bodyRows('API keys').filter({ hasText: keyName }).waitFor();
    expect(await page.getByText('No API keys yet.').count()).toBe(0);

    // A manager reads the same list (names, roles, prefixes) but may neither create nor revoke.
    const email = `manager-${Date.now().toString(36)}@example.test`;
    const password = 'a manager reads the key list';
    const made = await page.request.post(`${server.url}/api/users`, { data: { email, name: 'Key Reader', role: 'manager', password }, headers: { 'x-csrf-token': me.csrfToken } });
    expect(made.status(), await made.text()).toBe(201);
    if (!session) throw new Error('no browser session');
    const context = await session.browser.newContext();
    try {
      const other = await context.newPage();
      await other.goto(`${server.url}/login`);
      await other.getByLabel('Email', { exact: true }).fill(email);
      await other.getByLabel('Password', { exact: true }).fill(password);
      await other.getByRole('button', { name: 'Sign in' }).click();
      await other.getByRole('heading', { name: 'Portfolio' }).waitFor();
      await other.getByRole('link', { name: 'API keys' }).click();
      await other.getByRole('table', { name: 'API keys' }).locator('tbody tr').filter({ hasText: keyName }).waitFor();
      expect(await other.getByRole('button', { name: 'Create key' }).count()).toBe(0);
      expect(await other.getByRole('button', { name: 'Revoke' }).count()).toBe(0);
    } finally {
      await context.close();
    }
  });

  it('audit log: a filter narrows the rows; "Show" opens the changes under the row', async () => {
    await open('/admin/audit', 'Audit log');
    await page.getByLabel('Action').fill('api_key.create');
    // The key created above was audited: once the debounced filter applies, only its action is listed.
    const onlyThatAction = async () => {
      const texts = await bodyRows('Audit log').allInnerTexts();
      return texts.length > 0 && texts.every((t) => t.includes('api_key.create'));
    };
    await expect.poll(onlyThatAction, { timeout: 10_000 }).toBe(true);
    const rowsBefore = await bodyRows('Audit log').count();
    const show = page.getByRole('table', { name: 'Audit log' }).getByRole('button', { name: /Show \(/ }).first();
    await show.click();
    await expect.poll(() => bodyRows('Audit log').count()).toBe(rowsBefore + 1);
    expect(await page.getByRole('table', { name: 'Audit log' }).locator('.canopy-json').count()).toBe(1);
  });

  it('escalations: sorting by a header goes to the URL and to aria-sort', async () => {
    await open('/escalations?status=all', 'Escalations');
    const [account] = (await get<{ items: { id: string }[] }>('/api/accounts?limit=1')).items;
    const me = await get<{ user: { id: string } }>('/api/auth/me');
    const { user: support } = await post<{ user: { id: string } }>('/api/users', { email: `support-${Date.now().toString(36)}@canopy.test`, name: 'Support person', role: 'csm' });
    for (const severity of ['low', 'critical']) {
      await post('/api/escalations', {
        accountId: account?.id, title: `Outage (${severity})`, description: 'Exports fail', severity, contactIds: [],
        members: [{ userId: me.user.id, role: 'manager' }, { userId: support.id, role: 'support' }],
      });
    }
    await page.reload();
    const header = page.getByRole('table', { name: 'Escalations' }).locator('th[data-sortable="true"]', { hasText: 'Severity' });
    await header.waitFor();
    expect(await header.getAttribute('aria-sort')).toBe('none');
    await header.getByRole('button').click();
    await page.waitForURL(/sort=-severity/);
    await expect.poll(() => header.getAttribute('aria-sort')).toBe('descending');
    await expect.poll(async () => (await bodyRows('Escalations').first().innerText()).includes('Outage (critical)')).toBe(true);
    await header.getByRole('button').click();
    await page.waitForURL(/sort=severity/);
    await expect.poll(async () => (await bodyRows('Escalations').first().innerText()).includes('Outage (low)')).toBe(true);
  });

  it('webhooks: the list and the allow-list card beneath it', async () => {
    await open('/admin/webhooks', 'Webhooks');
    const hooks = (await get<{ items: unknown[] }>('/api/webhooks')).items;
    if (hooks.length === 0) await page.getByText('No webhooks yet.', { exact: false }).waitFor();
    else await expect.poll(() => bodyRows('Webhooks').count()).toBe(hooks.length);
    await page.getByText('Webhooks and Slack never reach loopback', { exact: false }).waitFor();
  });
});
