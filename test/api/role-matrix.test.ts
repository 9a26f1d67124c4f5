import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, unique, type SignedIn, type TestApp } from '../support/app.js';
import { SYSTEM_ACTOR } from '../../src/auth/principal.js';
import { ROUTES, type Fixtures, type Outcome, type Scope, type Who, WHO } from './role-matrix.table.js';

/**
 * Every route of the app × every kind of caller (the four roles, viewer and manager REST keys,
 * nobody) × an object of the caller's own account or another team's, against the expectations
 * of src/auth/policy.ts listed in role-matrix.table.ts. The routes come from the app itself
 * (printRoutes), so a new route without a line in the table fails here with its name.
 *
 * "ok" means the policy let the request through (any status but 401/403: 200, 201, 204, 404 for a
 * made-up id, 409...); "deny" means 403 for a signed-in caller or key and 401 for nobody.
 */
let t: TestApp;
let teamId: string;
let otherTeamId: string;
const users = {} as Record<'admin' | 'manager' | 'csm' | 'viewer', SignedIn>;
const keys = {} as Record<'viewerKey' | 'managerKey', string>;

beforeAll(async () => {
  t = await createTestApp();
  teamId = (await t.app.services.teams.create(unique('team'), SYSTEM_ACTOR)).id;
  otherTeamId = (await t.app.services.teams.create(unique('other'), SYSTEM_ACTOR)).id;
  for (const role of ['admin', 'manager', 'csm', 'viewer'] as const) users[role] = await t.signIn(role, { teamId });
  keys.viewerKey = await t.restKey('viewer');
  keys.managerKey = await t.restKey('manager');
});
afterAll(() => t.close());

/** The app's routes as "METHOD /path", from Fastify's own route tree (HEAD mirrors GET). */
function appRoutes(): string[] {
  const out: string[] = [];
  const stack: string[] = [];
  for (const line of t.app.printRoutes({ commonPrefix: false }).split('\n')) {
    const m = /^([│ ]*)[├└]── (\S+)(?: \(([^)]+)\))?/.exec(line);
    if (!m) continue;
    const depth = (m[1] ?? '').length / 4;
    stack.length = depth;
    stack.push(m[2] ?? '');
    const path = stack.join('');
    for (const method of (m[3] ?? '').split(', ').filter((x) => x && x !== 'HEAD')) out.push(`${method} ${path}`);
  }
  return out.filter((r) => !/ \/api\/docs/.test(r)); // the Swagger UI's own files: public by design
}

/** Fresh objects for each request, so that a delete or an edit never changes what the next caller meets. */
function fixtures(who: Who, scope: Scope): Fixtures {
  const csm = users.csm;
  const s = t.app.services;
  const account = async () => (await s.accounts.create({ name: unique('acct'), ownerId: scope === 'own' ? csm.userId : null, teamId: scope === 'own' ? teamId : otherTeamId }, SYSTEM_ACTOR)).id;
  return {
    who,
    scope,
    users,
    account,
    async contact() {
      return (await s.contacts.create({ accountId: await account(), name: 'Pat' }, SYSTEM_ACTOR)).id;
    },
    async activity() {
      const res = await t.app.inject({ method: 'POST', url: '/api/activities', headers: users.admin.headers, payload: { accountId: await account(), kind: 'call', subject: 'x', occurredAt: new Date().toISOString() } });
      return (res.json() as { id: string }).id;
    },
    async task() {
      const res = await t.app.inject({ method: 'POST', url: '/api/tasks', headers: users.admin.headers, payload: { accountId: await account(), title: 'x', assigneeUserId: users.admin.userId } });
      return (res.json() as { id: string }).id;
    },
    async escalation() {
      const members = [{ userId: users.admin.userId, role: 'csm' }, { userId: users.manager.userId, role: 'support' }];
      const res = await t.app.inject({ method: 'POST', url: '/api/escalations', headers: users.admin.headers, payload: { accountId: await account(), title: 'x', severity: 'low', members } });
      return (res.json() as { id: string }).id;
    },
    async playbook() {
      const res = await t.app.inject({ method: 'POST', url: '/api/playbooks', headers: users.admin.headers, payload: { name: unique('pb'), steps: [{ kind: 'task', title: 'x', dueOffsetDays: 1, assignee: 'owner' }] } });
      return (res.json() as { id: string }).id;
    },
    async run() {
      const res = await t.app.inject({ method: 'POST', url: `/api/accounts/${await account()}/playbooks`, headers: users.admin.headers, payload: { playbookId: await this.playbook() } });
      return (res.json() as { id: string }).id;
    },
    async outcome() {
      const res = await t.app.inject({ method: 'POST', url: '/api/outcomes', headers: users.admin.headers, payload: { accountId: await account(), kind: 'renewed', occurredOn: '2026-01-01' } });
      return (res.json() as { id: string }).id;
    },
    async user() {
      return (await s.users.create({ email: `${unique('target')}@example.test`, name: 'T', role: 'viewer' }, SYSTEM_ACTOR)).user.id;
    },
    async seed() {
      const res = await t.app.inject({ method: 'POST', url: `/api/accounts/${await account()}/seeds`, headers: users.admin.headers, payload: { text: 'What if?' } });
      return (res.json() as { id: string }).id;
    },
    async seedQuestion() {
      const res = await t.app.inject({ method: 'POST', url: '/api/seed-questions', headers: users.admin.headers, payload: { text: 'What if?', theme: 'scale' } });
      return (res.json() as { id: string }).id;
    },
    async plan() {
      const res = await t.app.inject({ method: 'POST', url: `/api/accounts/${await account()}/success-plans`, headers: users.admin.headers, payload: { title: 'Plan' } });
      return (res.json() as { id: string }).id;
    },
    async goal() {
      const res = await t.app.inject({ method: 'POST', url: `/api/success-plans/${await this.plan()}/goals`, headers: users.admin.headers, payload: { statement: 'Grow' } });
      return (res.json() as { id: string }).id;
    },
    async criterion() {
      const res = await t.app.inject({ method: 'POST', url: `/api/goals/${await this.goal()}/criteria`, headers: users.admin.headers, payload: { name: 'x', kind: 'manual', target: 10 } });
      return (res.json() as { id: string }).id;
    },
    async milestone() {
      const res = await t.app.inject({ method: 'POST', url: `/api/goals/${await this.goal()}/milestones`, headers: users.admin.headers, payload: { title: 'x', dueAt: null } });
      return (res.json() as { id: string }).id;
    },
    async planTemplate() {
      const res = await t.app.inject({ method: 'POST', url: '/api/plan-templates', headers: users.admin.headers, payload: { name: unique('tpl') } });
      return (res.json() as { id: string }).id;
    },
    async initiative() {
      const accountId = await account();
      const res = await t.app.inject({ method: 'POST', url: `/api/accounts/${accountId}/initiatives`, headers: users.admin.headers, payload: { title: 'Roll out SSO' } });
      return { id: (res.json() as { id: string }).id, accountId };
    },
    async survey() {
      const res = await t.app.inject({ method: 'POST', url: '/api/surveys', headers: users.admin.headers, payload: { name: unique('NPS'), kind: 'nps', question: 'Recommend us?', emailSubject: 'One question' } });
      return (res.json() as { id: string }).id;
    },
    async review() {
      const accountId = await account();
      await t.app.inject({ method: 'POST', url: '/api/outcomes', headers: users.admin.headers, payload: { accountId, kind: 'churned', occurredOn: '2026-01-01' } });
      const { rows } = await t.database.query<{ id: string }>('SELECT id FROM churn_reviews WHERE account_id = $1', [accountId]);
      return rows[0]?.id ?? '';
    },
    async criticalDate() {
      const res = await t.app.inject({ method: 'POST', url: `/api/accounts/${await account()}/critical-dates`, headers: users.admin.headers, payload: { kind: 'contract', label: 'MSA', expiresAt: '2030-01-01' } });
      return (res.json() as { id: string }).id;
    },
    async accountRisk() {
      const res = await t.app.inject({ method: 'POST', url: `/api/accounts/${await account()}/risks`, headers: users.admin.headers, payload: { title: 'Champion left' } });
      return (res.json() as { id: string }).id;
    },
    async riskSignal() {
      const res = await t.app.inject({ method: 'POST', url: '/api/risk-signals', headers: users.admin.headers, payload: { accountId: await account(), kind: 'manual', note: 'Heard of a reorg' } });
      return (res.json() as { id: string }).id;
    },
    id: () => randomUUID(),
  };
}

function headersOf(who: Who): Record<string, string> {
  if (who === 'anon') return {};
  if (who === 'viewerKey' || who === 'managerKey') return { authorization: `Bearer ${keys[who]}` };
  return users[who].headers;
}

const routeNames = Object.keys(ROUTES);

describe('the expectations table', () => {
  it('lists every route of the app, and only those', () => {
    const actual = appRoutes();
    expect(actual.length).toBeGreaterThan(80);
    const missing = actual.filter((r) => !(r in ROUTES));
    expect(missing, `routes without a policy line in test/api/role-matrix.table.ts: ${missing.join(', ')}`).toEqual([]);
    expect(routeNames.filter((r) => !actual.includes(r)), 'table lines for routes that no longer exist').toEqual([]);
  });
});

describe.each(routeNames)('%s', (name) => {
  const spec = ROUTES[name];
  if (!spec) throw new Error(name);
  const [method] = name.split(' ') as ['GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'];
  const scopes: Scope[] = spec.scoped ? ['own', 'other'] : ['own'];
  it.each(WHO.flatMap((who) => scopes.map((scope) => [who, scope] as const)))('%s on %s', async (who, scope) => {
    const expected: Outcome = spec.expect(who, scope);
    const f = fixtures(who, scope);
    const url = await spec.url(f);
    const payload = spec.body ? await spec.body(f) : undefined;
    const fresh = spec.fresh && (who === 'admin' || who === 'manager' || who === 'csm' || who === 'viewer');
    const headers = fresh ? (await t.signIn(who, { teamId })).headers : headersOf(who);
    const res = await t.app.inject({ method, url, headers, remoteAddress: `10.60.0.${WHO.indexOf(who)}`, ...(payload === undefined ? {} : { payload: payload as object }) });
    const what = `${name} as ${who} on ${scope}: ${res.statusCode} ${res.body.slice(0, 200)}`;
    if (expected === 'writeKey') expect(res.statusCode, what).toBe(401);
    else if (expected === 'deny') expect(res.statusCode, what).toBe(who === 'anon' ? 401 : 403);
    else expect([401, 403], what).not.toContain(res.statusCode);
  });
});
