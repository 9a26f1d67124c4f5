import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openBrowserSession, getJson, signInAsAdmin } from './browser.js';

type Server = Awaited<ReturnType<typeof openBrowserSession>>['server'];
interface Effects { firings: number; tasks: number; people: number; taskAssignees: { name: string; tasks: number }[] }
interface Rule { id: string; name: string; enabled: boolean; activation: string; firings: { total: number } }

/**
 * Issue 9 §5 and §8: saving a rule says what firing now would create and asks; "from now on"
 * saves without firing; a condition's value resets with its type; and the account page fits a
 * 390 px phone (Delete and the override card inside the screen).
 */
describe('acting on the whole book only on purpose, and a narrow account page', () => {
  let session: Awaited<ReturnType<typeof openBrowserSession>> | undefined;
  let server: Server;
  let page: Page;
  let csrf = '';

  beforeAll(async () => {
    session = await openBrowserSession();
    ({ server, page } = session);
  });
  afterAll(() => session?.close());

  const get = <T>(path: string) => getJson<T>(page, server.url, path);
  const post = async <T>(path: string, body: unknown, status = 200): Promise<T> => {
    const res = await page.request.post(server.url + path, { data: body, headers: { 'x-csrf-token': csrf } });
    expect(res.status(), `POST ${path} → ${res.status()} ${await res.text()}`).toBe(status);
    return (await res.json()) as T;
  };

  it('signs in as admin', async () => {
    await signInAsAdmin(page, server);
    csrf = (await get<{ csrfToken: string }>('/api/auth/me')).csrfToken;
  });

  it('a condition\'s value resets when its type changes (no "days to renewal ≥ 50000")', async () => {
    await page.goto(`${server.url}/rules/new`);
    await page.getByRole('heading', { name: 'New rule' }).waitFor();
    await page.getByRole('button', { name: 'Add condition' }).click();
    const second = page.locator('[data-condition-index="1"]');
    expect(await second.getByRole('combobox', { name: 'Condition 2 type' }).inputValue()).toBe('ARR');
    await second.getByRole('textbox', { name: 'Condition 2 value' }).fill('40');
    await second.getByRole('combobox', { name: 'Condition 2 type' }).click();
    await page.getByRole('option', { name: 'Days to renewal', exact: true }).click();
    await expect.poll(() => second.getByRole('textbox', { name: 'Condition 2 value' }).inputValue()).toBe('90 days');
    expect(await second.getByRole('combobox', { name: 'Condition 2 comparison' }).inputValue()).toBe('≤ at most');
    await second.getByRole('combobox', { name: 'Condition 2 type' }).click();
    await page.getByRole('option', { name: 'ARR', exact: true }).click();
    await expect.poll(() => second.getByRole('textbox', { name: 'Condition 2 value' }).inputValue()).toBe('$50,000');

    // Within a type too: another driver (or value ↔ score) measures something else, so its value goes.
    await second.getByRole('combobox', { name: 'Condition 2 type' }).click();
    await page.getByRole('option', { name: 'Driver', exact: true }).click();
    const driver = second.getByRole('combobox', { name: 'Condition 2 driver' });
    await driver.click();
    await page.getByRole('option').first().click();
    await second.getByRole('textbox', { name: 'Condition 2 value' }).fill('12');
    await driver.click();
    await page.getByRole('option').nth(1).click();
    await expect.poll(() => second.getByRole('textbox', { name: 'Condition 2 value' }).inputValue()).toBe('');
  });

  it('saving shows what firing now would create and asks; "from now on" saves without firing', async () => {
    const condition = { match: 'all', conditions: [{ type: 'health_band', op: 'in', bands: ['poor'] }] };
    const actions = [{ type: 'create_task', title: 'Call the customer', assignee: 'owner', priority: 3, dueInDays: 2, kind: 'todo' }];
    const expected = (await post<{ total: number; effects: Effects }>('/api/rules/dry-run', { condition, actions, windowHours: 168 })).effects;
    expect(expected.firings, 'the demo book has poor accounts').toBeGreaterThan(1);

    const name = `Poor accounts ${Date.now().toString(36)}`;
    await page.goto(`${server.url}/rules/new`);
    await page.getByRole('heading', { name: 'New rule' }).waitFor();
    await page.getByRole('textbox', { name: /^Name/ }).fill(name);
    await page.getByRole('button', { name: 'Create rule' }).click();

    const said = page.getByTestId('rule-save-now');
    await said.waitFor();
    expect(await said.getAttribute('data-firings')).toBe(String(expected.firings));
    expect(await said.getAttribute('data-tasks')).toBe(String(expected.tasks));
    const people = `${expected.people} ${expected.people === 1 ? 'person' : 'people'}`;
    expect(await said.innerText()).toBe(`This will fire for ${expected.firings} accounts now and create ${expected.tasks} tasks for ${people}.`);
    const perPerson = page.getByRole('table', { name: 'Tasks per person' }).locator('tbody tr');
    expect(await perPerson.count()).toBe(Math.min(8, expected.taskAssignees.length));
    expect(await perPerson.first().innerText()).toContain(String(expected.taskAssignees[0]?.tasks));
    await page.getByRole('button', { name: `Fire now for ${expected.firings} accounts` }).waitFor();

    await page.getByRole('button', { name: 'From now on only' }).click();
    await page.waitForURL((u) => u.pathname === '/rules');
    const saved = (await get<{ items: Rule[] }>('/api/rules')).items.find((r) => r.name === name);
    expect(saved).toMatchObject({ enabled: true, activation: 'from_now_on' });

    // The whole book evaluated now: the accounts that were poor at save time do not fire.
    await post('/api/rules/evaluate', {});
    expect((await get<Rule>(`/api/rules/${saved?.id}`)).firings.total).toBe(0);
  });

  it('the audit log names the rule that made a task and the task itself, not "system" and a UUID', async () => {
    const top = (await get<{ items: { id: string; name: string }[] }>('/api/accounts?limit=1')).items[0];
    const title = `Check in ${Date.now().toString(36)}`;
    const rule = await post<Rule>('/api/rules', {
      name: `Audit names ${Date.now().toString(36)}`, activation: 'now',
      condition: { match: 'all', conditions: [{ type: 'field', field: 'name', op: 'eq', value: top?.name }] },
      actions: [{ type: 'create_task', title, assignee: 'owner' }],
    }, 201);
    await post('/api/rules/evaluate', {});
    await page.goto(`${server.url}/admin/audit`);
    await page.getByRole('textbox', { name: 'Object type' }).fill('task');
    const row = page.getByRole('table', { name: 'Audit log' }).locator('tbody tr', { hasText: title });
    await row.waitFor();
    expect(await row.locator('[data-actor="rule"]').innerText()).toContain(rule.name);
    expect(await row.locator('[data-col="object"]').innerText()).toContain(`${title} (${top?.name})`);
    expect(await row.innerText()).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/);
  });

  it('on a 390 px screen the account page shows its Delete button and override card', async () => {
    const account = (await get<{ items: { id: string }[] }>('/api/accounts?limit=1')).items[0];
    expect(account).toBeDefined();
    await post(`/api/accounts/${account?.id}/health/override`, { score: 30, reason: 'Champion left; renewal at risk whatever the usage says', expiresAt: new Date(Date.now() + 30 * 86_400_000).toISOString() }, 201);
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${server.url}/accounts/${account?.id}`);
    const del = page.getByRole('button', { name: 'Delete', exact: true });
    const card = page.getByTestId('health-override');
    await del.waitFor();
    await card.waitFor();
    for (const [what, box] of [['Delete', await del.boundingBox()], ['override card', await card.boundingBox()]] as const) {
      expect(box, what).not.toBeNull();
      expect(box?.x ?? -1, `${what} starts inside the screen`).toBeGreaterThanOrEqual(0);
      expect((box?.x ?? 0) + (box?.width ?? 0), `${what} ends inside the 390 px screen`).toBeLessThanOrEqual(390);
    }
  });
});
