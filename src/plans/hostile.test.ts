import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, unique, type SignedIn, type TestApp } from '../../test/support/app.js';
import { encodeLoose, hostileFor, routesOf, sample, setAt, type OpenApiDoc, type Route } from '../../test/support/hostile.js';

/**
 * The plan routes with real objects behind their ids (the app-wide hostile test reaches them with
 * made-up ids, so mostly their 404s): one hostile field at a time, the answer is a 2xx or a 4xx
 * with {code, message}, never a 5xx, and a refused request writes no audit row. Deletes are left
 * out (they take no body and would remove the objects the other runs need).
 */
const RUNS = Number(process.env.HOSTILE_RUNS ?? 8);
const PREFIXES = ['/api/accounts/{id}/success-plans', '/api/success-plans', '/api/goals', '/api/criteria', '/api/milestones', '/api/plan-templates'];

let t: TestApp;
let admin: SignedIn;
let routes: Route[] = [];
const ids: Record<string, string> = {};

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.signIn('admin');
  const doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json() as OpenApiDoc;
  routes = routesOf(doc).filter((r) => r.method !== 'DELETE' && PREFIXES.some((p) => r.path.startsWith(p)) && !r.path.includes('/share'));
  const post = async (url: string, body: object) => {
    const res = await t.app.inject({ method: 'POST', url, headers: admin.headers, payload: body });
    expect(res.statusCode, `${url}: ${res.body}`).toBeLessThan(300);
    return (res.json() as { id: string }).id;
  };
  ids.accountId = await post('/api/accounts', { name: unique('acct'), arr: 100 });
  ids.contactId = await post('/api/contacts', { accountId: ids.accountId, name: 'Pat', role: 'champion' });
  ids.planId = await post(`/api/accounts/${ids.accountId}/success-plans`, { title: 'Plan' });
  ids.goalId = await post(`/api/success-plans/${ids.planId}/goals`, { statement: 'Grow' });
  ids.criterionId = await post(`/api/goals/${ids.goalId}/criteria`, { name: 'reports', kind: 'manual', target: 10 });
  ids.milestoneId = await post(`/api/goals/${ids.goalId}/milestones`, { title: 'Kick-off', dueAt: '2026-03-01' });
  ids.templateId = await post('/api/plan-templates', { name: unique('tpl') });
  ids.userId = admin.userId;
  ids.ownerUserId = admin.userId;
  ids.assigneeUserId = admin.userId;
}, 60_000);
afterAll(() => t.close());

const PATH_IDS: [RegExp, string][] = [
  [/^\/api\/accounts\//, 'accountId'], [/^\/api\/success-plans\//, 'planId'], [/^\/api\/goals\//, 'goalId'],
  [/^\/api\/criteria\//, 'criterionId'], [/^\/api\/milestones\//, 'milestoneId'], [/^\/api\/plan-templates\//, 'templateId'],
];

const auditCount = async () => (await t.database.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_log')).rows[0]?.n ?? 0;

describe('plan routes with real ids, one hostile field at a time', () => {
  it('covers the plan and template routes', () => {
    expect(routes.length).toBeGreaterThanOrEqual(14);
  });

  it('never answer 5xx, and a refusal writes nothing', async () => {
    for (const route of routes) {
      const input = fc.constantFrom(...route.fields).chain((f) => hostileFor(f.where).map((v) => [f, v] as const));
      await fc.assert(fc.asyncProperty(input, async ([field, value]) => {
        const key = PATH_IDS.find(([re]) => re.test(route.path))?.[1] ?? 'planId';
        const params: Record<string, unknown> = Object.fromEntries(route.params.map((p) => [p.name, ids[key]]));
        let body = route.body ? sample(route.body, { ...ids, templateId: ids.templateId ?? '' }) : undefined;
        const query: Record<string, unknown> = {};
        const name = field.path[0] ?? '';
        if (field.where === 'path') params[name] = value;
        else if (field.where === 'query') query[name] = value;
        else body = setAt(body, field.path, value);
        const qs = Object.entries(query).map(([k, v]) => `${encodeLoose(k)}=${encodeLoose(String(v))}`).join('&');
        const url = route.path.replace(/\{(\w+)\}/g, (_, k: string) => encodeLoose(String(params[k]))) + (qs ? `?${qs}` : '');
        const before = await auditCount();
        const headers: Record<string, string> = { ...admin.headers };
        if (body !== undefined) headers['content-type'] = 'application/json';
        const res = await t.app.inject({ method: route.method as 'GET', url, headers, ...(body !== undefined ? { payload: JSON.stringify(body) } : {}) });
        const what = `${route.method} ${url} ${JSON.stringify(body)?.slice(0, 200)} -> ${res.statusCode} ${res.body.slice(0, 200)}`;
        expect(res.statusCode, what).toBeLessThan(500);
        if (res.statusCode >= 400) {
          expect(res.json(), what).toMatchObject({ code: expect.any(String), message: expect.any(String) });
          expect(await auditCount(), `audit log grew after ${what}`).toBe(before);
        }
      }), { numRuns: RUNS });
    }
  }, 300_000);
});
