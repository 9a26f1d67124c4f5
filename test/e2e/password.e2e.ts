import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './browser.js';
import { startTestServer } from '../support/server.js';

/** A new user signs in with the generated password, must choose their own, then changes it again from the user menu. */
describe('passwords in the browser', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let browser: Browser;
  let page: Page;
  const email = 'newcomer@canopy.test';
  let temporary = '';

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer(), launchChromium()]);
    page = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
    // The admin invites a user without a password: one is generated and shown once.
    const login = await fetch(`${server.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: server.adminEmail, password: server.adminPassword }) });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const { csrfToken } = (await login.json()) as { csrfToken: string };
    const created = await fetch(`${server.url}/api/users`, {
      method: 'POST', headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrfToken }, body: JSON.stringify({ email, name: 'New Comer', role: 'csm' }),
    });
    temporary = ((await created.json()) as { temporaryPassword: string }).temporaryPassword;
  });
  afterAll(async () => {
    await browser.close();
    await server.close();
  });

  it('forces a new password after the first sign-in, then opens the app', async () => {
    await page.goto(`${server.url}/login`);
    await page.getByLabel('Email', { exact: true }).fill(email);
    await page.getByLabel('Password', { exact: true }).fill(temporary);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Choose your own password' }).waitFor();

    await page.getByLabel('Current password', { exact: true }).fill(temporary);
    await page.getByLabel('New password', { exact: true }).fill('password1234');
    await page.getByLabel('New password again', { exact: true }).fill('password1234');
    await page.getByRole('button', { name: 'Change password' }).click();
    await expect.poll(() => page.getByText('is one of the most common passwords').count()).toBe(1);

    await page.getByLabel('New password', { exact: true }).fill('my own long passphrase');
    await page.getByLabel('New password again', { exact: true }).fill('my own long passphrase');
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByRole('button', { name: 'User menu' }).waitFor();
    expect(await page.getByRole('heading', { name: 'Choose your own password' }).count()).toBe(0);
  });

  it('changes the password again from the user menu', async () => {
    await page.getByRole('button', { name: 'User menu' }).click();
    await page.getByRole('menuitem', { name: 'Change password' }).click();
    const dialog = page.getByRole('dialog', { name: 'Change password' });
    await dialog.getByLabel('Current password', { exact: true }).fill('my own long passphrase');
    await dialog.getByLabel('New password', { exact: true }).fill('an even longer passphrase');
    await dialog.getByLabel('New password again', { exact: true }).fill('an even longer passphrase');
    await dialog.getByRole('button', { name: 'Change password' }).click();
    await expect.poll(() => dialog.getByLabel('Current password', { exact: true }).count()).toBe(0); // the form closes on success
    const res = await fetch(`${server.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: 'an even longer passphrase' }) });
    expect(res.status).toBe(200);
  });
});
