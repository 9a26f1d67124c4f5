import fs from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { getJson, openBrowserSession, signInAsAdmin } from './browser.js';

type Session = Awaited<ReturnType<typeof openBrowserSession>>;

/**
 * Issue 13 in the browser: a CSV of accounts goes in through the wizard (mapping confirmed, the
 * ambiguous date format picked by hand, the dry run's one bad row seen, the import watched to the
 * end, an imported account opened); a saved view of the portfolio comes back as it was saved; and
 * the portfolio's CSV export neutralises a formula in an account name.
 */

// Every date has a day of 12 or less: the file cannot tell DD/MM from MM/DD, so the user must pick.
const EVIL = "=cmd|' /C calc'!A0 E2E";
const CSV = [
  'Company,Website,mrr_amount,Renewal date',
  'Lindqvist Freight E2E,lindqvist-e2e.example,"1,250.00",03/04/2027',
  'Okafor Dental E2E,okafor-e2e.example,800,05/06/2027',
  `"${EVIL.replace(/"/g, '""')}",cmd-e2e.example,100,07/08/2027`,
  'Broken Row E2E,broken-e2e.example,not-a-number,09/10/2027',
  'Marsh Analytics E2E,marsh-e2e.example,2400,11/12/2027',
].join('\r\n');

describe('import, saved views and export in the browser', () => {
  let session: Session | undefined;
  let page: Page;
  let url = '';

  beforeAll(async () => {
    session = await openBrowserSession();
    page = session.page;
    url = session.server.url;
    await signInAsAdmin(page, session.server);
  });
  afterAll(() => session?.close());

  const get = <T>(path: string) => getJson<T>(page, url, path);

  it('imports a CSV of accounts: mapping with a picked date format, a dry run with one error, progress to done, an imported account', async () => {
    await page.goto(`${url}/imports`);
    await page.getByRole('heading', { name: 'Imports', level: 2 }).waitFor();
    await page.getByRole('link', { name: 'New import' }).first().click();
    await page.getByRole('heading', { name: 'New import' }).waitFor();

    await page.locator('[data-kind="accounts"]').click();
    await page.getByRole('button', { name: 'Next: upload' }).click();
    await page.locator('input[type="file"]').setInputFiles({ name: 'accounts-e2e.csv', mimeType: 'text/csv', buffer: Buffer.from(CSV, 'utf8') });
    await expect.poll(() => page.getByTestId('chosen-file').innerText()).toContain('accounts-e2e.csv');

    // The mapping: Company → name, mrr_amount → MRR, the date column waits for its format.
    const step = page.getByTestId('mapping-step');
    await step.waitFor({ timeout: 30_000 });
    const fieldOf = (column: string) => step.locator(`[data-column="${column}"]`).getByLabel(`Field for ${column}`);
    await expect.poll(() => fieldOf('Company').inputValue()).toMatch(/name/i);
    expect(await fieldOf('mrr_amount').inputValue()).toMatch(/mrr/i);
    expect(await fieldOf('Website').inputValue()).toMatch(/domain/i);
    expect(await step.locator('[data-column="Company"]').getByTestId('column-samples').innerText()).toContain('Lindqvist Freight E2E');
    const confirm = page.getByRole('button', { name: 'Confirm mapping' });
    expect(await confirm.isDisabled(), 'an ambiguous date column blocks the mapping until a format is picked').toBe(true);
    const format = step.locator('[data-column="Renewal date"]').getByLabel('Format of Renewal date');
    await format.click();
    await page.getByRole('option', { name: 'DD/MM/YYYY', exact: true }).click();
    await expect.poll(() => confirm.isDisabled()).toBe(false);
    await confirm.click();

    // Options: upsert, skip bad rows; then the dry run.
    await page.getByLabel(/^Create or update/).check();
    await page.getByLabel(/^Skip it/).check();
    await page.getByRole('button', { name: 'Dry run', exact: true }).click();
    const dry = page.getByTestId('dry-run');
    const rows = dry.getByTestId('import-rows');
    await rows.waitFor({ timeout: 60_000 });
    const badge = (k: string) => rows.locator(`[data-count="${k}"]`).innerText();
    expect(await badge('errors')).toMatch(/^1 /);
    expect(await badge('created')).toMatch(/^4 /);
    const errorRow = rows.locator('tr[data-action="error"]');
    expect(await errorRow.count()).toBe(1);
    expect(await errorRow.getAttribute('data-row')).toBe('4');
    expect(await errorRow.innerText()).toContain('mrr_amount');
    expect(await dry.getByRole('link', { name: 'Download rejected rows (CSV)' }).getAttribute('href')).toMatch(/\/api\/imports\/[^/]+\/errors\.csv$/);
    // Nothing written by the dry run.
    expect((await get<{ total: number }>('/api/accounts?search=E2E&limit=5')).total).toBe(0);

    // The import, watched to the end.
    await dry.getByRole('button', { name: 'Import', exact: true }).click();
    const progress = page.getByTestId('import-progress');
    await progress.waitFor({ timeout: 30_000 });
    await page.getByTestId('import-summary').waitFor({ timeout: 90_000 });
    expect(await progress.getAttribute('data-status')).toMatch(/done|completed|succeeded|finished/);
    const summary = page.getByTestId('import-summary');
    expect(await summary.locator('[data-count="created"]').innerText()).toMatch(/^4 /);
    expect(await summary.locator('[data-count="errors"]').innerText()).toMatch(/^1 /);
    const listed = await get<{ total: number; items: { name: string; arr: number }[] }>('/api/accounts?search=E2E&limit=10');
    expect(listed.total).toBe(4);
    // mrr_amount is monthly: ARR is 12 × 1,250.00.
    expect(listed.items.find((a) => a.name === 'Lindqvist Freight E2E')?.arr).toBe(15_000);

    await summary.getByTestId('open-imported-account').click();
    await page.waitForURL(/\/accounts\/[0-9a-f-]+$/);
    const id = page.url().split('/').pop() ?? '';
    const account = await get<{ name: string; renewalDate: string | null }>(`/api/accounts/${id}`);
    expect(account.name).toMatch(/E2E$/);
    await page.getByRole('heading', { name: account.name }).first().waitFor();
    const okafor = listed.items.find((a) => a.name === 'Okafor Dental E2E');
    expect(okafor).toBeTruthy();

    // The list of imports shows it, done, with its counts.
    await page.goto(`${url}/imports`);
    const table = page.getByTestId('imports-table');
    await table.waitFor();
    expect(await table.innerText()).toContain('accounts-e2e.csv');
  }, 240_000);

  it('a saved view of the portfolio comes back with its filters, columns and sort', async () => {
    await page.goto(`${url}/?q=E2E&sort=-arr&cols=name,arr,renewalDate`);
    const table = page.locator('table.canopy-table');
    await table.waitFor();
    expect(await table.locator('thead th').count()).toBe(3);
    await page.getByRole('button', { name: 'Save view' }).click();
    const form = page.getByRole('form', { name: 'Save view' });
    await form.getByLabel('Name').fill('Imported, biggest first (e2e)');
    await form.getByLabel('Make it my default').check();
    await form.getByRole('button', { name: 'Save view' }).click();
    await form.waitFor({ state: 'detached' });
    const views = await get<unknown>('/api/views?scope=portfolio');
    const list = (Array.isArray(views) ? views : (views as { items: unknown[] }).items) as { name: string; state: { filters: Record<string, unknown>; columns: string[]; sort: string } }[];
    const saved = list.find((v) => v.name === 'Imported, biggest first (e2e)');
    // As the list API and the export name them.
    expect(saved?.state).toEqual({ filters: { search: 'E2E' }, columns: ['name', 'arr', 'renewalDate'], sort: '-arr' });

    // Elsewhere, then back through the picker.
    await page.goto(`${url}/?stage=onboarding`);
    await table.waitFor();
    await page.getByRole('button', { name: 'Saved views' }).click();
    await page.getByRole('menuitem', { name: /Imported, biggest first \(e2e\)/ }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('sort')).toBe('-arr');
    const sp = new URL(page.url()).searchParams;
    expect(sp.get('q')).toBe('E2E');
    expect(sp.get('stage')).toBeNull();
    expect(sp.get('cols')).toBe('name,arr,renewalDate');
    await expect.poll(() => table.locator('thead th').count()).toBe(3);
    await expect.poll(async () => (await table.locator('tbody tr td[data-col="name"]').allInnerTexts()).map((t) => t.split('\n')[0])).toEqual(['Marsh Analytics E2E', 'Lindqvist Freight E2E', 'Okafor Dental E2E', EVIL]);

    // The default applies on a bare portfolio.
    await page.goto(`${url}/`);
    await expect.poll(() => new URL(page.url()).searchParams.get('q')).toBe('E2E');
  }, 120_000);

  it('exports the portfolio as CSV with the current filters and columns; a formula in a name is neutralised', async () => {
    await page.goto(`${url}/?q=cmd&cols=name,arr`);
    await page.locator('table.canopy-table').waitFor();
    const link = page.getByTestId('export-csv');
    const href = (await link.getAttribute('href')) ?? '';
    expect(href).toContain('/api/accounts/export.csv?');
    expect(new URL(href, url).searchParams.get('search')).toBe('cmd');
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    const text = await fs.readFile((await download.path()) ?? '', 'utf8');
    const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/).filter(Boolean);
    expect(lines.length).toBe(2);
    expect(lines[1]?.startsWith(`"'=cmd`) || lines[1]?.startsWith(`'=cmd`), lines[1]).toBe(true);
    expect(lines[1]).toContain(',1200');
  }, 60_000);
});
