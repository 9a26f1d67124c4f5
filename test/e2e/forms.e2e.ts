import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { getJson, openBrowserSession, signInAsAdmin } from './browser.js';

type Server = Awaited<ReturnType<typeof openBrowserSession>>['server'];
interface AccountDetail { id: string; name: string; domain: string | null; arr: number; contractStart: string | null; renewalDate: string | null }

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

/**
 * Issue 9, part 7: the account form says what is wrong next to each field, in words, with the
 * API's own schemas, and sends nothing until it is right; nothing is clamped or cleared.
 */
describe('the account form says what is wrong, in words', () => {
  let session: Awaited<ReturnType<typeof openBrowserSession>> | undefined;
  let server: Server;
  let page: Page;
  const posts: string[] = [];

  beforeAll(async () => {
    session = await openBrowserSession();
    ({ server, page } = session);
    page.on('request', (r) => {
      if (r.method() === 'POST' && new URL(r.url()).pathname === '/api/accounts') posts.push(r.url());
    });
  });

  afterAll(() => session?.close());

  const dialog = () => page.getByRole('dialog', { name: 'New account' });
  /** The message Mantine shows under an input (its `aria-describedby` error element), or null. */
  const field = (label: string) => dialog().getByLabel(new RegExp(`^${label}( \\*)?$`));
  const errorOf = async (label: string) => {
    const input = field(label);
    if ((await input.getAttribute('aria-invalid')) !== 'true') return null;
    const id = await input.getAttribute('id');
    return dialog().locator(`[id="${id}-error"]`).textContent();
  };

  it('signs in', async () => {
    await signInAsAdmin(page, server);
  });

  it('shows each problem beside its field and does not send', async () => {
    await page.getByRole('button', { name: 'New account' }).first().click();
    await dialog().waitFor();
    await field('Name').fill('Forms E2E Ltd');
    await field('Domain').fill('not a domain!!');
    await field('ARR').fill('-5000');
    await field('Contract start').fill(day(400));
    await field('Renewal date').fill(day(30));
    await field('Name').click(); // blur: nothing may clamp the ARR now
    expect(await field('ARR').inputValue()).toMatch(/-.*5,000/);

    await dialog().getByRole('button', { name: 'Create account' }).click();
    await expect.poll(() => errorOf('ARR')).toBe('Must be 0 or more');
    expect(await errorOf('Domain')).toBe('Enter a domain such as acme.com');
    expect(await errorOf('Renewal date')).toBe('The renewal date must be on or after the contract start');
    expect(await errorOf('Name')).toBeNull();
    await page.waitForTimeout(300);
    expect(posts).toEqual([]);
    expect(await dialog().isVisible()).toBe(true);
  });

  it('lets each message go as its field is fixed, then creates the account', async () => {
    await field('ARR').fill('5000');
    await expect.poll(() => errorOf('ARR')).toBeNull();
    expect(await errorOf('Domain')).not.toBeNull();

    await field('Domain').fill('https://forms-e2e.example.com');
    await expect.poll(() => errorOf('Domain')).toMatch(/https:\/\//);
    await field('Domain').fill('Forms-E2E.example.com');
    await field('Renewal date').fill(day(500));
    await field('Name').click();
    await expect.poll(() => errorOf('Renewal date')).toBeNull();
    expect(await errorOf('Domain')).toBeNull();

    await dialog().getByRole('button', { name: 'Create account' }).click();
    await page.waitForURL((u) => /^\/accounts\/[0-9a-f-]{36}$/.test(u.pathname));
    expect(posts).toHaveLength(1);
    const id = new URL(page.url()).pathname.split('/').pop() ?? '';
    const saved = await getJson<AccountDetail>(page, server.url, `/api/accounts/${id}`);
    expect(saved).toMatchObject({ name: 'Forms E2E Ltd', domain: 'forms-e2e.example.com', arr: 5000, contractStart: day(400), renewalDate: day(500) });
    // A real domain is a link on the account page.
    await page.getByRole('link', { name: 'forms-e2e.example.com' }).waitFor();
  });

  it('refuses a customer effort of 15 on a new task with a message, instead of clearing it', async () => {
    const taskPosts: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST' && new URL(r.url()).pathname === '/api/tasks') taskPosts.push(r.url());
    });
    await page.getByRole('button', { name: 'Add task' }).first().click();
    const task = page.getByRole('dialog', { name: 'Add task' });
    await task.waitFor();
    await task.getByLabel(/^Title/).fill('Walk them through SSO');
    const effort = task.getByLabel(/^Customer effort/);
    await effort.fill('15');
    await task.getByLabel(/^Title/).click();
    expect(await effort.inputValue()).toBe('15'); // not clamped, not cleared
    await task.getByRole('button', { name: 'Add task' }).click();
    await expect.poll(async () => task.locator(`[id="${await effort.getAttribute('id')}-error"]`).textContent()).toBe('Must be 10 or less');
    await page.waitForTimeout(300);
    expect(taskPosts).toEqual([]);
    await effort.fill('5');
    await task.getByRole('button', { name: 'Add task' }).click();
    await task.waitFor({ state: 'detached' });
    expect(taskPosts).toHaveLength(1);
  });

  it('says a health override of 150 is out of range instead of clamping it to 100', async () => {
    await page.getByRole('button', { name: 'Override', exact: true }).click();
    const modal = page.getByRole('dialog', { name: 'Override health' });
    await modal.waitFor();
    const score = modal.getByLabel(/^Score/);
    await score.fill('150');
    await modal.getByLabel(/^Reason/).fill('Confirmed on the QBR call');
    expect(await score.inputValue()).toBe('150');
    await expect.poll(async () => modal.locator(`[id="${await score.getAttribute('id')}-error"]`).textContent()).toBe('Must be 100 or less');
    expect(await modal.getByRole('button', { name: 'Save override' }).isDisabled()).toBe(true);
    await score.fill('80');
    await expect.poll(() => modal.getByRole('button', { name: 'Save override' }).isDisabled()).toBe(false);
    await modal.getByRole('button', { name: 'Cancel' }).click();
  });
});
