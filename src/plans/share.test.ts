import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type SignedIn, type TestApp } from '../../test/support/app.js';
import { buildSharedPlan, type SharedPlanFixture } from './share-test-fixtures.js';
import { refOf } from './share-token.js';
import { loadPlan } from './store.js';

/**
 * The shared link of a success plan over HTTP, on a real database: what the customer sees (only
 * shared items, nothing internal), when the link stops working (revoke, expiry, a newer link),
 * views, and the two writes a link may allow (its own side's open tasks, comments) — nothing else.
 */

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

let t: TestApp;
let admin: SignedIn;
let viewer: SignedIn;
let csm: SignedIn;
let f: SharedPlanFixture;
let other: SharedPlanFixture;
let ipCounter = 0;
/** Each call from its own address, so the per-address rate limit never decides a test that is not about it. */
const freshIp = () => `10.77.${Math.floor(++ipCounter / 250)}.${ipCounter % 250}`;

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.signIn('admin');
  viewer = await t.signIn('viewer');
  csm = await t.signIn('csm');
  f = await buildSharedPlan(t.database, t.app.services, { ownerId: csm.userId, vendorUserId: admin.userId, tag: 'main' });
  other = await buildSharedPlan(t.database, t.app.services, { ownerId: null, vendorUserId: admin.userId, tag: 'other' });
  // A webhook on task.completed (to a closed local port) shows that a tick goes through the task service.
  await t.app.inject({ method: 'POST', url: '/api/settings/outbound-allowlist', headers: admin.headers, payload: { entry: '127.0.0.1' } });
  const hook = await t.app.inject({ method: 'POST', url: '/api/webhooks', headers: admin.headers, payload: { name: 'share-test', url: 'http://127.0.0.1:9/canopy', events: ['task.completed'] } });
  expect(hook.statusCode, hook.body).toBe(201);
}, 60_000);
afterAll(() => t.close());

type Created = { url: string; token: string; expiresAt: string | null; allowCustomerUpdates: boolean; createdAt: string };

async function share(planId: string, body: Record<string, unknown> = {}, who: SignedIn = admin) {
  return t.app.inject({ method: 'POST', url: `/api/success-plans/${planId}/share`, headers: who.headers, payload: body });
}
async function newLink(planId: string, body: Record<string, unknown> = {}): Promise<Created> {
  const res = await share(planId, body);
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as Created;
}
const pub = (method: 'GET' | 'POST', url: string, payload?: unknown, headers: Record<string, string> = {}) =>
  t.app.inject({ method, url, remoteAddress: freshIp(), headers, ...(payload === undefined ? {} : { payload: payload as object }) });
const shareIdOf = async (token: string) => {
  const hash = createHash('sha256').update(token).digest('hex');
  const { rows } = await t.database.query<{ id: string }>('SELECT id FROM plan_shares WHERE token_hash = $1', [hash]);
  return rows[0]?.id ?? '';
};
type View = {
  title: string; accountName: string; contacts: { id: string; name: string }[];
  goals: { id: string; statement: string; criteria: { name: string; progress: number | null; current: number | null }[];
    milestones: { title: string; tasks: { id: string; title: string; side: string; status: string; canComplete: boolean }[] }[] }[];
};
const tasksOf = (v: View) => v.goals.flatMap((g) => g.milestones.flatMap((m) => m.tasks));

describe('creating a link', () => {
  it('answers a 256-bit token once, keeps only its SHA-256, and builds a relative url without a public base URL', async () => {
    const link = await newLink(f.planId);
    expect(link.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(link.url).toBe(`/shared/plans/${link.token}`);
    expect(link.allowCustomerUpdates).toBe(false);
    const { rows } = await t.database.query('SELECT * FROM plan_shares WHERE plan_id = $1', [f.planId]);
    expect(JSON.stringify(rows)).not.toContain(link.token);
    expect(await shareIdOf(link.token)).toMatch(UUID);
  });

  it('refuses an expiry in the past with a field error, and a viewer', async () => {
    const past = await share(f.planId, { expiresAt: new Date(Date.now() - 60_000).toISOString() });
    expect(past.statusCode).toBe(400);
    expect(past.json()).toMatchObject({ code: 'plan_share.invalid', fields: [{ path: 'expiresAt' }] });
    expect((await share(f.planId, {}, viewer)).statusCode).toBe(403);
  });

  it('a new link revokes the previous one: one live link per plan', async () => {
    const first = await newLink(f.planId);
    const second = await newLink(f.planId, { allowCustomerUpdates: true });
    expect((await pub('GET', `/api/shared/plans/${first.token}`)).statusCode).toBe(404);
    expect((await pub('GET', `/api/shared/plans/${second.token}`)).statusCode).toBe(200);
    const live = await t.database.query<{ n: number }>('SELECT count(*)::int AS n FROM plan_shares WHERE plan_id = $1 AND revoked_at IS NULL', [f.planId]);
    expect(live.rows[0]?.n).toBe(1);
    const state = (await t.app.inject({ method: 'GET', url: `/api/success-plans/${f.planId}/share`, headers: viewer.headers })).json() as { link: { createdAt: string; allowCustomerUpdates: boolean } };
    expect(state.link).toMatchObject({ createdAt: second.createdAt, allowCustomerUpdates: true });
  });
});

describe('what the customer sees', () => {
  let link: Created;
  beforeAll(async () => {
    link = await newLink(f.planId, { allowCustomerUpdates: true });
  });

  it('the JSON shows the shared goal, criteria with evidence and both sides\' tasks, and nothing hidden or internal', async () => {
    const res = await pub('GET', `/api/shared/plans/${link.token}`);
    expect(res.statusCode).toBe(200);
    const view = res.json() as View;
    expect(view.title).toBe('Acme adoption plan');
    expect(view.goals.map((g) => g.statement)).toEqual(['Weekly reports from 10 to 40 by June']);
    const [goal] = view.goals;
    expect(goal?.criteria).toEqual(expect.arrayContaining([
      expect.objectContaining({ name: 'Weekly reports', current: 25, progress: 50 }),
      expect.objectContaining({ name: 'Exec satisfaction', current: null, progress: null }),
    ]));
    expect(goal?.milestones.map((m) => m.title)).toEqual(['SSO live']);
    expect(tasksOf(view).map((x) => [x.title, x.side, x.canComplete]).sort()).toEqual([
      ['Configure the identity provider', 'customer', true], ['Kick-off call', 'customer', false], ['Send the SSO guide', 'vendor', false],
    ]);
    expect(view.contacts.map((c) => c.name)).toEqual(['Pat Customer', 'Sam Buyer']);
    for (const secret of f.secrets) expect(res.body, secret).not.toContain(secret);
    for (const id of [f.planId, f.accountId, f.goalId, f.tasks.customerTask, f.contacts.pat, admin.userId, csm.userId]) expect(res.body).not.toContain(id);
    expect(res.body).not.toMatch(UUID);
    expect(res.body).not.toContain(admin.email);
    for (const word of ['arr', 'health', 'risk']) expect(Object.keys(view)).not.toContain(word);
  });

  it('the status is computed over what is shown: a hidden overdue milestone neither names itself nor sets the status', async () => {
    const view = (await pub('GET', `/api/shared/plans/${link.token}`)).json() as { status: string; goals: { status: string; statusReasons: string[] }[] };
    expect(view.goals[0]?.status).not.toBe('off_track');
    expect(view.goals[0]?.statusReasons.join(' ')).not.toMatch(/days? overdue|pricing review|vendor side/);
    // Inside Canopy the same goal is off track because of that milestone (20 days overdue).
    const internal = await loadPlan(t.database, f.planId);
    const goal = internal?.plan.goals.find((g) => g.id === f.goalId);
    expect(goal?.status).toBe('off_track');
    expect(goal?.statusReasons.join(' ')).toContain('HIDDENMILESTONE');
  });

  it('the HTML page says the same, without a script, noindex, no referrer, no store, and its own CSP', async () => {
    const res = await pub('GET', `/shared/plans/${link.token}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.headers['x-robots-tag']).toBe('noindex, nofollow');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['content-security-policy']).toMatch(/default-src 'none'.*style-src 'sha256-/);
    expect(res.body).toContain('<meta name="robots" content="noindex, nofollow">');
    expect(res.body).toContain('Weekly reports from 10 to 40 by June');
    expect(res.body).toContain('Configure the identity provider');
    expect(res.body).toContain('no data yet');
    expect(res.body).not.toMatch(/<script/i);
    for (const secret of f.secrets) expect(res.body, secret).not.toContain(secret);
    expect(res.body).not.toMatch(UUID);
  });

  it('every view is recorded with its time and browser (cut to 300 characters), and counted for the CSM; a HEAD request is not a view', async () => {
    const before = (await t.app.inject({ method: 'GET', url: `/api/success-plans/${f.planId}/share`, headers: viewer.headers })).json() as { viewCount: number };
    await pub('GET', `/api/shared/plans/${link.token}`, undefined, { 'user-agent': `Agent/${'x'.repeat(1000)}` });
    await pub('GET', `/shared/plans/${link.token}`, undefined, { 'user-agent': 'Mozilla/5.0 test' });
    const head = await t.app.inject({ method: 'HEAD', url: `/shared/plans/${link.token}`, remoteAddress: freshIp() });
    expect(head.statusCode).toBe(200);
    const res = await t.app.inject({ method: 'GET', url: `/api/success-plans/${f.planId}/share`, headers: viewer.headers });
    expect(res.statusCode).toBe(200);
    const state = res.json() as { viewCount: number; lastViewedAt: string | null; views: { at: string; userAgent: string | null }[] };
    expect(state.viewCount).toBe(before.viewCount + 2);
    expect(state.lastViewedAt).not.toBeNull();
    expect(state.views[0]?.userAgent).toBe('Mozilla/5.0 test');
    expect(state.views[1]?.userAgent).toHaveLength(300);
    const cols = await t.database.query<{ column_name: string }>("SELECT column_name FROM information_schema.columns WHERE table_name = 'plan_share_views'");
    expect(cols.rows.map((c) => c.column_name).sort()).toEqual(['at', 'id', 'share_id', 'user_agent']);
  });
});

describe('when the link stops working', () => {
  it('revoked, expired, unknown and malformed tokens all get the same 404, on the page and the data', async () => {
    const revoked = await newLink(other.planId);
    const del = await t.app.inject({ method: 'DELETE', url: `/api/success-plans/${other.planId}/share`, headers: admin.headers });
    expect(del.statusCode).toBe(204);
    const expired = await newLink(other.planId, { expiresAt: new Date(Date.now() + 3_600_000).toISOString() });
    expect((await pub('GET', `/api/shared/plans/${expired.token}`)).statusCode).toBe(200);
    await t.database.query("UPDATE plan_shares SET expires_at = now() - interval '1 second' WHERE token_hash = $1", [createHash('sha256').update(expired.token).digest('hex')]);
    const unknown = 'A'.repeat(43);
    const bodies = new Set<string>();
    for (const token of [revoked.token, expired.token, unknown, 'short']) {
      const data = await pub('GET', `/api/shared/plans/${token}`);
      expect(data.statusCode, token).toBe(404);
      bodies.add(data.body);
      const page = await pub('GET', `/shared/plans/${token}`);
      expect(page.statusCode, token).toBe(404);
      expect(page.headers['x-robots-tag']).toBe('noindex, nofollow');
    }
    expect([...bodies]).toEqual([JSON.stringify({ code: 'shared_plan.not_found', message: 'This link is not valid: it may have expired or been revoked.' })]);
    // The expired link is still the live one until revoked; after that there is nothing to revoke.
    expect((await t.app.inject({ method: 'DELETE', url: `/api/success-plans/${other.planId}/share`, headers: admin.headers })).statusCode).toBe(204);
    expect((await t.app.inject({ method: 'DELETE', url: `/api/success-plans/${other.planId}/share`, headers: admin.headers })).statusCode).toBe(404);
  });
});

describe('what the customer may write', () => {
  it('a read-only link refuses both writes with 403 and changes nothing', async () => {
    const link = await newLink(other.planId);
    const shareId = await shareIdOf(link.token);
    const taskRef = refOf(shareId, 'task', other.tasks.customerTask);
    const contact = refOf(shareId, 'contact', other.contacts.pat);
    const done = await pub('POST', `/api/shared/plans/${link.token}/tasks/${taskRef}/complete`, { contactId: contact });
    expect(done.statusCode).toBe(403);
    expect(done.json()).toMatchObject({ code: 'shared_plan.read_only' });
    expect((await pub('POST', `/api/shared/plans/${link.token}/comments`, { contactId: contact, body: 'hello' })).statusCode).toBe(403);
    const task = await t.database.query<{ status: string }>('SELECT status FROM tasks WHERE id = $1', [other.tasks.customerTask]);
    expect(task.rows[0]?.status).toBe('open');
    expect((await t.database.query('SELECT 1 FROM plan_comments WHERE plan_id = $1', [other.planId])).rows).toHaveLength(0);
  });

  it('ticks an open customer-side task done with who and when; never a vendor, hidden, done or other plan\'s task', async () => {
    const link = await newLink(f.planId, { allowCustomerUpdates: true });
    const shareId = await shareIdOf(link.token);
    const pat = refOf(shareId, 'contact', f.contacts.pat);
    const tick = (taskId: string, contactId = pat) => pub('POST', `/api/shared/plans/${link.token}/tasks/${refOf(shareId, 'task', taskId)}/complete`, { contactId });

    const vendor = await tick(f.tasks.vendorTask);
    expect(vendor.statusCode).toBe(403);
    expect(vendor.json()).toMatchObject({ code: 'shared_plan.not_customer_task' });
    for (const hidden of [f.tasks.hiddenTask, f.tasks.hiddenMilestoneTask, other.tasks.customerTask]) {
      const res = await tick(hidden);
      expect(res.statusCode, hidden).toBe(404);
      expect(res.json()).toMatchObject({ code: 'shared_plan.item_not_found' });
    }
    expect((await tick(f.tasks.doneTask)).statusCode).toBe(409);
    const stranger = await tick(f.tasks.customerTask, refOf(shareId, 'contact', other.contacts.pat));
    expect(stranger.statusCode).toBe(400);
    expect(stranger.json()).toMatchObject({ fields: [{ path: 'contactId' }] });
    const nameless = await tick(f.tasks.customerTask, refOf(shareId, 'contact', f.contacts.nameless));
    expect(nameless.statusCode).toBe(400);

    const { rows: untouched } = await t.database.query<{ id: string; status: string }>(
      'SELECT id, status FROM tasks WHERE id = ANY ($1::uuid[]) ORDER BY id', [[f.tasks.vendorTask, f.tasks.hiddenTask, f.tasks.hiddenMilestoneTask, other.tasks.customerTask]],
    );
    expect(untouched.every((r) => r.status === 'open')).toBe(true);

    const before = Date.now();
    const ok = await tick(f.tasks.customerTask);
    expect(ok.statusCode, ok.body).toBe(204);
    const task = await t.database.query<{ status: string; completed_at: Date }>('SELECT status, completed_at FROM tasks WHERE id = $1', [f.tasks.customerTask]);
    expect(task.rows[0]?.status).toBe('done');
    expect(new Date(task.rows[0]?.completed_at ?? 0).getTime()).toBeGreaterThanOrEqual(before - 1000);
    const events = await t.database.query<{ data: { contactId: string; contactName: string; taskId: string }; at: Date }>(
      "SELECT data, at FROM plan_events WHERE plan_id = $1 AND kind = 'customer_task_done'", [f.planId],
    );
    expect(events.rows).toHaveLength(1);
    expect(events.rows[0]?.data).toMatchObject({ contactId: f.contacts.pat, contactName: 'Pat Customer', taskId: f.tasks.customerTask });
    const audit = await t.database.query<{ actor_label: string }>("SELECT actor_label FROM audit_log WHERE object_type = 'task' AND object_id = $1 AND action = 'update'", [f.tasks.customerTask]);
    expect(audit.rows[0]?.actor_label).toContain('Pat Customer');
    const hook = await t.database.query("SELECT 1 FROM webhook_deliveries WHERE event_type = 'task.completed' AND payload::text LIKE $1", [`%${f.tasks.customerTask}%`]);
    expect(hook.rows).toHaveLength(1);
    expect((await tick(f.tasks.customerTask)).statusCode).toBe(409);
  });

  it('records a comment with its contact, goal and time, on the plan\'s events, and tells the account owner', async () => {
    const link = await newLink(f.planId, { allowCustomerUpdates: true });
    const shareId = await shareIdOf(link.token);
    const sam = refOf(shareId, 'contact', f.contacts.sam);
    const hidden = await pub('POST', `/api/shared/plans/${link.token}/comments`, { contactId: sam, body: 'x', goalId: refOf(shareId, 'goal', f.hiddenGoalId) });
    expect(hidden.statusCode).toBe(400);
    expect(hidden.json()).toMatchObject({ fields: [{ path: 'goalId' }] });

    const res = await pub('POST', `/api/shared/plans/${link.token}/comments`, { contactId: sam, body: 'Reports are ready on our side', goalId: refOf(shareId, 'goal', f.goalId) });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ contactName: 'Sam Buyer', body: 'Reports are ready on our side' });
    const { rows } = await t.database.query<{ contact_id: string; goal_id: string; share_id: string; created_at: Date }>('SELECT * FROM plan_comments WHERE plan_id = $1', [f.planId]);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ contact_id: f.contacts.sam, goal_id: f.goalId, share_id: shareId });
    expect(Date.now() - new Date(rows[0]?.created_at ?? 0).getTime()).toBeLessThan(60_000);
    const events = await t.database.query("SELECT 1 FROM plan_events WHERE plan_id = $1 AND kind = 'customer_comment' AND goal_id = $2", [f.planId, f.goalId]);
    expect(events.rows).toHaveLength(1);
    const note = await t.database.query<{ title: string }>("SELECT title FROM notifications WHERE user_id = $1 AND kind = 'plan.customer_comment'", [csm.userId]);
    expect(note.rows[0]?.title).toContain('Sam Buyer');
    const state = (await t.app.inject({ method: 'GET', url: `/api/success-plans/${f.planId}/share`, headers: viewer.headers })).json() as { comments: unknown[] };
    expect(state.comments).toEqual([expect.objectContaining({ contactName: 'Sam Buyer', goalId: f.goalId, body: 'Reports are ready on our side' })]);
    const view = (await pub('GET', `/api/shared/plans/${link.token}`)).json() as { comments: { contactName: string; goalId: string | null }[]; goals: { id: string }[] };
    expect(view.comments).toEqual([expect.objectContaining({ contactName: 'Sam Buyer', goalId: view.goals[0]?.id })]);
  });

  it('nothing else can be written through a link', async () => {
    const link = await newLink(f.planId, { allowCustomerUpdates: true });
    const snapshot = async () => JSON.stringify((await t.database.query(
      `SELECT (SELECT jsonb_agg(g ORDER BY g.id) FROM plan_goals g WHERE g.plan_id = $1) AS goals,
              (SELECT jsonb_agg(m ORDER BY m.id) FROM plan_milestones m JOIN plan_goals g ON g.id = m.goal_id WHERE g.plan_id = $1) AS milestones,
              (SELECT jsonb_agg(c ORDER BY c.id) FROM plan_criteria c JOIN plan_goals g ON g.id = c.goal_id WHERE g.plan_id = $1) AS criteria,
              (SELECT jsonb_agg(x ORDER BY x.id) FROM tasks x WHERE x.account_id = $2) AS tasks,
              (SELECT jsonb_agg(p ORDER BY p.id) FROM success_plans p WHERE p.id = $1) AS plan`, [f.planId, f.accountId])).rows);
    const before = await snapshot();
    const attempts: [string, string, unknown][] = [
      ['PATCH', `/api/shared/plans/${link.token}`, { title: 'x' }],
      ['DELETE', `/api/shared/plans/${link.token}`, undefined],
      ['POST', `/api/shared/plans/${link.token}/goals`, { statement: 'x' }],
      ['POST', `/api/shared/plans/${link.token}/tasks/${refOf(await shareIdOf(link.token), 'goal', f.goalId)}/complete`, { contactId: 'x' }],
      ['PATCH', `/api/success-plans/${f.planId}`, { title: 'x' }],
      ['POST', `/api/success-plans/${f.planId}/share`, {}],
      ['DELETE', `/api/success-plans/${f.planId}/share`, undefined],
      ['PATCH', `/api/tasks/${f.tasks.vendorTask}`, { status: 'done' }],
    ];
    for (const [method, url, payload] of attempts) {
      const res = await t.app.inject({ method: method as 'POST', url, remoteAddress: freshIp(), ...(payload === undefined ? {} : { payload: payload as object }) });
      expect(res.statusCode, `${method} ${url}`).toBeGreaterThanOrEqual(400);
      expect(res.statusCode, `${method} ${url}`).toBeLessThan(500);
    }
    expect(await snapshot()).toBe(before);
    expect((await pub('GET', `/api/shared/plans/${link.token}`)).statusCode).toBe(200);
  });

  it('the page\'s plain HTML forms do the same and come back with a 303, whose return to the page is not another view', async () => {
    const link = await newLink(other.planId, { allowCustomerUpdates: true });
    const page = await pub('GET', `/shared/plans/${link.token}`);
    const action = /action="(\/shared\/plans\/[^"]+\/complete)"/.exec(page.body)?.[1];
    const contact = /<option value="([A-Za-z0-9_-]{12})">Pat Customer<\/option>/.exec(page.body)?.[1];
    expect(action).toBeDefined();
    expect(contact).toBeDefined();
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const missing = await t.app.inject({ method: 'POST', url: action ?? '', headers: form, payload: 'contactId=', remoteAddress: freshIp() });
    expect(missing.statusCode).toBe(303);
    expect(missing.headers.location).toBe(`/shared/plans/${link.token}?notice=invalid`);
    const done = await t.app.inject({ method: 'POST', url: action ?? '', headers: form, payload: `contactId=${contact ?? ''}`, remoteAddress: freshIp() });
    expect(done.statusCode).toBe(303);
    expect(done.headers.location).toBe(`/shared/plans/${link.token}?notice=task_done`);
    expect((await t.database.query<{ status: string }>('SELECT status FROM tasks WHERE id = $1', [other.tasks.customerTask])).rows[0]?.status).toBe('done');
    const comment = await t.app.inject({
      method: 'POST', url: `/shared/plans/${link.token}/comments`, headers: form, remoteAddress: freshIp(),
      payload: new URLSearchParams({ contactId: contact ?? '', goalId: '', body: 'Looks good <b>to us</b>' }).toString(),
    });
    expect(comment.statusCode).toBe(303);
    expect(comment.headers.location).toBe(`/shared/plans/${link.token}?notice=comment_added`);
    const after = await pub('GET', `/shared/plans/${link.token}?notice=comment_added&utm_source=mail`);
    expect(after.statusCode).toBe(200);
    expect(after.body).toContain('your comment was sent');
    expect(after.body).toContain('Looks good &lt;b&gt;to us&lt;/b&gt;');
    // The tick's and the comment's 303s, followed back to the page, are the customer's own return,
    // not more views: only the first opening counted. A plain opening again (or an unknown notice) does.
    const views = async () => Number((await t.database.query<{ n: number }>('SELECT count(*)::int AS n FROM plan_share_views WHERE share_id = $1', [await shareIdOf(link.token)])).rows[0]?.n);
    expect(await views()).toBe(1);
    expect((await pub('GET', done.headers.location as string)).statusCode).toBe(200);
    expect((await pub('GET', missing.headers.location as string)).statusCode).toBe(200);
    expect(await views()).toBe(1);
    await pub('GET', `/shared/plans/${link.token}?notice=hello`);
    await pub('GET', `/shared/plans/${link.token}`);
    expect(await views()).toBe(3);
    const revoked = await t.app.inject({ method: 'DELETE', url: `/api/success-plans/${other.planId}/share`, headers: admin.headers });
    expect(revoked.statusCode).toBe(204);
    const gone = await t.app.inject({ method: 'POST', url: `/shared/plans/${link.token}/comments`, headers: form, payload: `contactId=${contact ?? ''}&body=hi`, remoteAddress: freshIp() });
    expect(gone.statusCode).toBe(404);
    expect(gone.headers['content-type']).toContain('text/html');
  });

  it('an Idempotency-Key on a public write is not replayed (the hook needs a principal)', async () => {
    const link = await newLink(other.planId, { allowCustomerUpdates: true });
    const shareId = await shareIdOf(link.token);
    const body = { contactId: refOf(shareId, 'contact', other.contacts.sam), body: 'same twice' };
    const headers = { 'idempotency-key': 'public-key-1' };
    const first = await pub('POST', `/api/shared/plans/${link.token}/comments`, body, headers);
    const second = await pub('POST', `/api/shared/plans/${link.token}/comments`, body, headers);
    expect([first.statusCode, second.statusCode]).toEqual([201, 201]);
    expect(second.headers['idempotent-replayed']).toBeUndefined();
  });
});

describe('rate limits', () => {
  it('answers 429 with Retry-After past 60 requests a minute from one address', async () => {
    const statuses: number[] = [];
    let last;
    for (let i = 0; i < 61; i++) {
      last = await t.app.inject({ method: 'GET', url: `/api/shared/plans/${'B'.repeat(43)}`, remoteAddress: '10.99.0.1' });
      statuses.push(last.statusCode);
    }
    expect(statuses.slice(0, 60).every((s) => s === 404)).toBe(true);
    expect(last?.statusCode).toBe(429);
    expect(last?.json()).toMatchObject({ code: 'shared_plan.rate_limited' });
    expect(Number(last?.headers['retry-after'])).toBeGreaterThan(0);
    const page = await t.app.inject({ method: 'GET', url: `/shared/plans/${'B'.repeat(43)}`, remoteAddress: '10.99.0.1' });
    expect(page.statusCode).toBe(429);
    expect(page.headers['content-type']).toContain('text/html');
    // Another address is not affected.
    expect((await t.app.inject({ method: 'GET', url: `/api/shared/plans/${'B'.repeat(43)}`, remoteAddress: '10.99.0.2' })).statusCode).toBe(404);
  });

  it('answers 429 past 10 writes a minute through one link, from any address', async () => {
    const link = await newLink(other.planId, { allowCustomerUpdates: true });
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) statuses.push((await pub('POST', `/api/shared/plans/${link.token}/comments`, { contactId: 'nobody-at-all', body: 'x' })).statusCode);
    expect(statuses.slice(0, 10).every((s) => s === 400)).toBe(true);
    expect(statuses[10]).toBe(429);
    // Reading the link is still fine.
    expect((await pub('GET', `/api/shared/plans/${link.token}`)).statusCode).toBe(200);
  });
});
