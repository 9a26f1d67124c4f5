import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { Database } from '../../src/db/connect.js';
import { getJson, launchChromium, signInAsAdmin } from './browser.js';

/**
 * The team inbox with 2,000 open tasks: interactive in under a second, later pages as you scroll,
 * and only a screenful of rows in the DOM. The figures go to docs/benchmarks.md.
 */
const TASKS = 2000;
const CALLS = 12;
const RUNS = 5;
/** The product target, met on a quiet machine (417 ms in CI at 9ca7b78). */
const BUDGET_MS = 1000;
/**
 * A busy machine (load 15 on 2 cores: 7 s for one task) slows the app itself; then what the test
 * asserts is that 2,000 tasks cost little over one: at most this factor of the one-task inbox.
 */
const SCALE_FACTOR = 1.5;
const MAX_DOM_NODES = 3000;

type TaskPage = { items: { id: string; title: string; kind: string; source: string }[]; nextCursor: string | null; counts: { open: number; callThem: number } };

/** A team of two (the admin and a CSM), 120 accounts, 2,000 open tasks between them; all by SQL. */
async function seed(database: Database) {
  const { rows: [team] } = await database.query<{ id: string }>(`INSERT INTO teams (name) VALUES ('Scale team') RETURNING id`);
  const { rows: [admin] } = await database.query<{ id: string }>(`UPDATE users SET team_id = $1 WHERE role = 'admin' RETURNING id`, [team?.id]);
  const { rows: [csm] } = await database.query<{ id: string }>(`INSERT INTO users (email, name, role, team_id) VALUES ('casey@canopy.test', 'Casey CSM', 'csm', $1) RETURNING id`, [team?.id]);
  const { rows: accounts } = await database.query<{ id: string }>(
    `INSERT INTO accounts (name, arr, owner_id, team_id, stage, renewal_date)
     SELECT 'Scale account ' || lpad(i::text, 3, '0'), (i * 7919) % 400000, CASE WHEN i % 2 = 0 THEN $1::uuid ELSE $2::uuid END, $3, 'adoption',
            current_date + (i * 3) % 200
       FROM generate_series(1, 120) i RETURNING id`,
    [admin?.id, csm?.id, team?.id],
  );
  await database.query(
    `INSERT INTO account_health (account_id, score, band, state, stage, drivers)
     SELECT id, 20 + (row_number() OVER ())::int * 13 % 75, (ARRAY['good', 'watch', 'poor'])[1 + (row_number() OVER ())::int % 3], 'scored', 'adoption', '{"items":[]}'
       FROM unnest($1::uuid[]) AS id`,
    [accounts.map((a) => a.id)],
  );
  await database.query(
    `INSERT INTO tasks (account_id, title, reason, kind, priority, due_at, assignee_user_id, source)
     SELECT ($1::uuid[])[1 + i % 120], 'Scale task ' || lpad(i::text, 4, '0'),
            CASE WHEN i % 3 = 0 THEN 'Usage fell ' || (i % 40) || '% in 30 days; the champion has not logged in for ' || (i % 20) || ' days.' ELSE '' END,
            CASE WHEN i <= $4 THEN 'call' ELSE (ARRAY['todo', 'email', 'meeting', 'todo'])[1 + i % 4] END,
            1 + i % 4,
            CASE i % 6 WHEN 0 THEN NULL ELSE now() + ((i % 60) - 10) * interval '1 day' END,
            CASE WHEN i % 2 = 0 THEN $2::uuid ELSE $3::uuid END,
            CASE WHEN i <= $4 THEN 'recommendation' ELSE (ARRAY['manual', 'rule', 'playbook'])[1 + i % 3] END
       FROM generate_series(1, $5::int) i`,
    [accounts.map((a) => a.id), admin?.id, csm?.id, CALLS, TASKS],
  );
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

describe('the inbox with 2,000 open tasks', () => {
  let server: Awaited<ReturnType<typeof import('../support/server.js').startTestServer>> | undefined;
  let browser: Browser | undefined;
  let page: Page;
  const order: string[] = [];
  const titles = new Map<string, string>();

  beforeAll(async () => {
    const { startTestServer } = await import('../support/server.js');
    [server, browser] = await Promise.all([startTestServer({ seed }), launchChromium()]);
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    page = await context.newPage();
    await signInAsAdmin(page, server);
    // The inbox order, page by page, as the API gives it (calls come out into their own panel).
    let cursor: string | null = null;
    do {
      const res: TaskPage = await getJson<TaskPage>(page, server.url, `/api/tasks?assignee=team&limit=500${cursor ? `&cursor=${cursor}` : ''}`);
      for (const t of res.items) {
        titles.set(t.id, t.title);
        if (!(t.kind === 'call' && t.source === 'recommendation')) order.push(t.id);
      }
      cursor = res.nextCursor;
    } while (cursor);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const inbox = () => page.getByRole('table', { name: 'Inbox' });
  // Strings, not functions: the test project has no DOM types.
  const domNodes = async () => Number(await page.evaluate("document.getElementsByTagName('*').length"));

  it('has them all, in one order', () => {
    expect(order).toHaveLength(TASKS - CALLS);
    expect(new Set(order).size).toBe(TASKS - CALLS);
  });

  it(`is interactive in under ${BUDGET_MS} ms, or within ${SCALE_FACTOR}× a one-task inbox opened the same way when the machine itself is slow`, { timeout: 240_000 }, async () => {
    type Run = { visible: number; interactive: number };
    /** From t0: the first row shows, then its Complete opens the dialog (the row works). */
    const measure = async (t0: number): Promise<Run> => {
      const first = inbox().locator(`tr[data-task-id="${order[0]}"]`);
      await first.waitFor();
      const visible = Date.now() - t0;
      await first.getByRole('button', { name: /^Complete / }).click();
      await page.getByRole('dialog').waitFor();
      const interactive = Date.now() - t0;
      await page.keyboard.press('Escape');
      await page.getByRole('dialog').waitFor({ state: 'detached' });
      return { visible, interactive };
    };
    /** The inbox opened from the app (a fresh page load of the portfolio, nothing of the inbox cached). */
    const openFromPortfolio = async (inboxUrl: string): Promise<Run> => {
      await page.goto(`${server?.url}/`);
      await page.getByRole('heading', { name: 'Portfolio' }).waitFor();
      // The portfolio's own requests finish first: on the embedded database (one session) the
      // inbox's queries would otherwise queue behind them and be charged to the inbox.
      await page.waitForLoadState('networkidle');
      const t0 = Date.now();
      await page.evaluate(`history.pushState({}, '', ${JSON.stringify(inboxUrl)}); dispatchEvent(new PopStateEvent('popstate'))`);
      return measure(t0);
    };
    // The baseline: the same inbox, the same code and the same first row, searched down to that one
    // task. Measured in turn with the full one, so that a busy machine slows both alike; the
    // difference is what 2,000 tasks cost.
    const oneTaskUrl = `/inbox?who=team&q=${encodeURIComponent(titles.get(order[0] ?? '') ?? '?')}`;
    const opened: Run[] = [];
    const baseline: Run[] = [];
    const cold: Run[] = [];
    for (let i = 0; i < RUNS; i++) {
      baseline.push(await openFromPortfolio(oneTaskUrl));
      opened.push(await openFromPortfolio('/inbox?who=team'));
      // A cold start on the inbox's URL: the app's own start-up (bundle, session check) comes on top.
      await page.goto('about:blank');
      const t0 = Date.now();
      await page.goto(`${server?.url}/inbox?who=team`, { waitUntil: 'commit' });
      cold.push(await measure(t0));
    }
    const result = {
      opened, baseline, cold,
      medianBaselineInteractiveMs: median(baseline.map((r) => r.interactive)),
      medianOpenedVisibleMs: median(opened.map((r) => r.visible)),
      medianOpenedInteractiveMs: median(opened.map((r) => r.interactive)),
      medianColdVisibleMs: median(cold.map((r) => r.visible)),
      medianColdInteractiveMs: median(cold.map((r) => r.interactive)),
      domNodes: await domNodes(),
      taskRowsInDom: await inbox().locator('tr[data-task-id]').count(),
    };
    console.log(`[inbox-scale] ${TASKS} open tasks: ${JSON.stringify(result)}`);
    const openedMs = result.medianOpenedInteractiveMs;
    const allowed = Math.max(BUDGET_MS, SCALE_FACTOR * result.medianBaselineInteractiveMs);
    console.log(`[inbox-scale] interactive in ${openedMs} ms with 2,000 tasks, ${result.medianBaselineInteractiveMs} ms with one (target ${BUDGET_MS} ms: ${openedMs < BUDGET_MS ? 'met' : 'not met on this run'}; allowed ${Math.round(allowed)} ms)`);
    expect(openedMs).toBeLessThan(allowed);
    expect(result.domNodes).toBeLessThan(MAX_DOM_NODES);
    await expect.poll(() => page.getByTestId('count-open').innerText()).toContain('2000');
    await expect.poll(() => page.getByTestId('call-them').locator('[data-task-id]').count()).toBe(CALLS);
  });

  it('loads later pages as you scroll, with a bounded DOM, and their rows work', { timeout: 180_000 }, async () => {
    const loaded = page.getByTestId('inbox-loaded');
    await expect.poll(() => loaded.innerText()).toMatch(/^50 of 2,000/);
    let maxNodes = 0;
    const t0 = Date.now();
    for (let i = 0; i < 400 && !(await loaded.innerText()).startsWith('2,000 of'); i++) {
      await page.mouse.wheel(0, 6000);
      await page.waitForTimeout(50);
      maxNodes = Math.max(maxNodes, await domNodes());
    }
    const scrolledMs = Date.now() - t0;
    await expect.poll(() => loaded.innerText()).toMatch(/^2,000 of 2,000/);
    await page.evaluate('window.scrollTo(0, document.documentElement.scrollHeight)');
    const lastId = order[order.length - 1] ?? '';
    const last = inbox().locator(`tr[data-task-id="${lastId}"]`);
    await last.waitFor();
    const rowsInDom = await inbox().locator('tr[data-task-id]').count();
    maxNodes = Math.max(maxNodes, await domNodes());
    console.log(`[inbox-scale] scrolled to all ${TASKS} in ${scrolledMs} ms; at most ${maxNodes} DOM nodes, ${rowsInDom} task rows in the DOM at the end`);
    expect(maxNodes).toBeLessThan(MAX_DOM_NODES);
    expect(rowsInDom).toBeLessThan(80);
    // The first rows left the DOM; the last one works.
    expect(await inbox().locator(`tr[data-task-id="${order[0]}"]`).count()).toBe(0);
    await last.getByRole('button', { name: /^Snooze / }).click();
    await page.getByRole('menuitem', { name: '1 day' }).click();
    // Every loaded page (40 here) is asked again after a change, one after another: seconds, not one.
    await expect.poll(() => page.getByTestId('count-open').innerText(), { timeout: 30_000 }).toContain('1999');
    await expect.poll(() => inbox().locator(`tr[data-task-id="${lastId}"]`).count(), { timeout: 30_000 }).toBe(0);
  });

  it('keeps search and filters working on the paged list', async () => {
    await page.evaluate('window.scrollTo(0, 0)');
    await page.getByLabel('Search tasks').fill(titles.get(order[0] ?? '') ?? '?');
    await expect.poll(() => inbox().locator('tr[data-task-id]').count()).toBe(1);
    await expect.poll(() => page.getByTestId('inbox-loaded').innerText()).toMatch(/^1 of 1 open/);
    await page.getByLabel('Search tasks').fill('');
    await page.getByRole('tab', { name: 'Done' }).click();
    await expect.poll(() => page.getByTestId('inbox-empty').innerText()).toContain('No done tasks');
  });
});
