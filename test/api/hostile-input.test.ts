import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorHandler } from '../../src/http/error-handler.js';
import { createTestApp, unique, type SignedIn, type TestApp } from '../support/app.js';
import { encodeCursor, encodeLoose, hostileFor, routesOf, sample, setAt, type Field, type OpenApiDoc, type Route } from '../support/hostile.js';

/**
 * Client input never makes the REST API answer 5xx. Every operation in the app's own OpenAPI
 * document (so a new route is covered as soon as it is registered) gets a valid request built
 * from its schemas, with one field (a path parameter, a query parameter, the body or a property of
 * it) replaced by a generated hostile value: NUL, lone surrogates, control characters, extreme
 * numbers and dates, wrong types, deep nesting, wrong-typed cursors. Each answer is a 2xx, or a
 * 4xx with {code, message} after which the audit log has not grown (nothing half-written).
 * Ingestion (/v1) has its own tests and error codes.
 */

/** Runs per route: 10 keeps the file near a minute on PGlite; HOSTILE_RUNS=80 for a longer hunt (about five minutes). */
const RUNS = Number(process.env.HOSTILE_RUNS ?? 10);

const t: TestApp = await createTestApp();
const doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json() as OpenApiDoc;
const routes = routesOf(doc).filter((r) => r.path.startsWith('/api/'));
let admin: SignedIn;
const ids: Record<string, string> = {};

afterAll(() => t.close());

async function call(method: string, url: string, body?: unknown) {
  const headers: Record<string, string> = { ...admin.headers };
  if (body !== undefined) headers['content-type'] = 'application/json';
  return t.app.inject({ method: method as 'GET', url, headers, ...(body !== undefined ? { payload: JSON.stringify(body) } : {}) });
}

async function create(url: string, body: unknown, key: string, pick = (j: Record<string, unknown>) => j.id) {
  const res = await call('POST', url, body);
  expect(res.statusCode, `fixture ${url}: ${res.body}`).toBeLessThan(300);
  ids[key] = String(pick(res.json() as Record<string, unknown>));
}

beforeAll(async () => {
  admin = await t.signIn('admin');
  ids.userId = admin.userId;
  const other = await t.signIn('csm');
  ids.otherUserId = other.userId;
  await create('/api/teams', { name: unique('team') }, 'teamId');
  await create('/api/accounts', { name: unique('acct'), arr: 1000 }, 'accountId');
  await create('/api/contacts', { accountId: ids.accountId, name: 'Pat' }, 'contactId');
  await create('/api/activities', { accountId: ids.accountId, kind: 'call', subject: 'Kick-off' }, 'activityId');
  await create('/api/tasks', { accountId: ids.accountId, title: 'Call them' }, 'taskId');
  await create('/api/escalations', {
    accountId: ids.accountId, title: 'Outage', severity: 'high',
    members: [{ userId: ids.userId, role: 'csm' }, { userId: ids.otherUserId, role: 'support' }],
  }, 'escalationId');
  await create('/api/playbooks', { name: unique('pb'), steps: [{ kind: 'task', title: 'Hello', dueOffsetDays: 1, assignee: 'owner' }] }, 'playbookId');
  await create('/api/rules', {
    name: unique('rule'), condition: { conditions: [{ type: 'stage', op: 'in', values: ['onboarding'] }] },
    actions: [{ type: 'notify', recipients: ['owner'], message: 'Look' }],
  }, 'ruleId');
  // Deliveries go to a closed local port: allowed explicitly, refused at once, never the internet.
  await call('POST', '/api/settings/outbound-allowlist', { entry: '127.0.0.1' });
  ids.webhookUrl = 'http://127.0.0.1:9/canopy';
  await create('/api/webhooks', { name: unique('wh'), url: ids.webhookUrl, events: ['task.created'] }, 'webhookId', (j) => (j.webhook as { id: string }).id);
  // Success plans and seeds (issue 10): one of each object, so their handlers are reached too.
  await create(`/api/accounts/${ids.accountId}/success-plans`, { title: 'Plan' }, 'planId');
  await create(`/api/success-plans/${ids.planId}/goals`, { statement: 'From 10 days to 4', why: 'Board pack' }, 'goalId');
  await create(`/api/goals/${ids.goalId}/criteria`, { name: 'Days to close', kind: 'manual', target: 4, direction: 'down', baseline: 10 }, 'criterionId');
  await create(`/api/goals/${ids.goalId}/milestones`, { title: 'SSO live', dueAt: '2030-01-01', ownerContactId: ids.contactId }, 'milestoneId');
  await create('/api/plan-templates', { name: unique('tpl'), goals: [] }, 'templateId');
  await create(`/api/success-plans/${ids.planId}/share`, { allowCustomerUpdates: true }, 'shareToken', (j) => j.token);
  await create('/api/seed-questions', { text: 'What if you had no budget at all?', theme: 'Money', variants: ['What would you cut first?'], reaskIntervalDays: 14 }, 'questionId');
  await create(`/api/accounts/${ids.accountId}/seeds`, { questionId: ids.questionId, askedAt: new Date().toISOString() }, 'seedId');
  await create('/api/change-talk/phrases', { phrase: unique('phrase').replace(/-/g, ' '), polarity: 'sustain', category: 'ability' }, 'phraseId');
  await create('/api/change-talk/corrections', { text: 'We will roll it out in May.', label: 'change' }, 'correctionId');
  await create('/api/change-talk/corrections', { text: 'Too busy right now.', label: 'sustain', accountId: ids.accountId }, 'secondCorrectionId');
  // Readiness (issue 11): an initiative with a check-in, and a check-in asked by e-mail (its token read from the queued e-mail).
  await create(`/api/accounts/${ids.accountId}/initiatives`, { title: 'Roll out SSO' }, 'initiativeId');
  await create('/api/check-ins', { accountId: ids.accountId, initiativeId: ids.initiativeId, importance: 8, confidence: 3 }, 'checkInId');
  await create('/api/contacts', { accountId: ids.accountId, name: 'Ada', email: 'ada@example.test' }, 'mailContactId');
  await create(`/api/initiatives/${ids.initiativeId}/check-in-requests`, { contactId: ids.mailContactId }, 'checkInRequestId', (j) => j.requestId);
  const mail = await t.database.query<{ body: string }>('SELECT m.body FROM outbound_messages m JOIN check_in_requests r ON r.outbound_id = m.id WHERE r.id = $1', [ids.checkInRequestId]);
  ids.checkInToken = /\/c\/([A-Za-z0-9_-]{43})/.exec(mail.rows[0]?.body ?? '')?.[1] ?? '';
  // Surveys (issue 11): an NPS survey sent to the contact with an e-mail (its token read from the queued e-mail).
  await create('/api/surveys', { name: unique('NPS'), kind: 'nps', question: 'Recommend us?', emailSubject: 'One question' }, 'surveyId');
  await call('POST', `/api/surveys/${ids.surveyId}/send`, { contactIds: [ids.mailContactId] });
  const surveyMail = await t.database.query<{ body: string }>('SELECT m.body FROM outbound_messages m JOIN survey_recipients r ON r.outbound_id = m.id WHERE r.survey_id = $1', [ids.surveyId]);
  ids.surveyToken = /\/s\/([A-Za-z0-9_-]{43})/.exec(surveyMail.rows[0]?.body ?? '')?.[1] ?? '';
  // Churn reviews (issue 12): a churned outcome opens one (a trigger); its id read back.
  await create('/api/accounts', { name: unique('lost'), arr: 5000 }, 'lostAccountId');
  await create('/api/outcomes', { accountId: ids.lostAccountId, kind: 'churned', occurredOn: '2026-01-15', arrBefore: 5000, arrAfter: 0 }, 'lostOutcomeId');
  ids.reviewId = (await t.database.query<{ id: string }>('SELECT id FROM churn_reviews WHERE outcome_id = $1', [ids.lostOutcomeId])).rows[0]?.id ?? '';
  // Critical dates (issue 12): a typed contract date, so the check route answers 409 and never calls out.
  await create(`/api/accounts/${ids.accountId}/critical-dates`, { kind: 'contract', label: 'MSA', expiresAt: '2030-01-01' }, 'criticalDateId');
  // Risk register (issue 12): a failure mode and a risk raised on the account.
  await create('/api/failure-modes', { name: unique('mode'), signalKinds: ['usage_drop'] }, 'failureModeId');
  await create(`/api/accounts/${ids.accountId}/risks`, { title: 'Champion left' }, 'accountRiskId');
  // Risk signals (issue 12): a detector kind (so a dry run computes) and a manual signal on the account.
  ids.signalDefinitionId = (await t.database.query<{ id: string }>("SELECT id FROM signal_definitions WHERE kind = 'usage_drop'")).rows[0]?.id ?? '';
  await create('/api/risk-signals', { accountId: ids.accountId, kind: 'manual', note: 'Heard of a reorg' }, 'riskSignalId');
}, 120_000);

/** Path parameters point at the fixture of their collection, so handlers get past their 404s. */
const PATH_IDS: [RegExp, string][] = [
  [/^\/api\/accounts\/\{id\}/, 'accountId'], [/^\/api\/contacts\//, 'contactId'], [/^\/api\/activities\//, 'activityId'],
  [/^\/api\/tasks\//, 'taskId'], [/^\/api\/escalations\//, 'escalationId'], [/^\/api\/playbooks\//, 'playbookId'],
  [/^\/api\/rules\//, 'ruleId'], [/^\/api\/webhooks\/\{id\}/, 'webhookId'], [/^\/api\/users\//, 'otherUserId'],
  [/^\/api\/success-plans\/\{id\}/, 'planId'], [/^\/api\/goals\//, 'goalId'], [/^\/api\/criteria\//, 'criterionId'],
  [/^\/api\/milestones\//, 'milestoneId'], [/^\/api\/plan-templates\//, 'templateId'],
  [/^\/api\/seed-questions\//, 'questionId'], [/^\/api\/seeds\/\{id\}/, 'seedId'],
  [/^\/api\/change-talk\/phrases\//, 'phraseId'],
  [/^\/api\/initiatives\//, 'initiativeId'],
  [/^\/api\/surveys\//, 'surveyId'],
  [/^\/api\/renewals\//, 'accountId'],
  [/^\/api\/reviews\//, 'reviewId'],
  [/^\/api\/critical-dates\//, 'criticalDateId'],
  [/^\/api\/failure-modes\//, 'failureModeId'],
  [/^\/api\/account-risks\//, 'accountRiskId'],
  [/^\/api\/signal-definitions\//, 'signalDefinitionId'],
  [/^\/api\/risk-signals\//, 'riskSignalId'],
];
const pathValue = (route: Route, name: string) => {
  if (name === 'entry') return 'nothing.example.test';
  if (name === 'token' && route.path.startsWith('/api/public/check-ins/')) return ids.checkInToken ?? randomUUID();
  if (name === 'token' && route.path.startsWith('/api/public/surveys/')) return ids.surveyToken ?? randomUUID();
  if (name === 'token') return ids.shareToken ?? randomUUID();
  const key = PATH_IDS.find(([re]) => re.test(route.path))?.[1];
  return (key && ids[key]) ?? randomUUID();
};

function request(route: Route, field: Field, value: unknown) {
  const params: Record<string, unknown> = Object.fromEntries(route.params.map((p) => [p.name, pathValue(route, p.name)]));
  const query: Record<string, unknown> = Object.fromEntries(route.query.filter((q) => q.required).map((q) => [q.name, sample(q.schema, ids, q.name)]));
  let body = route.body ? sample(route.body, ids) : undefined;
  const name = field.path[0] ?? '';
  if (field.where === 'path') params[name] = value;
  else if (field.where === 'query') query[name] = value;
  else body = setAt(body, field.path, value);
  const qs = Object.entries(query).map(([k, v]) => `${encodeLoose(k)}=${encodeLoose(String(v))}`).join('&');
  const url = route.path.replace(/\{(\w+)\}/g, (_, k: string) => encodeLoose(String(params[k]))) + (qs ? `?${qs}` : '');
  return { url, body };
}

const auditCount = async () => (await t.database.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_log')).rows[0]?.n ?? 0;

async function expectNoServerError(method: string, url: string, body: unknown) {
  const before = await auditCount();
  const res = await call(method, url, body);
  const what = `${method} ${url} ${JSON.stringify(body)?.slice(0, 300)} -> ${res.statusCode} ${res.body.slice(0, 300)}`;
  expect(res.statusCode, what).toBeLessThan(500);
  if (res.statusCode >= 400) {
    const err = res.json() as { code?: unknown; message?: unknown };
    expect(typeof err.code, what).toBe('string');
    expect(typeof err.message, what).toBe('string');
    expect(await auditCount(), `audit log grew after ${what}`).toBe(before);
  }
  return res;
}

describe('every REST operation, one hostile field at a time', () => {
  it('covers the routes of the OpenAPI document', () => {
    // A guard against a vacuous run: the document lists the whole API.
    expect(routes.length).toBeGreaterThan(60);
    for (const p of ['/api/accounts', '/api/teams', '/api/outcomes', '/api/accounts/{id}/timeline', '/api/webhooks/{id}/deliveries']) {
      expect(routes.some((r) => r.path === p), p).toBe(true);
    }
  });

  for (const route of routes) {
    it(`${route.method} ${route.path} never answers 5xx`, async () => {
      const input = fc.constantFrom(...route.fields).chain((f) => hostileFor(f.where).map((v) => [f, v] as const));
      await fc.assert(
        fc.asyncProperty(input, async ([field, value]) => {
          const { url, body } = request(route, field, value);
          await expectNoServerError(route.method, url, body);
        }),
        { numRuns: RUNS },
      );
    }, 60_000);
  }
});

describe('typed cursors still read what their lists hand out', () => {
  it('every list and sort pages on with its own nextCursor', async () => {
    // Rows with values in every sort column: a second account with a renewal date, contacts with and without a name.
    await create('/api/accounts', { name: unique('acct'), arr: 12.5, renewalDate: '2027-01-31' }, 'secondAccountId');
    await create('/api/contacts', { accountId: ids.accountId, email: `${unique('c')}@example.test` }, 'secondContactId');
    const sorts = (base: string, keys: string[]) => keys.flatMap((k) => [`${base}?sort=${k}`, `${base}?sort=-${k}`]);
    const lists = [
      ...sorts('/api/accounts', ['name', 'arr', 'renewalDate', 'lastActivityAt', 'createdAt', 'health', 'healthChange30d']),
      ...sorts('/api/contacts', ['name', 'lastSeenAt']), ...sorts('/api/escalations', ['createdAt', 'updatedAt', 'severity']),
      '/api/activities?', '/api/audit?', `/api/rules/${ids.ruleId}/firings?`, `/api/webhooks/${ids.webhookId}/deliveries?`, '/api/notifications?',
      '/api/change-talk/corrections?', '/api/reviews?',
    ];
    for (const list of lists) {
      const seen = new Set<string>();
      let cursor: string | null = null;
      for (let page = 0; page < 4; page++) {
        const res = await call('GET', `${list}${list.endsWith('?') ? '' : '&'}limit=1${cursor ? `&cursor=${cursor}` : ''}`);
        expect(res.statusCode, `${list} page ${page}: ${res.body}`).toBe(200);
        const { items, nextCursor } = res.json() as { items: { id: string | number }[]; nextCursor: string | null };
        for (const item of items) {
          expect(seen.has(String(item.id)), `${list} repeats ${item.id}`).toBe(false);
          seen.add(String(item.id));
        }
        if (!nextCursor) break;
        cursor = nextCursor;
      }
    }
    // The timeline's cursor is `before`.
    const first = (await call('GET', `/api/accounts/${ids.accountId}/timeline?limit=1`)).json() as { nextCursor: string | null };
    expect(first.nextCursor).not.toBeNull();
    expect((await call('GET', `/api/accounts/${ids.accountId}/timeline?limit=1&before=${first.nextCursor}`)).statusCode).toBe(200);
  });
});

/** The cases an outside tester reported, each pinned to the answer it must get. */
describe('reported 500s are 400s naming the field', () => {
  const ab = 'WyJhIiwiYiJd'; // ["a","b"]
  const lists = () => [
    '/api/accounts', '/api/accounts?sort=-arr', '/api/accounts?sort=renewalDate', '/api/accounts?sort=health', '/api/contacts',
    '/api/contacts?sort=lastSeenAt', '/api/activities', '/api/escalations', '/api/escalations?sort=severity', '/api/audit', '/api/notifications',
    `/api/rules/${ids.ruleId}/firings`, `/api/webhooks/${ids.webhookId}/deliveries`, '/api/change-talk/corrections', '/api/reviews',
  ];

  it('a well-formed cursor of the wrong types, on every list', async () => {
    for (const list of lists()) {
      // Wrong for every list, whatever its sort; a text-sorted list reads any string as its first value.
      for (const c of [ab, encodeCursor([1, 2, 3]), encodeCursor([null, randomUUID()]), encodeCursor([{}, randomUUID()]), encodeCursor(['x', 'not-an-id'])]) {
        const res = await expectNoServerError('GET', `${list}${list.includes('?') ? '&' : '?'}cursor=${c}`, undefined);
        expect(res.statusCode, list).toBe(400);
        expect(res.json(), list).toMatchObject({ code: 'request.invalid', fields: [{ path: 'cursor' }] });
      }
    }
    const res = await expectNoServerError('GET', `/api/accounts/${ids.accountId}/timeline?before=${ab}`, undefined);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'request.invalid', fields: [{ path: 'before' }] });
  });

  it('a cursor whose timestamp or number is out of range, on the lists that sort by one', async () => {
    const bad = [
      encodeCursor(['0000-01-01 00:00:00+00', randomUUID()]), encodeCursor(['2026-02-30 00:00:00+00', randomUUID()]),
      encodeCursor(['275760-09-13T00:00:00Z', randomUUID()]), encodeCursor(['1e308', randomUUID()]), encodeCursor([2 ** 63, randomUUID()]),
    ];
    const timed = ['/api/accounts?sort=createdAt', '/api/accounts?sort=-arr', '/api/accounts?sort=health', '/api/contacts?sort=lastSeenAt', '/api/activities',
      '/api/escalations', '/api/escalations?sort=severity', '/api/audit', '/api/notifications', `/api/rules/${ids.ruleId}/firings`, `/api/webhooks/${ids.webhookId}/deliveries`];
    for (const list of timed) {
      for (const c of bad) {
        const res = await expectNoServerError('GET', `${list}${list.includes('?') ? '&' : '?'}cursor=${c}`, undefined);
        expect(res.statusCode, `${list} ${Buffer.from(c, 'base64url').toString()}`).toBe(400);
      }
    }
  });

  it('an empty kind list on the timeline', async () => {
    const res = await expectNoServerError('GET', `/api/accounts/${ids.accountId}/timeline?kinds=,,,`, undefined);
    expect(res.statusCode).toBe(400);
    expect(JSON.stringify(res.json())).toContain('kinds');
    expect((await call('GET', `/api/accounts/${ids.accountId}/timeline?kinds=`)).statusCode).toBe(200);
  });

  it.each([
    ['POST', '/api/teams', { name: 'a\u0000b' }, 'name'],
    ['POST', '/api/accounts', { name: 'x', custom: { note: 'a\ud800' } }, 'custom.note'],
    ['POST', '/api/accounts', { name: 'x', custom: { 'k\u0000': 1 } }, 'custom.k\u0000'],
    ['POST', '/api/accounts', { name: 'x', arr: 1e12 }, 'arr'],
    ['POST', '/api/outcomes', () => ({ accountId: ids.accountId, kind: 'renewed', occurredOn: '0000-01-01' }), 'occurredOn'],
    ['POST', '/api/outcomes', () => ({ accountId: ids.accountId, kind: 'renewed', occurredOn: '2026-01-01', arrBefore: 1e308 }), 'arrBefore'],
    ['POST', '/api/auth/login', { email: 'a\u0000@example.test', password: 'x' }, 'email'],
  ])('%s %s %j', async (method, url, body, field) => {
    const res = await expectNoServerError(method, url, typeof body === 'function' ? body() : body);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'request.invalid', fields: expect.arrayContaining([expect.objectContaining({ path: field })]) as unknown });
  });

  it.each([
    ['/api/accounts?search=%00', 400], ['/api/contacts?search=a%00b', 400], ['/api/tasks?search=a%00', 400], ['/api/activities?from=0000-01-01T00:00:00Z', 400],
    ['/api/activities?to=%2B275760-09-13T00:00:00Z', 400], ['/api/accounts?arrMin=1e308', 400], ['/api/audit?objectId=%00', 400],
    // A lone surrogate cannot travel in UTF-8: its bytes arrive as U+FFFD, a search like any other.
    ['/api/tasks?search=%ED%A0%80', 200],
  ])('GET %s answers %i', async (url, status) => {
    const res = await expectNoServerError('GET', url, undefined);
    expect(res.statusCode).toBe(status);
    if (status === 400) expect(res.json()).toMatchObject({ code: 'request.invalid' });
  });
});

describe('database data errors the schemas missed', () => {
  /** A bare app with the real error handler, raising real SQLSTATEs from the test database. */
  const bare = Fastify({ logger: false });
  bare.setErrorHandler(errorHandler);
  bare.get('/raise/:code', async (req) => {
    const { code } = req.params as { code: string };
    await t.database.query(`DO $$ BEGIN RAISE EXCEPTION 'secret SQL detail' USING ERRCODE = '${code.replace(/[^0-9A-Z]/g, '')}'; END $$`);
    return {};
  });
  bare.get('/cast', async () => t.database.query("SELECT 'not a number'::int"));
  afterAll(() => bare.close());

  it.each(['22P05', '22021', '22P02', '22003', '22007', '22008', '22009', '22000', '23502', '23514'])('SQLSTATE %s is a 400 that leaks no SQL', async (code) => {
    const res = await bare.inject({ method: 'GET', url: `/raise/${code}` });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'request.invalid' });
    expect(res.body).not.toContain('secret');
  });

  it('a failed cast from the driver is a 400; other database errors stay 500', async () => {
    expect((await bare.inject({ method: 'GET', url: '/cast' })).statusCode).toBe(400);
    for (const code of ['42P01', '23505', 'XX000']) expect((await bare.inject({ method: 'GET', url: `/raise/${code}` })).statusCode, code).toBe(500);
  });
});
