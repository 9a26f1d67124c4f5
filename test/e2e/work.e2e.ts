import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openBrowserSession, getJson, signInAsAdmin } from './browser.js';

type Server = Awaited<ReturnType<typeof openBrowserSession>>['server'];
interface Leaf { type: string; [k: string]: unknown }
interface Condition { match: 'all' | 'any'; conditions: Leaf[] }
interface DryRun { total: number; evaluated: number; items: { accountId: string; name: string; arr: number; results: { label: string; ok: boolean }[] }[] }
interface Rule { id: string; name: string; enabled: boolean; condition: Condition; actions: { type: string; title?: string }[]; windowHours: number }
interface Task { id: string; title: string; status: string; priority: number; dueAt: string | null; snoozedUntil: string | null; outcomeNote: string | null; overdue: boolean; assignee: { id: string } | null }
interface TaskList { items: (Task & { kind: string; source: string; accountId: string; canAct: boolean })[]; counts: { open: number; overdue: number; dueToday: number; callThem: number } }
interface Run { id: string; status: string; progress: { done: number; issued: number; total: number }; steps: { status: string; title: string }[] }
interface Activity { id: string; kind: string; subject: string; body: string; taskId: string | null }

const DAY = 86_400_000;

describe('the work engine in the browser: rules and the inbox', () => {
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

  const get = <T>(path: string) => getJson<T>(page, server.url, path);
  const post = async <T>(path: string, body: unknown, status = 200): Promise<T> => {
    const res = await page.request.post(server.url + path, { data: body, headers: { 'x-csrf-token': csrf } });
    expect(res.status(), `POST ${path} → ${res.status()} ${await res.text()}`).toBe(status);
    return (await res.json()) as T;
  };

  it('signs in as admin', async () => {
    await signInAsAdmin(page, server);
    const me = await get<{ user: { id: string }; csrfToken: string }>('/api/auth/me');
    csrf = me.csrfToken;
    meId = me.user.id;
  });

  it('builds a rule (health band is poor and ARR ≥ X → create a task), dry-runs it and saves it', async () => {
    // An ARR threshold in the middle of the poor accounts, so that some match and some do not.
    const poor = await post<DryRun>('/api/rules/dry-run', { condition: { match: 'all', conditions: [{ type: 'health_band', op: 'in', bands: ['poor'] }] }, limit: 1000 });
    expect(poor.total, 'the demo book has poor accounts').toBeGreaterThan(1);
    const threshold = Math.floor(poor.items[Math.floor((poor.items.length - 1) / 2)]?.arr ?? 0);
    const condition: Condition = { match: 'all', conditions: [{ type: 'health_band', op: 'in', bands: ['poor'] }, { type: 'arr', op: 'gte', value: threshold }] };
    const expected = await post<DryRun>('/api/rules/dry-run', { condition, limit: 200 });
    expect(expected.total).toBeGreaterThan(0);
    expect(expected.total).toBeLessThan(poor.total);

    const stamp = Date.now().toString(36);
    const name = `Big account turned poor ${stamp}`;
    const taskTitle = `Call the sponsor ${stamp}`;
    await page.getByRole('link', { name: 'Rules', exact: true }).click();
    await page.getByRole('heading', { name: 'Rules', level: 2 }).waitFor();
    await page.getByRole('link', { name: 'New rule' }).click();
    await page.waitForURL('**/rules/new');
    await page.getByRole('textbox', { name: /^Name/ }).fill(name);

    // The first row starts as "Health band is Poor".
    const first = page.locator('[data-condition-index="0"]');
    expect(await first.getByRole('combobox', { name: 'Condition 1 type' }).inputValue()).toBe('Health band');
    expect(await first.getByRole('combobox', { name: 'Condition 1 operator' }).inputValue()).toBe('is');
    expect(await first.innerText()).toContain('Poor');

    await page.getByRole('button', { name: 'Add condition' }).click();
    const second = page.locator('[data-condition-index="1"]');
    await second.getByRole('combobox', { name: 'Condition 2 type' }).click();
    await page.getByRole('option', { name: 'ARR', exact: true }).click();
    await second.getByRole('combobox', { name: 'Condition 2 comparison' }).click();
    await page.getByRole('option', { name: '≥ at least' }).click();
    await second.getByRole('textbox', { name: 'Condition 2 value' }).fill(String(threshold));

    await page.getByRole('textbox', { name: 'Action 1 task title' }).fill(taskTitle);

    await page.getByRole('button', { name: 'Dry run' }).click();
    const total = page.getByTestId('dry-run-total');
    await total.waitFor();
    await expect.poll(() => total.getAttribute('data-total')).toBe(String(expected.total));
    expect(await total.innerText()).toContain(`${expected.total} account`);
    const rows = page.getByRole('table', { name: 'Matching accounts' }).locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(Math.min(expected.total, 200));
    expect(await rows.first().getAttribute('data-account-id')).toBe(expected.items[0]?.accountId);
    // Every listed account holds both conditions: two ✓ each, none ✗.
    expect(await rows.locator('[data-ok="true"]').count()).toBe(2 * Math.min(expected.total, 200));
    expect(await rows.locator('[data-ok="false"]').count()).toBe(0);

    await page.getByRole('button', { name: 'Create rule' }).click();
    // Saving an enabled rule asks first (issue 9 §5): fire now, for the accounts the dry run found.
    await page.getByRole('button', { name: `Fire now for ${expected.total} account${expected.total === 1 ? '' : 's'}` }).click();
    await page.waitForURL((u) => u.pathname === '/rules');
    const listed = page.getByRole('table', { name: 'Rules' }).locator('tbody tr', { hasText: name });
    await listed.waitFor();
    expect(await listed.getByRole('switch', { name: `${name} enabled` }).isChecked()).toBe(true);

    const saved = (await get<{ items: Rule[] }>('/api/rules')).items.find((r) => r.name === name);
    expect(saved).toBeDefined();
    expect(saved?.enabled).toBe(true);
    expect(saved?.condition).toEqual(condition);
    expect(saved?.actions).toMatchObject([{ type: 'create_task', title: taskTitle, assignee: 'owner' }]);
    expect(await listed.getAttribute('data-rule-id')).toBe(saved?.id);
  });

  it('works the inbox: overdue first, complete with an outcome note, snooze', async () => {
    const accounts = (await get<{ items: { id: string }[] }>('/api/accounts?limit=3')).items;
    const at = (ms: number) => new Date(Date.now() + ms).toISOString();
    const stamp = Date.now().toString(36);
    const specs = [
      { key: 'overdue', title: `Overdue follow-up ${stamp}`, priority: 1, dueAt: at(-2 * DAY) },
      { key: 'urgent', title: `Urgent renewal prep ${stamp}`, priority: 4, dueAt: at(5 * DAY) },
      { key: 'soon', title: `Send the QBR deck ${stamp}`, priority: 2, dueAt: at(1 * DAY) },
      { key: 'later', title: `Plan the expansion ${stamp}`, priority: 3, dueAt: at(3 * DAY) },
    ];
    const ids: Record<string, string> = {};
    for (const [i, s] of specs.entries()) {
      const t = await post<Task>('/api/tasks', { accountId: accounts[i % accounts.length]?.id, title: s.title, priority: s.priority, dueAt: s.dueAt, reason: 'e2e' }, 201);
      expect(t.assignee?.id).toBe(meId);
      ids[s.key] = t.id;
    }
    const ours = new Set(Object.values(ids));
    const apiOrder = (await get<TaskList>('/api/tasks?assignee=me')).items.filter((t) => ours.has(t.id)).map((t) => t.id);
    expect(apiOrder).toHaveLength(4);
    expect(apiOrder[0]).toBe(ids.overdue);

    await page.getByRole('link', { name: 'Inbox', exact: true }).click();
    await page.getByRole('heading', { name: 'Inbox', level: 2 }).waitFor();
    const table = page.getByRole('table', { name: 'Inbox' });
    const rowOf = (id: string | undefined) => table.locator(`tbody tr[data-task-id="${id}"]`);
    await rowOf(ids.overdue).waitFor();
    const shownOrder = async () => (await table.locator('tbody tr[data-task-id]').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-task-id')))).filter((id) => id && ours.has(id));
    await expect.poll(shownOrder).toEqual(apiOrder);
    expect(await rowOf(ids.overdue).locator('td[data-col="due"] [data-overdue="true"]').count()).toBe(1);
    expect(await rowOf(ids.overdue).locator('td[data-col="due"]').innerText()).toMatch(/Overdue/);
    expect(await rowOf(ids.urgent).locator('td[data-col="priority"]').innerText()).toBe('Urgent');
    const counts = (await get<TaskList>('/api/tasks?assignee=me')).counts;
    await expect.poll(() => page.getByTestId('count-overdue').innerText()).toContain(String(counts.overdue));

    // Complete the urgent one with an outcome note.
    const note = `Walked the sponsor through the renewal; they sign next week (${stamp})`;
    await rowOf(ids.urgent).getByRole('button', { name: `Complete ${specs[1]?.title}` }).click();
    const dialog = page.getByRole('dialog', { name: 'Complete task' });
    await dialog.getByLabel('Outcome note').fill(note);
    await dialog.getByRole('button', { name: 'Complete task' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await rowOf(ids.urgent).waitFor({ state: 'detached' });

    // Snooze the "later" one for 3 days.
    await rowOf(ids.later).getByRole('button', { name: `Snooze ${specs[3]?.title}` }).click();
    await page.getByRole('menuitem', { name: '3 days' }).click();
    await rowOf(ids.later).waitFor({ state: 'detached' });
    await expect.poll(shownOrder).toEqual(apiOrder.filter((id) => id !== ids.urgent && id !== ids.later));

    const done = await get<Task>(`/api/tasks/${ids.urgent}`);
    expect(done.status).toBe('done');
    expect(done.outcomeNote).toBe(note);
    const snoozed = await get<Task>(`/api/tasks/${ids.later}`);
    expect(snoozed.status).toBe('open');
    expect(Date.parse(snoozed.snoozedUntil ?? '')).toBeGreaterThan(Date.now() + 2 * DAY);
    const inbox = (await get<TaskList>('/api/tasks?assignee=me')).items.map((t) => t.id);
    expect(inbox).not.toContain(ids.later);
    expect(inbox).not.toContain(ids.urgent);
    expect(inbox).toContain(ids.overdue);

    // The Done tab shows the completed task with its outcome.
    await page.getByRole('tab', { name: 'Done' }).click();
    await rowOf(ids.urgent).waitFor();
    expect(await rowOf(ids.urgent).innerText()).toContain(note);
  });

  it("shows a playbook run's progress by its open tasks, and completing a task moves it", async () => {
    const account = (await get<{ items: { id: string; name: string }[] }>('/api/accounts?limit=1&sort=name')).items[0];
    expect(account).toBeDefined();
    const stamp = Date.now().toString(36);
    const pb = await post<{ id: string }>('/api/playbooks', { name: `Renewal prep ${stamp}`, steps: [
      { kind: 'task', title: `Value summary for {{account.name}} ${stamp}`, dueOffsetDays: 7, assignee: 'owner' },
      { kind: 'task', title: `Meet the sponsor ${stamp}`, dueOffsetDays: 21, assignee: 'owner' },
    ] }, 201);
    const run = await post<Run>(`/api/accounts/${account?.id}/playbooks`, { playbookId: pb.id }, 201);
    // Both tasks are created, neither is done: the run is running, nothing is complete.
    expect(run).toMatchObject({ status: 'running', progress: { done: 0, issued: 2, total: 2 } });

    await page.goto(`${server.url}/accounts/${account?.id}`);
    const card = page.locator(`[data-run-id="${run.id}"]`);
    await card.waitFor();
    const bar = card.getByTestId('run-progress');
    await expect.poll(() => bar.getAttribute('data-done')).toBe('0');
    expect(await bar.getAttribute('data-issued')).toBe('2');
    expect(await card.locator('[data-run-status]').getAttribute('data-run-status')).toBe('running');
    await expect.poll(() => card.locator('[data-step-status="issued"]').count()).toBe(2);
    // The step title is rendered for the account, never shown as a raw template.
    const first = `Value summary for ${account?.name} ${stamp}`;
    expect(await card.innerText()).toContain(first);
    expect(await card.innerText()).not.toContain('{{');

    const complete = async (title: string) => {
      await page.getByRole('button', { name: `Complete ${title}`, exact: true }).click();
      const dialog = page.getByRole('dialog', { name: 'Complete task' });
      await dialog.getByLabel('Outcome note').fill('Done in the e2e');
      await dialog.getByRole('button', { name: 'Complete task' }).click();
      await dialog.waitFor({ state: 'hidden' });
    };
    await complete(first);
    await expect.poll(() => bar.getAttribute('data-done')).toBe('1');
    expect(await card.locator('[data-run-status]').getAttribute('data-run-status')).toBe('running');
    expect(await card.locator('[data-step-status="completed"]').count()).toBe(1);
    expect(await card.locator('[data-step-status="issued"]').count()).toBe(1);

    await complete(`Meet the sponsor ${stamp}`);
    await expect.poll(() => bar.getAttribute('data-done')).toBe('2');
    await expect.poll(() => card.locator('[data-run-status]').getAttribute('data-run-status')).toBe('completed');
    expect((await get<Run>(`/api/playbook-runs/${run.id}`)).status).toBe('completed');
  });

  it('"I called" logs the call: prefilled and editable, on the timeline, and the account\'s last touch', async () => {
    // Canopy proposes a call for a high-ARR account with two kinds of signal (an overdue task, an
    // open escalation) when a playbook would otherwise e-mail it.
    const stamp = Date.now().toString(36);
    const top = (await get<{ items: { id: string }[] }>('/api/accounts?sort=-arr&limit=1')).items[0];
    const patched = await page.request.patch(`${server.url}/api/accounts/${top?.id}`, { data: { ownerId: meId }, headers: { 'x-csrf-token': csrf } });
    expect(patched.status(), await patched.text()).toBe(200);
    await post('/api/tasks', { accountId: top?.id, title: `Overdue ${stamp}`, dueAt: new Date(Date.now() - 3 * DAY).toISOString() }, 201);
    const other = (await get<{ items: { id: string; active: boolean }[] }>('/api/users')).items.find((u) => u.id !== meId && u.active);
    await post('/api/escalations', { accountId: top?.id, title: `Export broken ${stamp}`, severity: 'high', members: [{ userId: meId, role: 'csm' }, { userId: other?.id, role: 'support' }] }, 201);
    await post('/api/contacts', { accountId: top?.id, name: 'Dana Champion', email: `dana-${stamp}@example.test`, role: 'champion' }, 201);
    const pb = await post<{ id: string }>('/api/playbooks', { name: `Check in ${stamp}`, steps: [{ kind: 'email', to: 'champion', subject: 'Checking in on {{account.name}}', body: 'Hi {{contact.firstName}}' }] }, 201);
    await post(`/api/accounts/${top?.id}/playbooks`, { playbookId: pb.id }, 201);
    const call = (await get<TaskList>('/api/tasks?assignee=me&source=recommendation')).items.find((t) => t.kind === 'call' && t.accountId === top?.id);
    expect(call, 'a proposed call').toBeDefined();
    await page.goto(`${server.url}/inbox`);
    const proposal = page.getByTestId('call-them').locator(`[data-task-id="${call?.id}"]`);
    await proposal.getByRole('button', { name: 'I called' }).click();
    const dialog = page.getByRole('dialog', { name: 'I called' });
    const subject = dialog.getByLabel('Call subject');
    expect(await subject.inputValue()).toBe(call?.title);
    expect(await dialog.getByRole('checkbox', { name: /Log this call/ }).isChecked()).toBe(true);
    await subject.fill(`Renewal call ${stamp}`);
    const note = `They are adding the finance team (${stamp})`;
    await dialog.getByLabel('Notes', { exact: true }).fill(note);
    await dialog.getByRole('button', { name: 'Complete and log the call' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await proposal.waitFor({ state: 'detached' });

    const logged = (await get<{ items: Activity[] }>(`/api/activities?accountId=${call?.accountId}&limit=5`)).items.find((a) => a.taskId === call?.id);
    expect(logged).toMatchObject({ kind: 'call', subject: `Renewal call ${stamp}`, body: note });
    expect((await get<Task>(`/api/tasks/${call?.id}`)).status).toBe('done');

    await page.goto(`${server.url}/accounts/${call?.accountId}`);
    await page.getByTestId('timeline').locator(`[data-item-id="activity:${logged?.id}"]`).waitFor();
    await expect.poll(() => page.getByTestId('last-touch').innerText()).toMatch(/now|second|minute/);
    expect(await page.getByText(`call: Renewal call ${stamp}`).count()).toBe(1);
  });
});
