import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openBrowserSession, getJson, signInAsAdmin } from './browser.js';

type Server = Awaited<ReturnType<typeof openBrowserSession>>['server'];

/** Issue 9.3 in the browser: the banner without SMTP; a held customer e-mail edited and approved from the inbox, then on the timeline. */
describe('customer e-mails a person can see and stop', () => {
  let session: Awaited<ReturnType<typeof openBrowserSession>> | undefined;
  let server: Server;
  let page: Page;
  let csrf = '';
  let meId = '';

  beforeAll(async () => {
    session = await openBrowserSession();
    ({ server, page } = session);
  });
  afterAll(() => session?.close());

  const post = async <T>(path: string, body: unknown, status = 201): Promise<T> => {
    const res = await page.request.post(server.url + path, { data: body, headers: { 'x-csrf-token': csrf } });
    expect(res.status(), `POST ${path} → ${res.status()} ${await res.text()}`).toBe(status);
    return (await res.json()) as T;
  };

  it('signs in as admin and sees that e-mail is not configured', async () => {
    await signInAsAdmin(page, server);
    const me = await getJson<{ user: { id: string }; csrfToken: string }>(page, server.url, '/api/auth/me');
    csrf = me.csrfToken;
    meId = me.user.id;
    await page.getByRole('alert', { name: 'E-mail is not configured' }).waitFor();
    expect(await page.getByText('wait in the outbox until CANOPY_SMTP_URL is set').isVisible()).toBe(true);
  });

  it('approves an edited e-mail from the inbox; the timeline shows it with its recipient and why it waits', async () => {
    const stamp = Date.now().toString(36);
    const account = await post<{ id: string }>('/api/accounts', { name: `Review Co ${stamp}`, ownerId: meId });
    await post('/api/contacts', { accountId: account.id, name: 'Rita Reviewer', email: `rita-${stamp}@review.test`, role: 'champion' });
    const pb = await post<{ id: string }>('/api/playbooks', {
      name: `Held e-mail ${stamp}`,
      steps: [{ kind: 'email', to: 'champion', subject: 'Hello {{contact.firstName}}', body: 'Hi {{contact.firstName}}, about {{account.name}}.', approval: true }],
    });
    await post(`/api/accounts/${account.id}/playbooks`, { playbookId: pb.id });

    await page.goto(`${server.url}/inbox`);
    const title = 'Approve e-mail to Rita Reviewer: Hello Rita';
    await page.getByRole('button', { name: `Complete ${title}` }).first().click();
    const form = page.getByRole('form', { name: 'Review the e-mail' });
    await form.waitFor();
    expect(await form.getByLabel('Body').inputValue()).toBe(`Hi Rita, about Review Co ${stamp}.`);
    await form.getByLabel('Subject').fill(`Quick question ${stamp}`);
    await form.getByRole('button', { name: 'Approve and send' }).click();
    await form.waitFor({ state: 'detached' });

    await page.goto(`${server.url}/accounts/${account.id}`);
    const item = page.locator('[data-kind="email"]').first();
    await item.waitFor();
    expect(await item.innerText()).toContain(`E-mail queued: Quick question ${stamp}`);
    expect(await item.innerText()).toContain(`rita-${stamp}@review.test`);
    expect(await item.innerText()).toContain('e-mail is not configured');
  });
});
