import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifySignature } from '../../src/webhooks/signature.js';
import type { WebhookEventType } from '../../src/webhooks/emit.js';
import { basic, createTestApp, unique, type SignedIn, type TestApp } from '../support/app.js';
import { startReceiver, type Receiver } from './outbound-support.js';
import { formKey, issueStamp } from '../../src/public/guard.js';
import { hashToken } from '../../src/public/token.js';

/**
 * The webhook contract: every event type the API offers an admin is sent by some real action.
 * One webhook subscribes to everything `GET /api/webhooks` lists; a CS day is then played through
 * the API (usage arrives, health moves band, a rule fires and starts a playbook, its task is
 * worked, an activity is logged, an escalation opened and updated). Each offered type must reach
 * the receiver, signed. A type added to the list without a sender fails here, as does one the
 * journey below does not produce.
 */
let t: TestApp;
let rx: Receiver;
let manager: SignedIn;
let writeKey: string;
const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString();

beforeAll(async () => {
  rx = await startReceiver();
  t = await createTestApp({ CANOPY_OUTBOUND_ALLOW: '127.0.0.1', CANOPY_OUTBOUND_TIMEOUT_MS: '2000' });
  manager = await t.signIn('manager');
  writeKey = (await t.writeKey()).key;
});
afterAll(async () => {
  await t?.close();
  await rx?.close();
});

const api = async (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object, expected = method === 'POST' ? 201 : 200) => {
  const res = await t.app.inject({ method, url, headers: manager.headers, ...(payload ? { payload } : {}) });
  expect(res.statusCode, `${method} ${url}: ${res.body}`).toBe(expected);
  return res.json() as Record<string, unknown> & { id: string };
};
const send = async (batch: object[]) => {
  const res = await t.app.inject({ method: 'POST', url: '/v1/batch', payload: { batch }, headers: { authorization: basic(writeKey) } });
  expect(res.statusCode, res.body).toBe(200);
};
/** `users` people of account g each used the product on each of the given days ago. */
const usage = (g: string, users: number, days: number[]) =>
  send(days.flatMap((d) => Array.from({ length: users }, (_, i) => ({ type: 'track', userId: `${g}-u${i}`, event: 'Logged In', context: { groupId: g }, timestamp: daysAgo(d) }))));

describe('webhook event types', () => {
  it('sends every event type the API offers, from a real action, signed', async () => {
    const admin = await t.signIn('admin');
    const listed = await t.app.inject({ method: 'GET', url: '/api/webhooks', headers: admin.headers });
    const offered = (listed.json() as { eventTypes: string[] }).eventTypes;
    expect(offered.length).toBeGreaterThan(0);
    const created = await t.app.inject({ method: 'POST', url: '/api/webhooks', headers: admin.headers, payload: { name: 'everything', url: rx.url('/all'), events: offered } });
    expect(created.statusCode, created.body).toBe(201);
    const { secret } = created.json() as { secret: string };

    // An account that was busy six weeks ago and quiet since: scored, in a low band.
    const g = unique('acct');
    await send([{ type: 'group', userId: `${g}-u0`, groupId: g, traits: { name: g, seats: 10, stage: 'adoption' } }]);
    await usage(g, 1, [40, 41, 42]);
    const accountId = (await t.database.query<{ id: string }>('SELECT id FROM accounts WHERE external_id = $1', [g])).rows[0]?.id as string;
    await t.database.query('UPDATE accounts SET owner_id = $2 WHERE id = $1', [accountId, manager.userId]);
    const before = await api('GET', `/api/accounts/${accountId}/health`);
    expect(before.state).toBe('scored');

    // A rule on band moves that starts a one-task playbook.
    const playbook = await api('POST', '/api/playbooks', { name: unique('Welcome back'), steps: [{ kind: 'task', title: 'Call them', dueOffsetDays: 1, assignee: 'owner' }] });
    await api('POST', '/api/rules', {
      name: unique('Band moved'),
      condition: { match: 'all', conditions: [{ type: 'health_band_changed', to: ['good', 'watch', 'poor'], withinDays: 7 }] },
      actions: [{ type: 'start_playbook', playbookId: playbook.id }],
    });

    // Every user is back, every day for four weeks: the score climbs and the band moves.
    await usage(g, 10, Array.from({ length: 28 }, (_, i) => i));
    const after = await api('GET', `/api/accounts/${accountId}/health`);
    expect(after.band, `health went from ${String(before.score)} (${String(before.band)}) to ${String(after.score)} (${String(after.band)})`).not.toBe(before.band);
    await api('POST', '/api/rules/evaluate', undefined, 200);

    // The playbook's task, worked to done; then the CSM's notes and an escalation.
    const run = (await t.database.query<{ id: string }>('SELECT id FROM playbook_runs WHERE account_id = $1', [accountId])).rows[0];
    expect(run, 'the rule started the playbook').toBeDefined();
    const task = (await t.database.query<{ id: string }>('SELECT id FROM tasks WHERE playbook_run_id = $1', [run?.id])).rows[0];
    await api('PATCH', `/api/tasks/${task?.id}`, { status: 'done', outcomeNote: 'They are back' });
    await api('POST', '/api/activities', { accountId, kind: 'call', subject: 'Welcome back call' });
    // A crazy question planted on the call draws a strong reaction: the seed moves.
    const seed = await api('POST', `/api/accounts/${accountId}/seeds`, { text: 'What if you never needed to call us?' });
    await api('POST', `/api/seeds/${seed.id}/events`, { kind: 'reaction', strength: 'strong_positive' }, 200);
    const support = await t.signIn('csm');
    const escalation = await api('POST', '/api/escalations', { accountId, title: 'Export broken', severity: 'high', members: [{ userId: manager.userId, role: 'csm' }, { userId: support.userId, role: 'support' }] });
    await api('PATCH', `/api/escalations/${escalation.id}`, { status: 'investigating' });

    // A success plan: a goal whose milestone is 20 days overdue moves the plan off track; the CSM then completes it.
    const plan = await api('POST', `/api/accounts/${accountId}/success-plans`, { title: 'Back to daily use' });
    const goal = await api('POST', `/api/success-plans/${plan.id}/goals`, { statement: 'Everyone reporting weekly' });
    const milestone = await api('POST', `/api/goals/${goal.id}/milestones`, { title: 'Kick-off held', dueAt: daysAgo(20).slice(0, 10) });
    await api('PATCH', `/api/milestones/${milestone.id}`, { completed: true });

    // Readiness: a check-in on an initiative (importance 8, confidence 3: enable).
    const initiative = await api('POST', `/api/accounts/${accountId}/initiatives`, { title: 'Roll out SSO' });
    const checkIn = await api('POST', '/api/check-ins', { accountId, initiativeId: initiative.id, importance: 8, confidence: 3, whatWouldMoveHigher: "We're too busy right now" });

    // Surveys: an NPS survey sent to a contact, opened from the e-mail and answered on its page.
    const surveyContact = await api('POST', '/api/contacts', { accountId, email: `${unique('nps')}@example.test`, name: 'Nina Promoter' });
    const survey = await api('POST', '/api/surveys', { name: unique('NPS'), kind: 'nps', question: 'How likely are you to recommend us?', emailSubject: 'One question' });
    await api('POST', `/api/surveys/${survey.id}/send`, { contactIds: [surveyContact.id] }, 200);
    const { rows: [surveyMail] } = await t.database.query<{ body: string }>('SELECT m.body FROM survey_recipients r JOIN outbound_messages m ON m.id = r.outbound_id WHERE r.survey_id = $1', [survey.id]);
    const surveyToken = /\/s\/([A-Za-z0-9_-]{43})\?score=/.exec(surveyMail?.body ?? '')?.[1] ?? '';
    expect((await t.app.inject({ method: 'GET', url: `/s/${surveyToken}?score=10` })).statusCode).toBe(200);
    // The page's stamp as a person who spent ten seconds on it would send it back.
    const surveyStamp = issueStamp(await formKey(t.database), hashToken(surveyToken), new Date(Date.now() - 10_000));
    const answered = await t.app.inject({ method: 'POST', url: `/api/public/surveys/${surveyToken}`, payload: { score: 10, comment: 'Great team', stamp: surveyStamp } });
    expect(answered.json()).toMatchObject({ counted: true });

    // Risk: scored low after health, then a strong signal raised by hand moves its level.
    await t.app.services.risk.refreshDirty();
    await t.database.query(`INSERT INTO risk_signals (account_id, kind, strength, started_at, source, note) VALUES ($1, 'manual', 0.6, now(), 'manual', 'Their domain lapses next week')`, [accountId]);
    await t.app.services.risk.refreshDirty();

    // Critical dates: a contract five days from expiry (on an account of its own, to leave the risk above as it is), then the daily alert pass.
    const datedAccount = await api('POST', '/api/accounts', { name: unique('Dated'), stage: 'renewal' });
    const contractDate = await api('POST', `/api/accounts/${datedAccount.id}/critical-dates`, { kind: 'contract', label: 'Master agreement', expiresAt: new Date(Date.now() + 5 * 86_400_000).toISOString() });
    await t.app.services.criticalDates.alertPass();

    await t.app.services.outbox.pump();
    const got = rx.received.filter((r) => r.path === '/all');
    for (const r of got) expect(verifySignature(secret, String(r.headers['canopy-signature']), r.body)).toBe(true);
    const sent = new Map<string, Record<string, unknown>>();
    for (const r of got) sent.set(String(r.headers['canopy-event']), JSON.parse(r.body) as Record<string, unknown>);
    const missing = offered.filter((type) => !sent.has(type));
    expect(missing, 'offered event types that no action sent').toEqual([]);

    // The seed's move names the seed, the account, both stages and the evidence.
    expect(sent.get('seed.moved' satisfies WebhookEventType)).toMatchObject({ accountId, data: { seedId: seed.id, accountId, from: 'planted', to: 'reacted', evidence: 'strong positive reaction: planted → reacted' } });
    // The plan's events name the plan, the account and what moved.
    expect(sent.get('plan.status_changed' satisfies WebhookEventType)).toMatchObject({ accountId, data: { planId: plan.id, account: { id: accountId }, reasons: expect.any(Array) } });
    expect(sent.get('plan.milestone_completed' satisfies WebhookEventType)).toMatchObject({ accountId, data: { planId: plan.id, milestone: { id: milestone.id, completedAt: expect.any(String) } } });

    // The critical date's alert names the date, its lead time and the task it made.
    expect(sent.get('critical_date.due' satisfies WebhookEventType)).toMatchObject({ accountId: datedAccount.id, data: { criticalDate: { id: contractDate.id, kind: 'contract', label: 'Master agreement', daysLeft: 5 }, leadDays: 7, taskId: expect.any(String) } });
    // The check-in names the initiative, the scores and the quadrant.
    expect(sent.get('survey.answered' satisfies WebhookEventType)).toMatchObject({ accountId, data: { survey: { id: survey.id, kind: 'nps' }, contactId: surveyContact.id, score: 10, npsCategory: 'promoter', comment: 'Great team', updated: false } });
    expect(sent.get('check_in.recorded' satisfies WebhookEventType)).toMatchObject({ accountId, data: { checkInId: checkIn.id, initiative: { id: initiative.id, title: 'Roll out SSO' }, importance: 8, confidence: 3, quadrant: 'enable', source: 'csm' } });

    // The last level move (the account's own computed signals may have moved it once before): into high, with the hand-raised 0.6 in it.
    const riskMoves = got.filter((r) => r.headers['canopy-event'] === 'risk.level_changed').map((r) => JSON.parse(r.body) as { data: { toLevel: string; toScore: number } });
    expect(riskMoves.length).toBeGreaterThan(0);
    expect(sent.get('risk.level_changed' satisfies WebhookEventType)).toMatchObject({ accountId, data: { account: { id: accountId }, fromLevel: expect.stringMatching(/^(low|medium)$/), toLevel: 'high' } });
    expect(riskMoves.at(-1)?.data.toScore).toBeGreaterThanOrEqual(60);
    // The band move names the account, both bands and both scores.
    expect(sent.get('health.band_changed' satisfies WebhookEventType)).toMatchObject({
      type: 'health.band_changed',
      accountId,
      data: { account: { id: accountId, name: g, externalId: g }, fromBand: before.band, toBand: after.band, fromScore: before.score, toScore: after.score },
    });
  });
});
