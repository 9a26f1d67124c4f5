import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openBrowserSession, getJson, signInAsAdmin } from './browser.js';

type Server = Awaited<ReturnType<typeof openBrowserSession>>['server'];
interface AccountList { items: { id: string; name: string }[] }
interface ContactList { items: { id: string; name: string | null }[] }
interface Ratio { proactive: number; reactive: number; ratio: number | null }
interface Activities { items: { id: string; subject: string; kind: string; proactive: boolean; participants: { contacts: { id: string }[] } }[] }
interface Timeline { items: { id: string }[] }

describe('a CSM logs a call and sees it in the timeline and the ratio', () => {
  let session: Awaited<ReturnType<typeof openBrowserSession>> | undefined;
  let server: Server;
  let page: Page;
  let accountId: string;
  let contactName: string;

  beforeAll(async () => {
    session = await openBrowserSession();
    ({ server, page } = session);
  });
  afterAll(() => session?.close());

  const api = <T>(path: string) => getJson<T>(page, server.url, path);
  const form = () => page.getByRole('form', { name: 'Log activity' });
  const ratioCard = () => page.getByTestId('proactive-ratio');
  const firstTimelineItem = () => page.getByTestId('timeline-items').locator('[data-item-id]').first();

  it('signs in and opens an account with contacts', async () => {
    await signInAsAdmin(page, server);

    const accounts = await api<AccountList>('/api/accounts?sort=-arr&limit=20');
    for (const a of accounts.items) {
      const contacts = await api<ContactList>(`/api/contacts?accountId=${a.id}&limit=5`);
      const named = contacts.items.find((c) => c.name);
      if (named?.name) {
        accountId = a.id;
        contactName = named.name;
        break;
      }
    }
    expect(accountId, 'an account with a named contact').toBeTruthy();
    await page.goto(`${server.url}/accounts/${accountId}`);
    await form().waitFor();
    await expect.poll(() => ratioCard().getByTestId('ratio-counts').innerText()).toBe('0 proactive · 0 reactive');
  });

  it('logs a call with Ctrl+Enter; it tops the timeline and the ratio reads 100%', async () => {
    expect(await form().getByRole('radio', { name: 'Call' }).isChecked()).toBe(true);
    await expect.poll(() => form().getByText('Inferred: we reached out').count()).toBe(1);
    await form().getByLabel('Subject').fill('Roadmap walkthrough');
    await form().getByLabel('Participants').click();
    await page.getByRole('option', { name: contactName, exact: true }).first().click();
    await page.keyboard.press('Escape');
    const notes = form().getByLabel('Notes');
    await notes.fill('They want the export API next quarter.');
    await notes.press('Control+Enter');

    await expect.poll(async () => (await api<Activities>(`/api/activities?accountId=${accountId}&limit=5`)).items.length).toBe(1);
    const [logged] = (await api<Activities>(`/api/activities?accountId=${accountId}&limit=5`)).items;
    expect(logged).toMatchObject({ subject: 'Roadmap walkthrough', kind: 'call', proactive: true });
    expect(logged?.participants.contacts).toHaveLength(1);

    await expect.poll(() => firstTimelineItem().getAttribute('data-item-id')).toBe(`activity:${logged?.id}`);
    expect(await firstTimelineItem().innerText()).toContain('Roadmap walkthrough');
    const timeline = await api<Timeline>(`/api/accounts/${accountId}/timeline?limit=1`);
    expect(timeline.items[0]?.id).toBe(`activity:${logged?.id}`);
    await expect.poll(() => ratioCard().getByTestId('ratio-value').innerText()).toBe('100%');
    expect(await ratioCard().getByTestId('ratio-counts').innerText()).toBe('1 proactive · 0 reactive');
    expect(await form().getByLabel('Subject').inputValue()).toBe(''); // ready for the next one
  });

  it('logs an answer to a complaint: inferred reactive, and the ratio halves', async () => {
    await form().getByText('Email', { exact: true }).click();
    await form().getByLabel('Subject').fill('Re: invoices are wrong');
    await form().getByRole('combobox', { name: 'Answers…' }).click();
    await page.getByRole('option', { name: 'a complaint' }).click();
    await expect.poll(() => form().getByText('Inferred: it answers something').count()).toBe(1);
    expect(await form().getByTestId('proactive-switch').isChecked()).toBe(false);
    await form().getByRole('button', { name: 'Log email' }).click();

    await expect.poll(() => ratioCard().getByTestId('ratio-value').innerText()).toBe('50%');
    expect(await ratioCard().getByTestId('ratio-counts').innerText()).toBe('1 proactive · 1 reactive');
    await expect.poll(() => firstTimelineItem().innerText()).toContain('Re: invoices are wrong');
    const ratio = await api<Ratio>(`/api/activities/ratio?accountId=${accountId}`);
    expect(ratio).toMatchObject({ proactive: 1, reactive: 1, ratio: 0.5 });
  });

  it('filters the timeline by kind', async () => {
    const chips = page.getByTestId('timeline');
    await chips.getByText('Activities', { exact: true }).click();
    await expect.poll(() => page.getByTestId('timeline-items').locator('[data-kind="activity"]').count()).toBe(0);
    await chips.getByText('Activities', { exact: true }).click();
    await expect.poll(() => page.getByTestId('timeline-items').locator('[data-kind="activity"]').count()).toBe(2);
  });

  it('refuses a one-person escalation inline before the server has to', async () => {
    await page.getByTestId('account-escalations').getByRole('button', { name: 'Escalate' }).click();
    const modal = page.getByRole('form', { name: 'Open an escalation' });
    await modal.getByLabel('Title').fill('Invoices wrong for a week');
    await expect.poll(() => modal.getByTestId('team-rule').innerText()).toMatch(/at least two people in at least two roles/);
    expect(await modal.getByRole('button', { name: 'Open escalation' }).isDisabled()).toBe(true);
    await page.keyboard.press('Escape');
  });

  it('shows the team view with the person who logged', async () => {
    await page.goto(`${server.url}/team/proactive`);
    const table = page.getByRole('table', { name: 'Proactive ratio per person' });
    await table.waitFor();
    await expect.poll(() => table.locator('tbody tr').count()).toBe(1);
    expect(await table.locator('tbody tr').first().innerText()).toMatch(/1\s+1\s+50%/);
    await page.getByTestId('ratio-chart').waitFor();
  });
});
