import tls from 'node:tls';
import type net from 'node:net';
import { generate } from 'selfsigned';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openBrowserSession, getJson, signInAsAdmin } from './browser.js';

type Server = Awaited<ReturnType<typeof openBrowserSession>>['server'];
interface AccountList { items: { id: string; name: string; arr: number | null; renewalDate: string | null }[] }
interface CriticalDateOut { id: string; label: string; target: string | null; expiresAt: string | null; lastCheckOk: boolean | null; lastError: string | null; checks?: { ok: boolean }[] }
interface ReviewOut { id: string; accountId: string; status: string; rootCauses: string[]; couldHaveSeen: string | null; conclusion: string | null }
interface RenewalsOut {
  periods: { period: string; arrDue: number }[];
  items: { account: { id: string; name: string }; renewalDate: string; category: string; suggested: string; override: { category: string; reason: string } | null }[];
}

const DAY = 86_400_000;
const LABEL = 'SSO certificate (e2e)';
const CONCLUSION = 'Budget was cut after the champion left; we saw the usage drop and did not call.';

/** A TLS server on 127.0.0.1 presenting a self-signed certificate (for 127.0.0.1) that expires in `days` days. */
async function startTlsServer(days: number): Promise<{ port: number; notAfter: Date; close(): Promise<void> }> {
  const notAfter = new Date(Math.floor((Date.now() + days * DAY) / 1000) * 1000);
  const pems = await generate([{ name: 'commonName', value: 'sso.e2e.example' }], {
    notBeforeDate: new Date(Date.now() - 30 * DAY),
    notAfterDate: notAfter,
    keySize: 2048,
    algorithm: 'sha256',
    // For 127.0.0.1 too: a certificate for another name fails the check (issue 12 review, defect 2).
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 2, value: 'sso.e2e.example' }, { type: 7, ip: '127.0.0.1' }] }],
  });
  const server = tls.createServer({ key: pems.private, cert: pems.cert }, (socket) => socket.end());
  server.on('tlsClientError', () => undefined);
  const sockets = new Set<net.Socket>();
  server.on('connection', (c: net.Socket) => {
    sockets.add(c);
    c.on('close', () => sockets.delete(c));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    notAfter,
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of sockets) c.destroy();
        server.close(() => resolve());
      }),
  };
}

describe('risk operations: a critical date checked live, a churn review concluded, a renewal overridden', () => {
  let session: Awaited<ReturnType<typeof openBrowserSession>> | undefined;
  let certServer: Awaited<ReturnType<typeof startTlsServer>> | undefined;
  let server: Server;
  let page: Page;

  beforeAll(async () => {
    [session, certServer] = await Promise.all([openBrowserSession(), startTlsServer(20)]);
    ({ server, page } = session);
    await signInAsAdmin(page, server);
  });
  afterAll(async () => {
    await certServer?.close();
    await session?.close();
  });

  const api = <T>(path: string) => getJson<T>(page, server.url, path);
  /** A write with the page's session and CSRF token: setting the scene the journey does not cover. */
  const send = async <T>(method: 'POST' | 'PUT', path: string, body: unknown, status = 201): Promise<T> => {
    const res = await page.evaluate(
      async ({ method, path, body }) => {
        const me = (await (await fetch('/api/auth/me')).json()) as { csrfToken: string };
        const r = await fetch(path, { method, headers: { 'content-type': 'application/json', 'x-csrf-token': me.csrfToken }, body: JSON.stringify(body) });
        return { status: r.status, body: (await r.json()) as unknown };
      },
      { method, path, body },
    );
    expect(res.status, `${method} ${path} → ${res.status} ${JSON.stringify(res.body)}`).toBe(status);
    return res.body as T;
  };

  it('adds a TLS critical date on the account page, checks it now, and reads the certificate the local server presents', async () => {
    // Loopback is refused by the outbound rules unless an admin allows it, as any closed network would.
    await send('POST', '/api/settings/outbound-allowlist', { entry: '127.0.0.1', note: 'e2e: the local TLS server' });
    const accounts = await api<AccountList>('/api/accounts?sort=-arr&limit=5');
    const account = accounts.items[0];
    expect(account, 'a demo account').toBeTruthy();
    const accountId = account?.id ?? '';
    const target = `127.0.0.1:${certServer?.port ?? 0}`;

    await page.goto(`${server.url}/accounts/${accountId}`);
    const card = page.getByTestId('critical-dates-card');
    await card.waitFor();
    await card.getByRole('button', { name: 'Add date' }).click();
    const form = page.getByRole('form', { name: 'Add a critical date' });
    await form.waitFor();
    expect(await form.getByRole('combobox', { name: 'Kind' }).inputValue()).toBe('TLS certificate');
    await form.getByLabel('Label').fill(LABEL);
    await form.getByLabel('Host').fill(target);
    expect(await form.getByLabel('Alert lead times (days)').inputValue()).toBe('60, 30, 7');
    await form.getByRole('button', { name: 'Add date' }).click();
    await form.waitFor({ state: 'detached' });

    const row = card.getByTestId('critical-date-row').filter({ hasText: LABEL });
    await row.waitFor();
    expect(await row.getByTestId('last-check').getAttribute('data-state')).toBe('never');
    await row.getByRole('button', { name: `Check now: ${LABEL}` }).click();
    // The visible one: the popover beside the button. Once the card refetches, the same check is also
    // in the row's collapsed (hidden) history, which comes first in the page.
    const result = page.getByTestId('check-result').filter({ visible: true }).first();
    await result.waitFor();
    expect(await result.getAttribute('data-ok'), await result.innerText()).toBe('true');
    expect(await result.innerText()).toMatch(/^OK: expires /);
    // The row now shows the expiry read from the certificate, about 20 days out, and an OK check.
    await expect.poll(() => row.getByTestId('last-check').getAttribute('data-state')).toBe('ok');
    await expect.poll(async () => Number(await row.getByTestId('expiry').getAttribute('data-days'))).toBeGreaterThanOrEqual(19);
    expect(Number(await row.getByTestId('expiry').getAttribute('data-days'))).toBeLessThanOrEqual(20);
    expect(await row.getByTestId('expiry').innerText()).toMatch(/in (19|20) days/);

    const dates = await api<{ items: CriticalDateOut[] }>(`/api/accounts/${accountId}/critical-dates`);
    const saved = dates.items.find((d) => d.label === LABEL);
    expect(saved).toMatchObject({ target, lastCheckOk: true, lastError: null });
    expect(Math.abs(Date.parse(saved?.expiresAt ?? '') - (certServer?.notAfter.getTime() ?? 0))).toBeLessThan(1000);

    // The book's radar lists it within 30 days, with the same check.
    await page.goto(`${server.url}/critical-dates?within=30`);
    const radarRow = page.getByRole('table', { name: 'Critical dates' }).locator(`[data-critical-date-id="${saved?.id ?? ''}"]`);
    await radarRow.waitFor();
    expect(await radarRow.getByTestId('last-check').getAttribute('data-state')).toBe('ok');
    // A 7-day window leaves it out.
    await page.getByText('7 days', { exact: true }).click();
    await expect.poll(() => radarRow.count()).toBe(0);
  });

  it('completes a churn review: root causes, could we have seen it, conclusion, concluded', async () => {
    const accounts = await api<AccountList>('/api/accounts?sort=arr&limit=5');
    const account = accounts.items.find((a) => (a.arr ?? 0) > 0) ?? accounts.items[0];
    const accountId = account?.id ?? '';
    const today = new Date().toISOString().slice(0, 10);
    await send('POST', '/api/outcomes', { accountId, kind: 'churned', occurredOn: today, arrBefore: account?.arr ?? 10000, arrAfter: 0 });
    const open = await api<{ items: ReviewOut[] }>(`/api/reviews?status=open&accountId=${accountId}`);
    const review = open.items.find((r) => r.accountId === accountId);
    expect(review, 'the churned outcome opened a review').toBeTruthy();

    await page.goto(`${server.url}/reviews`);
    await page.getByRole('table', { name: 'Churn reviews' }).locator(`[data-review-id="${review?.id ?? ''}"]`).getByRole('link').first().click();
    await page.getByTestId('review-timeline').waitFor();
    await page.getByTestId('could-have-seen').waitFor();
    await page.getByTestId('unacted').waitFor();
    const form = page.getByTestId('review-form');
    expect(await page.getByTestId('review-status').first().getAttribute('data-status')).toBe('open');

    // Concluding without answers says what is missing and saves nothing.
    await form.getByRole('button', { name: 'Conclude review' }).click();
    await form.getByText('Fill in the highlighted fields to conclude.').waitFor();

    const causes = form.getByLabel('Root causes');
    await causes.fill('Budget cut');
    await causes.press('Enter');
    await causes.fill('champion left');
    await causes.press('Enter');
    await causes.press('Escape');
    await form.getByText(/^Partly:/).click();
    await expect.poll(() => form.getByRole('radio', { name: /^Partly/ }).isChecked()).toBe(true);
    await form.getByRole('textbox', { name: 'Conclusion' }).fill(CONCLUSION);
    await form.getByRole('button', { name: 'Conclude review' }).click();
    await expect.poll(() => page.getByTestId('review-status').first().getAttribute('data-status')).toBe('concluded');
    await form.getByRole('button', { name: 'Reopen' }).waitFor();
    await page.screenshot({ path: '/tmp/webops-review.png', fullPage: true });

    const saved = await api<{ review: ReviewOut }>(`/api/reviews/${review?.id ?? ''}`);
    expect(saved.review).toMatchObject({ status: 'concluded', rootCauses: ['Budget cut', 'champion left'], couldHaveSeen: 'partly', conclusion: CONCLUSION });
  });

  it('shows the renewal periods, and a manager override changes the category with its reason', async () => {
    await page.goto(`${server.url}/renewals`);
    const periods = page.getByTestId('renewal-periods');
    await periods.waitFor();
    const data = await api<RenewalsOut>('/api/renewals?group=quarter&limit=500');
    expect(data.periods.length).toBeGreaterThan(0);
    expect(await periods.locator('[data-period]').count()).toBe(data.periods.length);
    await page.getByTestId('renewals-chart').waitFor();
    await page.getByTestId('retention-panel').getByTestId('retention-definitions').waitFor();
    await page.screenshot({ path: '/tmp/webops-renewals.png', fullPage: true });

    const item = data.items.find((i) => !i.override);
    expect(item, 'a renewal without an override').toBeTruthy();
    const to = item?.category === 'at_risk' ? 'commit' : 'at_risk';
    const toLabel = to === 'commit' ? 'Commit' : 'At risk';
    const row = page.getByRole('table', { name: 'Renewals' }).locator(`[data-account-id="${item?.account.id ?? ''}"]`).first();
    await row.waitFor();
    expect(await row.getByTestId('category-badge').getAttribute('data-overridden')).toBe('false');
    await row.getByRole('button', { name: `Override the category of ${item?.account.name ?? ''}` }).click();
    const dialog = page.getByRole('form', { name: 'Override the category' });
    await dialog.getByText(toLabel, { exact: true }).click();
    await dialog.getByRole('button', { name: 'Save category' }).click();
    await dialog.getByText('Say why, so the forecast can be defended').waitFor();
    await dialog.getByLabel('Reason').fill('The CFO told us the budget is signed (e2e)');
    await dialog.getByRole('button', { name: 'Save category' }).click();
    await dialog.waitFor({ state: 'detached' });

    const badge = row.getByTestId('category-badge');
    await expect.poll(() => badge.getAttribute('data-overridden')).toBe('true');
    expect(await badge.getAttribute('data-category')).toBe(to);
    expect(await row.getByTestId('override-reason').innerText()).toContain('The CFO told us the budget is signed (e2e)');
    const after = await api<RenewalsOut>('/api/renewals?group=quarter&limit=500');
    const changed = after.items.find((i) => i.account.id === item?.account.id);
    expect(changed).toMatchObject({ category: to, suggested: item?.suggested, override: { category: to, reason: 'The CFO told us the budget is signed (e2e)' } });
  });

  it('keeps the pages inside a phone-width screen', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    for (const path of ['/critical-dates', '/reviews', '/reviews/patterns', '/renewals']) {
      await page.goto(`${server.url}${path}`);
      await page.getByRole('heading', { level: 2 }).first().waitFor();
      await page.waitForLoadState('networkidle');
      const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
      expect(overflow, `${path} scrolls sideways at 390 px`).toBeLessThanOrEqual(0);
      await page.screenshot({ path: `/tmp/webops-phone${path.replace(/\//g, '-')}.png`, fullPage: true });
    }
    await page.setViewportSize({ width: 1440, height: 900 });
  });
});
