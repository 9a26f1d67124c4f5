import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openBrowserSession, getJson, signInAsAdmin } from './browser.js';

/**
 * Issue 9 §4, one set of numbers: a CSM's override shows in the portfolio (with the computed
 * score beside it) and a rule's dry run respects it; the portfolio, the health dashboard and the
 * dry run say the same "N accounts, M active".
 */
type Server = Awaited<ReturnType<typeof openBrowserSession>>['server'];
interface DryRun { total: number; evaluated: number; evaluatedActive: number; items: { accountId: string; name: string; arr: number }[] }
interface Book { accounts: number; active: number; churned: number; activeArr: number; churnedArr: number; overridden: number }
const POOR = { match: 'all', conditions: [{ type: 'health_band', op: 'in', bands: ['poor'] }] };
const fmt = (n: number) => n.toLocaleString('en-US');

describe('effective health in the browser', () => {
  let session: Awaited<ReturnType<typeof openBrowserSession>> | undefined;
  let server: Server;
  let page: Page;
  let csrf = '';
  let target: { accountId: string; name: string } | undefined;
  let computed: number | null = null;

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

  it('signs in and overrides the health of a poor account to good', async () => {
    await signInAsAdmin(page, server);
    csrf = (await get<{ csrfToken: string }>('/api/auth/me')).csrfToken;

    const poor = await post<DryRun>('/api/rules/dry-run', { condition: POOR, limit: 1000 });
    expect(poor.total, 'the demo book has poor accounts').toBeGreaterThan(1);
    target = poor.items[0];
    if (!target) throw new Error('no poor account');
    computed = (await get<{ score: number | null }>(`/api/accounts/${target.accountId}/health`)).score;
    await post(`/api/accounts/${target.accountId}/health/override`, { score: 88, reason: 'Renewal signed verbally', expiresAt: new Date(Date.now() + 14 * 86_400_000).toISOString() }, 201);
    expect((await post<DryRun>('/api/rules/dry-run', { condition: POOR, limit: 1000 })).total).toBe(poor.total - 1);
  });

  it('the portfolio shows the override, with the computed score beside it, and counts the book as the dashboard does', async () => {
    if (!target) throw new Error('no target');
    await page.goto(`${server.url}/?q=${encodeURIComponent(target.name)}`);
    const row = page.locator(`tr[data-account-id="${target.accountId}"]`);
    await row.waitFor();
    expect(await row.getByLabel(/^Health 88, Good$/).count()).toBe(1);
    expect(await row.getByTestId('override-mark').innerText()).toBe(`overridden (computed ${computed ?? 'none'})`);

    // Among good accounts, not among poor ones.
    await page.goto(`${server.url}/?band=poor`);
    await page.locator('tr[data-account-id]').first().waitFor();
    expect(await page.locator(`tr[data-account-id="${target.accountId}"]`).count()).toBe(0);

    const { book } = await get<{ book: Book }>('/api/health/summary');
    expect(book.overridden).toBeGreaterThanOrEqual(1);
    await page.goto(`${server.url}/`);
    const summary = page.getByTestId('portfolio-summary');
    await expect.poll(() => summary.innerText()).toMatch(new RegExp(`^${fmt(book.accounts)} accounts${book.churned ? `, ${fmt(book.active)} active` : ''} · \\$`));
    const portfolioText = await summary.innerText();

    await page.getByRole('link', { name: 'Health', exact: true }).click();
    const dashboard = page.getByTestId('health-book');
    await expect.poll(() => dashboard.innerText()).toMatch(new RegExp(`^${fmt(book.accounts)} accounts${book.churned ? `, ${fmt(book.active)} active` : ''} · \\$`));
    // The same ARR text on both screens.
    const arrOf = (s: string) => /· (\$[\d.,]+[kMB]?) ARR/.exec(s)?.[1];
    expect(arrOf(portfolioText)).toBeDefined();
    expect(arrOf(await dashboard.innerText())).toBe(arrOf(portfolioText));
    expect(await page.getByTestId('health-overridden').innerText()).toMatch(/\d+ accounts? by an override/);
  });

  it('a rule dry run in the rule builder respects the override and says what it evaluated', async () => {
    if (!target) throw new Error('no target');
    const expected = await post<DryRun>('/api/rules/dry-run', { condition: POOR, limit: 200 });
    await page.goto(`${server.url}/rules/new`);
    await page.getByRole('textbox', { name: /^Name/ }).fill('Poor accounts');
    const first = page.locator('[data-condition-index="0"]');
    expect(await first.getByRole('combobox', { name: 'Condition 1 type' }).inputValue()).toBe('Health band');
    await page.getByRole('button', { name: 'Dry run' }).click();
    const total = page.getByTestId('dry-run-total');
    await total.waitFor();
    await expect.poll(() => total.getAttribute('data-total')).toBe(String(expected.total));
    const rows = page.getByRole('table', { name: 'Matching accounts' }).locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(Math.min(expected.total, 200));
    expect(await page.locator(`[data-testid="dry-run"] tr[data-account-id="${target.accountId}"]`).count()).toBe(0);
    const { book } = await get<{ book: Book }>('/api/health/summary');
    expect(await page.getByTestId('dry-run-evaluated').innerText()).toContain(`of ${fmt(book.accounts)} accounts${book.churned ? `, ${fmt(book.active)} active` : ''} evaluated`);
  });
});
