import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openBrowserSession, parseMoney, getJson } from './browser.js';

type Server = Awaited<ReturnType<typeof openBrowserSession>>['server'];
interface ListItem { id: string; name: string; segment: string | null; arr: number; usage: number[] }
interface AccountList { items: ListItem[]; total: number; nextCursor: string | null }
interface AccountDetail { id: string; name: string; contactCount: number }
interface ContactList { items: { id: string; name: string | null; email: string | null; title: string | null; role: string | null; phone: string | null }[] }

const SEGMENT = 'Enterprise';

describe('a CS manager works the book in the browser', () => {
  let session: Awaited<ReturnType<typeof openBrowserSession>> | undefined;
  let server: Server;
  let page: Page;

  beforeAll(async () => {
    session = await openBrowserSession();
    ({ server, page } = session);
  });

  afterAll(() => session?.close());

  const rows = () => page.locator('table.canopy-table tbody tr[data-account-id]');
  const summaryCount = async () => {
    const text = (await page.getByTestId('portfolio-summary').textContent()) ?? '';
    const m = /^([\d,]+) account/.exec(text.trim());
    if (!m?.[1]) throw new Error(`no count in summary ${JSON.stringify(text)}`);
    return Number(m[1].replace(/,/g, ''));
  };
  const api = <T>(path: string) => getJson<T>(page, server.url, path);

  it('signs in and returns to the page asked for', async () => {
    await page.goto(`${server.url}/?stage=adoption`);
    await page.waitForURL((u) => u.pathname === '/login' && u.searchParams.get('next') === '/?stage=adoption');
    await page.getByLabel('Email', { exact: true }).fill(server.adminEmail);
    await page.getByLabel('Password', { exact: true }).fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/\S/);
    expect(new URL(page.url()).pathname).toBe('/login');

    await page.getByLabel('Password', { exact: true }).fill(server.adminPassword);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Portfolio' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/');
    expect(new URL(page.url()).searchParams.get('stage')).toBe('adoption');
    await expect.poll(() => page.getByRole('combobox', { name: 'Stage' }).inputValue()).toBe('Adoption');
    await page.getByRole('button', { name: 'Reset filters', exact: true }).click();
    await page.waitForURL((u) => u.pathname === '/' && u.search === '');
  });

  it('lists the accounts of the book', async () => {
    await rows().first().waitFor();
    const all = await api<AccountList>('/api/accounts?limit=50');
    expect(all.total).toBeGreaterThan(0);
    await expect.poll(summaryCount).toBe(all.total);
    await expect.poll(() => rows().count()).toBe(Math.min(50, all.total));
    const firstName = await rows().first().locator('td[data-col="name"] a').textContent();
    expect(firstName).toBe(all.items[0]?.name);
  });

  it('filters by segment, then search narrows the list', async () => {
    const everyone = await summaryCount();
    await page.getByRole('combobox', { name: 'Segment' }).click();
    await page.getByRole('option', { name: SEGMENT, exact: true }).click();
    await page.waitForURL(/segment=Enterprise/);
    const expected = await api<AccountList>(`/api/accounts?segment=${SEGMENT}&limit=50`);
    expect(expected.total).toBeGreaterThan(0);
    expect(expected.total).toBeLessThan(everyone);
    await expect.poll(summaryCount).toBe(expected.total);
    await expect
      .poll(async () => [...new Set(await rows().locator('td[data-col="segment"]').allTextContents())])
      .toEqual([SEGMENT]);
    expect(await rows().count()).toBe(Math.min(50, expected.total));

    const target = expected.items[expected.items.length - 1];
    if (!target) throw new Error('no account in the segment');
    await page.getByLabel('Search accounts').fill(target.name);
    await page.waitForURL((u) => u.searchParams.get('q') === target.name);
    await expect.poll(summaryCount).toBeLessThan(expected.total);
    const names = await rows().locator('td[data-col="name"] a').allTextContents();
    expect(names).toContain(target.name);
    for (const n of names) expect(n.toLowerCase()).toContain(target.name.toLowerCase());
    expect(new Set(await rows().locator('td[data-col="segment"]').allTextContents())).toEqual(new Set([SEGMENT]));

    await page.getByRole('button', { name: 'Reset filters', exact: true }).click();
    await expect.poll(summaryCount).toBe(everyone);
    expect(await page.getByLabel('Search accounts').inputValue()).toBe('');
  });

  it('sorts by ARR, largest first', async () => {
    const header = page.locator('th', { hasText: 'ARR' });
    expect(await header.getAttribute('aria-sort')).toBe('none');
    await header.getByRole('button').click();
    await expect.poll(() => header.getAttribute('aria-sort')).not.toBe('none');
    if ((await header.getAttribute('aria-sort')) === 'ascending') {
      await header.getByRole('button').click();
      await expect.poll(() => header.getAttribute('aria-sort')).toBe('descending');
    }
    expect(new URL(page.url()).searchParams.get('sort')).toBe('-arr');
    expect(await header.getAttribute('aria-sort')).toBe('descending');
    const top = await api<AccountList>('/api/accounts?sort=-arr&limit=50');
    await expect.poll(() => rows().first().getAttribute('data-account-id')).toBe(top.items[0]?.id);
    const arr = (await rows().locator('td[data-col="arr"]').allTextContents()).map(parseMoney);
    expect(arr.length).toBeGreaterThan(1);
    expect(arr[0]).toBeGreaterThanOrEqual(arr[1] ?? Infinity);
    for (let i = 1; i < arr.length; i++) expect(arr[i - 1]).toBeGreaterThanOrEqual(arr[i] ?? Infinity);
    expect(parseMoney(await rows().first().locator('td[data-col="arr"]').innerText())).toBeGreaterThan(0);
  });

  it('opens an account and sees its contacts and usage, then adds a contact', async () => {
    // The biggest account that has both usage and contacts, so both cards have something to show.
    const top = await api<AccountList>('/api/accounts?sort=-arr&limit=50');
    let chosen: AccountDetail | undefined;
    for (const item of top.items.filter((i) => i.usage.some((n) => n > 0))) {
      const detail = await api<AccountDetail>(`/api/accounts/${item.id}`);
      if (detail.contactCount > 0) {
        chosen = detail;
        break;
      }
    }
    if (!chosen) throw new Error('the demo book has no account with usage and contacts');
    const account = chosen;

    await page.locator(`tr[data-account-id="${account.id}"] td[data-col="name"] a`).click();
    await page.waitForURL(`**/accounts/${account.id}`);
    await page.getByRole('heading', { name: account.name, level: 2 }).waitFor();

    const contactsTable = page.getByRole('table', { name: 'Contacts' });
    await contactsTable.waitFor();
    const before = await api<ContactList>(`/api/contacts?accountId=${account.id}&limit=200`);
    await expect.poll(() => contactsTable.locator('tbody tr').count()).toBe(Math.min(50, before.items.length));
    const firstContact = before.items.find((c) => c.name)?.name;
    if (firstContact) expect(await contactsTable.innerText()).toContain(firstContact);

    const chart = page.getByRole('img', { name: 'Daily usage chart' }).locator('canvas');
    await chart.first().waitFor();
    const box = await chart.first().boundingBox();
    expect(box?.width ?? 0).toBeGreaterThan(200);
    expect(box?.height ?? 0).toBeGreaterThan(100);

    const stamp = Date.now().toString(36);
    const contact = { name: `Dana Journey ${stamp}`, email: `dana.${stamp}@example.com`, title: 'Head of Operations', phone: '+1 555 0100' };
    await page.getByRole('button', { name: 'Add contact' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add contact' });
    await dialog.getByLabel('Name').fill(contact.name);
    await dialog.getByLabel('Email', { exact: true }).fill(contact.email);
    await dialog.getByLabel('Title').fill(contact.title);
    await dialog.getByRole('combobox', { name: 'Role' }).click();
    await page.getByRole('option', { name: 'Champion', exact: true }).click();
    await dialog.getByLabel('Phone').fill(contact.phone);
    await dialog.getByRole('button', { name: 'Add contact' }).click();
    await dialog.waitFor({ state: 'hidden' });

    const row = contactsTable.locator('tbody tr', { hasText: contact.name });
    await row.waitFor();
    expect(await row.innerText()).toContain(contact.email);
    expect(await row.innerText()).toContain('Champion');

    const after = await api<ContactList>(`/api/contacts?accountId=${account.id}&limit=200`);
    expect(after.items.length).toBe(before.items.length + 1);
    const saved = after.items.find((c) => c.email === contact.email);
    expect(saved).toMatchObject({ name: contact.name, title: contact.title, role: 'champion', phone: contact.phone });
  });
});
