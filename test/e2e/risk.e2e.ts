import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Browser, BrowserContext } from 'playwright-core';
import { getJson, launchChromium, signInAsAdmin } from './browser.js';
import { startTestServer } from '../support/server.js';
import { loadConfig } from '../../src/config.js';
import { seedDemoRiskSignals } from '../../src/demo/risk-signals.js';
import { seedDemoRiskRegister } from '../../src/demo/risk-register.js';
import { refreshDemoRisk } from '../../src/risk/demo.js';

type Server = Awaited<ReturnType<typeof startTestServer>>;
interface Signal { id: string; kind: string; contribution: number; source: string }
interface RadarItem { account: { id: string; name: string }; score: number; level: string }
interface Radar { items: RadarItem[]; nextCursor: string | null; total: number }
interface Summary { levels: { level: string; accounts: number }[] }
interface FailureModeRef { id: string; name: string; playbook: { id: string; name: string } | null; matchedKinds: string[] }
interface Risk { score: number; level: string; signals: Signal[]; failureModes: FailureModeRef[]; judgment: { level: string; note: string } | null }
interface RiskHistory { changes: { id: string; toScore: number }[] }
interface RaisedRisk { id: string; failureMode: { id: string } | null; playbookRun: { id: string; status: string } | null }

const NOTE = 'Their CFO asked for a price review (e2e).';
const JUDGMENT = 'I know the new VP and she likes us (e2e).';

describe('risk radar: the book ranked by compound risk, an account’s risk story, and a playbook started from it', () => {
  let server: Server | undefined;
  let browser: Browser | undefined;
  let context: BrowserContext | undefined;
  let page: Page;

  beforeAll(async () => {
    // The demo book plus issue 12's demos (signals, register) and one risk refresh, as `npm start -- --demo` does.
    const config = loadConfig({ LOG_LEVEL: 'silent' });
    [server, browser] = await Promise.all([
      startTestServer({
        demo: true,
        seed: async (db) => {
          await seedDemoRiskSignals(config, db, { seed: 12 });
          await seedDemoRiskRegister(config, db, { seed: 12 });
          await refreshDemoRisk(config, db);
        },
      }),
      launchChromium(),
    ]);
    context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    page = await context.newPage();
    await signInAsAdmin(page, server);
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await server?.close();
  });

  const api = <T>(path: string) => getJson<T>(page, server?.url ?? '', path);
  const send = async <T>(method: 'POST' | 'PATCH', path: string, body: unknown): Promise<T> => {
    const res = await page.evaluate(
      async ({ method, path, body }) => {
        const me = (await (await fetch('/api/auth/me')).json()) as { csrfToken: string };
        const r = await fetch(path, { method, headers: { 'content-type': 'application/json', 'x-csrf-token': me.csrfToken }, body: JSON.stringify(body) });
        return { status: r.status, body: (await r.json()) as unknown };
      },
      { method, path, body },
    );
    expect(res.status, `${method} ${path} → ${res.status} ${JSON.stringify(res.body)}`).toBeLessThan(300);
    return res.body as T;
  };
  const card = () => page.getByTestId('risk-card');
  const shownScore = async () => Number(await card().getByTestId('risk-score').innerText());
  const shownContributions = async () => (await card().getByTestId('contribution').allInnerTexts()).map((t) => Number(t.replace('+', '')));

  it('lists the book ranked by risk and filters by level', async () => {
    await page.goto(`${server?.url ?? ''}/risk`);
    const table = page.getByTestId('radar-table');
    await table.waitFor();
    const scores = (await table.locator('tbody tr').evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-score')))));
    expect(scores.length).toBeGreaterThan(1);
    for (let i = 1; i < scores.length; i++) expect(scores[i - 1]).toBeGreaterThanOrEqual(scores[i] ?? 0);
    const first = await api<Radar>('/api/risk/radar?limit=5');
    expect(await table.locator('tbody tr').first().getAttribute('data-account-id')).toBe(first.items[0]?.account.id);

    // A level with accounts, chosen on the summary: every row shown has that level.
    const summary = await api<Summary>('/api/risk/summary');
    const level = summary.levels.find((l) => l.accounts > 0 && l.level !== first.items[0]?.level)?.level ?? summary.levels.find((l) => l.accounts > 0)?.level;
    expect(level, 'a risk level with accounts in the demo').toBeTruthy();
    await page.getByTestId('risk-summary').locator(`[data-level="${level}"]`).click();
    await expect.poll(() => page.url()).toContain(`level=${level}`);
    // The previous rows stay, dimmed and marked stale (aria-busy), while the filtered page loads: read only a settled table.
    const shownLevels = async () =>
      (await table.getAttribute('data-stale')) === 'true' ? ['(loading)'] : [...new Set(await table.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-level'))))];
    await expect.poll(shownLevels, { timeout: 30_000, interval: 250 }).toEqual([level]);
    const filtered = await api<Radar>(`/api/risk/radar?level=${level ?? ''}&limit=50`);
    expect(await table.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-account-id')))).toEqual(filtered.items.map((i) => i.account.id));

    // Row click opens the account.
    await table.locator('tbody tr').first().locator('td[data-col="owner"]').click();
    await page.waitForURL(/\/accounts\/[0-9a-f-]+$/);
    await card().waitFor();
  }, 120_000);

  it('tells an account’s risk story: contributions add up, the judgment stands apart, a raised signal moves the score', async () => {
    const radar = await api<Radar>('/api/risk/radar?limit=50');
    // A medium account with signals: room to rise when a signal is raised by hand.
    const target = radar.items.find((i) => i.score > 0 && i.score < 70) ?? radar.items[radar.items.length - 1];
    expect(target).toBeTruthy();
    const id = target?.account.id ?? '';
    await page.goto(`${server?.url ?? ''}/accounts/${id}`);
    await card().getByTestId('risk-score').waitFor();
    const before = await shownScore();
    expect(before).toBe((await api<Risk>(`/api/accounts/${id}/risk`)).score);
    const parts = await shownContributions();
    expect(parts.reduce((a, b) => a + b, 0)).toBe(before);
    await card().getByTestId('risk-contributions-chart').waitFor();

    // Risk over time: the demo computes every account's risk and back-fills 90 days of it, so the history has at least
    // today's move and the card charts every recorded point.
    const history = await api<RiskHistory>(`/api/accounts/${id}/risk/history`);
    expect(history.changes.length, 'the demo refresh recorded risk moves').toBeGreaterThan(0);
    await card().getByTestId('risk-history-chart').locator('canvas').waitFor();
    expect(Number(await card().getByTestId('risk-history').getAttribute('data-points'))).toBe(history.changes.length);
    expect(await card().getByTestId('risk-history-empty').count()).toBe(0);

    // The CSM's judgment: shown beside the model, the score does not move.
    await card().getByRole('button', { name: /Give your judgment|Update judgment/ }).click();
    const form = card().getByRole('form', { name: 'Your judgment' });
    await form.getByText('Low', { exact: true }).click();
    await form.getByLabel('Why').fill(JUDGMENT);
    await form.getByRole('button', { name: 'Save judgment' }).click();
    await expect.poll(() => card().getByTestId('judgment-note').innerText()).toBe(JUDGMENT);
    expect(await card().getByTestId('judgment-level').getAttribute('data-level')).toBe('low');
    expect(await shownScore()).toBe(before);

    // Raise a signal by hand: after a refresh the score is higher and the signal is in the story.
    await card().getByRole('button', { name: 'Raise a signal' }).click();
    const dialog = page.getByRole('dialog', { name: 'Raise a risk signal' });
    await dialog.getByLabel('Note').fill(NOTE);
    await dialog.getByRole('button', { name: 'Raise signal' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await expect
      .poll(
        async () => {
          await page.reload();
          await card().getByTestId('risk-score').waitFor();
          return shownScore();
        },
        { timeout: 30_000, interval: 1500 },
      )
      .toBeGreaterThan(before);
    await card().getByText(NOTE, { exact: false }).first().waitFor();
    const after = await shownScore();
    expect((await shownContributions()).reduce((a, b) => a + b, 0)).toBe(after);
    // The chart follows the history after the raise (a move of 5+ points or a level change is recorded as a new point).
    const later = await api<RiskHistory>(`/api/accounts/${id}/risk/history`);
    await expect.poll(async () => Number(await card().getByTestId('risk-history').getAttribute('data-points'))).toBe(later.changes.length);
  }, 180_000);

  it('starts a failure mode’s playbook from the Risk card', async () => {
    const radar = await api<Radar>('/api/risk/radar?limit=50');
    let accountId = '';
    let mode: FailureModeRef | undefined;
    for (const item of radar.items) {
      const risk = await api<Risk>(`/api/accounts/${item.account.id}/risk`);
      // A mode whose playbook already runs on this account (the demo register starts some) shows "running", not the button.
      const live = await api<{ items: RaisedRisk[] }>(`/api/account-risks?accountId=${item.account.id}&status=live`);
      const runningModes = new Set(live.items.filter((r) => r.playbookRun?.status === 'running').map((r) => r.failureMode?.id));
      mode = risk.failureModes.find((m) => m.playbook && !runningModes.has(m.id));
      if (mode) {
        accountId = item.account.id;
        break;
      }
    }
    if (!mode) {
      // The demo register has no playbook linked to a mode these signals meet: link one, as a manager would.
      const top = radar.items.find((i) => i.score > 0);
      accountId = top?.account.id ?? '';
      const risk = await api<Risk>(`/api/accounts/${accountId}/risk`);
      const playbooks = await api<{ items: { id: string; name: string }[] }>('/api/playbooks');
      expect(playbooks.items.length, 'a demo playbook').toBeGreaterThan(0);
      const kind = risk.signals[0]?.kind ?? 'manual';
      const created = await send<{ id: string; name: string }>('POST', '/api/failure-modes', { name: 'Quiet decline (e2e)', signalKinds: [kind], playbookId: playbooks.items[0]?.id });
      mode = { id: created.id, name: created.name, playbook: playbooks.items[0] ?? null, matchedKinds: [kind] };
    }
    await page.goto(`${server?.url ?? ''}/accounts/${accountId}`);
    const row = card().getByTestId('risk-failure-modes').locator(`[data-failure-mode-id="${mode.id}"]`);
    await row.waitFor();
    await row.getByRole('button', { name: 'Start playbook' }).click();
    await row.getByTestId('playbook-running').waitFor();
    const raised = await api<{ items: RaisedRisk[] }>(`/api/account-risks?accountId=${accountId}&status=live`);
    const risk = raised.items.find((r) => r.failureMode?.id === mode?.id);
    expect(risk?.playbookRun?.status).toBe('running');
    await card().getByTestId('raised-risks').locator(`[data-raised-risk-id="${risk?.id ?? ''}"]`).waitFor();
  }, 120_000);

  it('keeps the risk pages and the Risk card inside a phone-width screen', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    const sideways = () => page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
    for (const path of ['/risk', '/risk/register', '/risk/signals']) {
      await page.goto(`${server?.url ?? ''}${path}`);
      await page.getByRole('heading', { level: 2 }).first().waitFor();
      await page.waitForLoadState('networkidle');
      expect(await sideways(), `${path} scrolls sideways at 390 px`).toBeLessThanOrEqual(0);
      await page.screenshot({ path: `/tmp/risk-phone${path.replace(/\//g, '-')}.png`, fullPage: true });
    }
    const radar = await api<Radar>('/api/risk/radar?limit=1');
    await page.goto(`${server?.url ?? ''}/accounts/${radar.items[0]?.account.id ?? ''}`);
    await card().getByTestId('risk-score').waitFor();
    await page.waitForLoadState('networkidle');
    const box = await card().boundingBox();
    expect(box, 'the Risk card is shown').toBeTruthy();
    expect((box?.x ?? 0) + (box?.width ?? 0), 'the Risk card fits in 390 px').toBeLessThanOrEqual(390);
    expect(await card().evaluate((el) => el.scrollWidth - el.clientWidth), 'the Risk card scrolls sideways').toBeLessThanOrEqual(0);
    expect(await sideways(), 'the account page scrolls sideways at 390 px').toBeLessThanOrEqual(0);
    await card().screenshot({ path: '/tmp/risk-phone-card.png' });
    await page.setViewportSize({ width: 1440, height: 900 });
  }, 120_000);
});
