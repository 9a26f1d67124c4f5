import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, unique, type SignedIn, type TestApp } from '../../test/support/app.js';
import { SYSTEM_ACTOR } from '../auth/principal.js';
import type { Seed, SeedQuestion } from './schema.js';

/** Success planting over HTTP on a real database: planting, evidence, harvest, the library's record, the webhook. */
let t: TestApp;
let teamId: string;
let csm: SignedIn;
let manager: SignedIn;

beforeAll(async () => {
  t = await createTestApp();
  teamId = (await t.app.services.teams.create(unique('team'), SYSTEM_ACTOR)).id;
  csm = await t.signIn('csm', { teamId });
  manager = await t.signIn('manager');
  await t.database.query(`INSERT INTO webhooks (name, url, secret, events) VALUES ('seeds', 'http://127.0.0.1:9/hook', 's', ARRAY['seed.moved'])`);
});
afterAll(() => t.close());

const call = (who: SignedIn, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) =>
  t.app.inject({ method, url, headers: who.headers, ...(payload ? { payload } : {}) });
const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString();

async function account() {
  const a = await t.app.services.accounts.create({ name: unique('acct'), ownerId: csm.userId, teamId }, SYSTEM_ACTOR);
  const c = await t.app.services.contacts.create({ accountId: a.id, name: 'Ada Customer', email: 'ada@example.test' }, SYSTEM_ACTOR);
  return { accountId: a.id, contactId: c.id };
}
async function question(extra: object = {}) {
  const res = await call(csm, 'POST', '/api/seed-questions', { text: unique('What if your customers onboarded themselves'), theme: unique('self-serve'), variants: ['What would a zero-touch week look like?'], ...extra });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as SeedQuestion;
}
async function plant(accountId: string, body: object) {
  const res = await call(csm, 'POST', `/api/accounts/${accountId}/seeds`, body);
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as Seed;
}
async function move(seedId: string, body: object, expected = 200) {
  const res = await call(csm, 'POST', `/api/seeds/${seedId}/events`, body);
  expect(res.statusCode, res.body).toBe(expected);
  return res.json() as Seed & { code?: string; fields?: { path: string; message: string }[] };
}
const auditCount = async () => (await t.database.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_log')).rows[0]?.n ?? 0;

describe('a seed walks planted → reacted → sprouted → rooted → harvested', () => {
  it('moves with evidence at each stage, harvests into a new plan in one click, and the library record counts it', async () => {
    const { accountId, contactId } = await account();
    const q = await question();
    const seed = await plant(accountId, { questionId: q.id, contactId, askedAt: daysAgo(10) });
    expect(seed).toMatchObject({ stage: 'planted', questionId: q.id, text: q.text, theme: q.theme, contactId, contactName: 'Ada Customer', plantedBy: { id: csm.userId } });
    expect(seed.events.map((e) => e.kind)).toEqual(['planted']);

    expect((await move(seed.id, { kind: 'reaction', strength: 'strong_negative', at: daysAgo(10) })).stage).toBe('reacted');
    expect((await move(seed.id, { kind: 'objection', text: 'Our admins would never allow it' })).stage).toBe('reacted');
    const sprouted = await move(seed.id, { kind: 'follow_up', note: 'They e-mailed asking how others did it', at: daysAgo(7) });
    expect(sprouted.stage).toBe('sprouted');
    expect((await move(seed.id, { kind: 'raised_by_customer', note: 'Their VP brought it up in the weekly', at: daysAgo(3) })).stage).toBe('rooted');

    // No plan yet: the harvest creates it, with the goal in the seed's words.
    expect((await t.database.query('SELECT 1 FROM success_plans WHERE account_id = $1', [accountId])).rows).toHaveLength(0);
    // A goal that would end before it starts (today) is refused, and nothing is created.
    const early = await call(csm, 'POST', `/api/seeds/${seed.id}/harvest`, { targetDate: '2020-01-01' });
    expect(early.statusCode, early.body).toBe(400);
    expect(early.json()).toMatchObject({ code: 'seed.invalid', fields: [{ path: 'targetDate' }] });
    expect((await t.database.query('SELECT 1 FROM success_plans WHERE account_id = $1', [accountId])).rows).toHaveLength(0);
    const res = await call(csm, 'POST', `/api/seeds/${seed.id}/harvest`, { why: 'Onboarding eats half their admin time', targetDate: '2027-06-30' });
    expect(res.statusCode, res.body).toBe(200);
    const harvested = res.json() as Seed;
    expect(harvested).toMatchObject({ stage: 'harvested', highStage: 'harvested', goalStatement: q.text, reaction: 'strong_negative', canEdit: true });
    const goals = await t.database.query<{ id: string; statement: string; why: string; account_id: string }>(
      'SELECT g.id, g.statement, g.why, p.account_id FROM plan_goals g JOIN success_plans p ON p.id = g.plan_id WHERE g.harvested_from_seed_id = $1', [seed.id]);
    expect(goals.rows).toEqual([{ id: harvested.goalId, statement: q.text, why: 'Onboarding eats half their admin time', account_id: accountId }]);

    const moves = harvested.events.filter((e) => e.moved).map((e) => [e.kind, e.fromStage, e.toStage]);
    expect(moves).toEqual([['planted', null, 'planted'], ['reaction', 'planted', 'reacted'], ['follow_up', 'reacted', 'sprouted'],
      ['raised_by_customer', 'sprouted', 'rooted'], ['harvested', 'rooted', 'harvested']]);
    expect(harvested.events.find((e) => e.kind === 'objection')).toMatchObject({ moved: false, text: 'Our admins would never allow it', summary: 'objection: Our admins would never allow it (stays reacted)' });
    expect(harvested.events.find((e) => e.kind === 'follow_up')).toMatchObject({ note: 'They e-mailed asking how others did it', by: { id: csm.userId } });

    const record = (await call(manager, 'GET', `/api/seed-questions/${q.id}`)).json() as SeedQuestion;
    expect(record.record).toMatchObject({ planted: 1, strongReactionShare: 1, sproutedShare: 1, harvestedShare: 1, medianDaysToHarvest: 10 });
    expect(record.record.byCsm).toEqual([{ userId: csm.userId, name: 'Test csm', planted: 1, strongReactionShare: 1, sproutedShare: 1, harvestedShare: 1 }]);
    const library = (await call(manager, 'GET', '/api/seed-library/record')).json() as { themes: { theme: string; planted: number; harvestedShare: number }[] };
    expect(library.themes.find((x) => x.theme === q.theme)).toMatchObject({ planted: 1, harvestedShare: 1 });

    // Every move is on the timeline and went out as seed.moved.
    const timeline = (await call(manager, 'GET', `/api/accounts/${accountId}/timeline?kinds=seed`)).json() as { items: { title: string; summary: string }[] };
    expect(timeline.items.map((i) => i.summary)).toEqual([
      'harvested: rooted → harvested', 'raised by customer: sprouted → rooted', 'follow up: reacted → sprouted', 'strong negative reaction: planted → reacted', `planted: ${q.text}`]);
    const hooks = await t.database.query<{ data: { from: string; to: string; seedId: string; evidence: string } }>(
      `SELECT payload->'data' AS data FROM webhook_deliveries WHERE event_type = 'seed.moved' AND payload->'data'->>'seedId' = $1 ORDER BY created_at, id`, [seed.id]);
    expect(hooks.rows.map((r) => [r.data.from, r.data.to])).toEqual([['planted', 'reacted'], ['reacted', 'sprouted'], ['sprouted', 'rooted'], ['rooted', 'harvested']]);
    expect(hooks.rows[0]?.data.evidence).toBe('strong negative reaction: planted → reacted');
  });

  it('harvests into an existing goal of the account with a harvested event', async () => {
    const { accountId } = await account();
    const seed = await plant(accountId, { text: 'What if the renewal were a formality?' });
    const planId = (await t.database.query<{ id: string }>(`INSERT INTO success_plans (account_id, title) VALUES ($1, 'Plan') RETURNING id`, [accountId])).rows[0]?.id;
    const goalId = (await t.database.query<{ id: string }>(`INSERT INTO plan_goals (plan_id, statement) VALUES ($1, 'From 3 to 1 renewal calls') RETURNING id`, [planId])).rows[0]?.id;
    const s = await move(seed.id, { kind: 'harvested', goalId });
    expect(s).toMatchObject({ stage: 'harvested', goalId, goalStatement: 'From 3 to 1 renewal calls' });
    // The goal names the seed back, as the one-click harvest does.
    const back = async () => (await t.database.query<{ seed: string | null }>('SELECT harvested_from_seed_id AS seed FROM plan_goals WHERE id = $1', [goalId])).rows[0]?.seed;
    expect(await back()).toBe(seed.id);
    const plan = (await call(csm, 'GET', `/api/success-plans/${planId}`)).json() as { goals: { id: string; harvestedFromSeedId: string | null }[] };
    expect(plan.goals.find((g) => g.id === goalId)?.harvestedFromSeedId).toBe(seed.id);

    // A second seed grows into the same goal: accepted, and the goal keeps its first origin.
    const second = await plant(accountId, { text: 'What if renewals ran themselves?' });
    expect(await move(second.id, { kind: 'harvested', goalId })).toMatchObject({ stage: 'harvested', goalId });
    expect(await back()).toBe(seed.id);
  });

  it('the same harvest again is a no-op: 200, the seed unchanged, nothing recorded', async () => {
    const { accountId } = await account();
    const seed = await plant(accountId, { text: 'What if churn were announced a quarter ahead?' });
    const planId = (await t.database.query<{ id: string }>(`INSERT INTO success_plans (account_id, title) VALUES ($1, 'Plan') RETURNING id`, [accountId])).rows[0]?.id;
    const goalId = (await t.database.query<{ id: string }>(`INSERT INTO plan_goals (plan_id, statement) VALUES ($1, 'See churn 90 days ahead') RETURNING id`, [planId])).rows[0]?.id ?? '';
    const first = await move(seed.id, { kind: 'harvested', goalId, note: 'Their COO made it a goal' });
    const audits = await auditCount();
    const hooks = async () => (await t.database.query<{ n: number }>(`SELECT count(*)::int AS n FROM webhook_deliveries WHERE payload->'data'->>'seedId' = $1`, [seed.id])).rows[0]?.n;
    const sent = await hooks();
    const again = await move(seed.id, { kind: 'harvested', goalId });
    const upper = await move(seed.id, { kind: 'harvested', goalId: goalId.toUpperCase(), note: 'logged twice' });
    for (const r of [again, upper]) expect(r).toEqual(first);
    expect(first.events.filter((e) => e.kind === 'harvested')).toHaveLength(1);
    expect(first.events.some((e) => e.summary.includes('stays harvested'))).toBe(false);
    expect(await auditCount()).toBe(audits);
    expect(await hooks()).toBe(sent);
  });
});

describe('refusals change nothing', () => {
  it('a move the stage machine refuses answers 422 naming the fields, and writes nothing', async () => {
    const { accountId } = await account();
    const seed = await plant(accountId, { text: 'What if you fired your biggest customer?', askedAt: daysAgo(2) });
    const before = await auditCount();
    const cases: [object, string][] = [
      [{ kind: 'harvested' }, 'goalId'],
      [{ kind: 'engaged' }, 'variant'],
      [{ kind: 'follow_up' }, 'activityId'],
      [{ kind: 'reaction', strength: 'strong_positive', at: daysAgo(5) }, 'at'],
      [{ kind: 'reaction' }, 'strength'],
    ];
    for (const [body, path] of cases) {
      const res = await move(seed.id, body, 422);
      expect(res.code, JSON.stringify(body)).toBe('seed.move_refused');
      expect(res.fields?.map((f) => f.path), JSON.stringify(body)).toContain(path);
    }
    const after = (await call(csm, 'GET', `/api/seeds/${seed.id}`)).json() as Seed;
    expect(after.stage).toBe('planted');
    expect(after.events).toHaveLength(1);
    expect(await auditCount()).toBe(before);
  });

  it('refuses a goal, an activity or a contact of another account by field', async () => {
    const { accountId } = await account();
    const other = await account();
    const seed = await plant(accountId, { text: 'What if support tickets were a sales channel?' });
    const planId = (await t.database.query<{ id: string }>(`INSERT INTO success_plans (account_id, title) VALUES ($1, 'Theirs') RETURNING id`, [other.accountId])).rows[0]?.id;
    const goalId = (await t.database.query<{ id: string }>(`INSERT INTO plan_goals (plan_id, statement) VALUES ($1, 'Not yours') RETURNING id`, [planId])).rows[0]?.id;
    const foreign = await move(seed.id, { kind: 'harvested', goalId }, 422);
    expect(foreign.fields).toEqual([{ path: 'goalId', message: 'not a goal of a success plan of this account' }]);
    const stray = await call(csm, 'POST', `/api/accounts/${accountId}/seeds`, { text: 'x', contactId: other.contactId });
    expect(stray.statusCode).toBe(400);
    expect(stray.json()).toMatchObject({ code: 'seed.invalid', fields: [{ path: 'contactId', message: 'not a contact of this account' }] });
    const harvestElsewhere = await call(csm, 'POST', `/api/seeds/${seed.id}/harvest`, { planId });
    expect(harvestElsewhere.statusCode).toBe(400);
    expect(harvestElsewhere.json()).toMatchObject({ fields: [{ path: 'planId' }] });
    const both = await call(csm, 'POST', `/api/accounts/${accountId}/seeds`, { text: 'x', questionId: seed.id });
    expect(both.statusCode).toBe(400);
    expect(both.json()).toMatchObject({ code: 'request.invalid', fields: [{ path: 'text' }] });
    const future = await call(csm, 'POST', `/api/accounts/${accountId}/seeds`, { text: 'x', askedAt: new Date(Date.now() + 3_600_000).toISOString() });
    expect(future.json()).toMatchObject({ code: 'seed.invalid', fields: [{ path: 'askedAt', message: 'Cannot be in the future' }] });
  });

  it('a harvested seed cannot be harvested again nor put to rest', async () => {
    const { accountId } = await account();
    const seed = await plant(accountId, { text: 'What if your champion left tomorrow?' });
    expect((await call(csm, 'POST', `/api/seeds/${seed.id}/harvest`, {})).statusCode).toBe(200);
    const again = await call(csm, 'POST', `/api/seeds/${seed.id}/harvest`, {});
    expect(again.statusCode).toBe(422);
    expect((await move(seed.id, { kind: 'dormant' }, 422)).fields).toEqual([{ path: 'kind', message: 'A harvested seed stays harvested' }]);
  });
});

describe('a deleted goal does not leave a seed pointing at nothing', () => {
  it('puts a harvested seed back to rooted with an event saying why; deleting the account with it works', async () => {
    const { accountId } = await account();
    const seed = await plant(accountId, { text: 'What if every user were an admin?', theme: unique('governance') });
    await move(seed.id, { kind: 'discussed_in_qbr', note: 'Came up in the Q3 QBR' });
    const harvested = (await call(csm, 'POST', `/api/seeds/${seed.id}/harvest`, { statement: 'From 40 to 5 admin requests a week' })).json() as Seed;
    await t.database.query('DELETE FROM plan_goals WHERE id = $1', [harvested.goalId]);
    const after = (await call(csm, 'GET', `/api/seeds/${seed.id}`)).json() as Seed;
    expect(after).toMatchObject({ stage: 'rooted', highStage: 'rooted', goalId: null, goalStatement: null });
    expect(after.events.at(-1)).toMatchObject({ kind: 'goal_deleted', moved: true, fromStage: 'harvested', toStage: 'rooted', goalId: harvested.goalId, summary: 'the goal it became was deleted: harvested → rooted' });
    // The library no longer counts it as harvested; the new text with a theme joined the library.
    const q = (await call(csm, 'GET', `/api/seed-questions/${after.questionId}`)).json() as SeedQuestion;
    expect(q.record).toMatchObject({ planted: 1, harvestedShare: 0, medianDaysToHarvest: null });

    await call(csm, 'POST', `/api/seeds/${seed.id}/harvest`, {});
    await t.app.services.accounts.remove(accountId, SYSTEM_ACTOR);
    expect((await t.database.query('SELECT 1 FROM seeds WHERE account_id = $1', [accountId])).rows).toHaveLength(0);
  });
});

describe('a deleted goal puts a seed back where it was before the harvest', () => {
  const events = (s: Seed) => s.events.filter((e) => e.kind === 'goal_deleted');
  const dropGoal = async (goalId: string | null) => t.database.query('DELETE FROM plan_goals WHERE id = $1', [goalId]);

  it('harvested straight from planted: back to planted, and the record counts no sprout nor harvest', async () => {
    const { accountId } = await account();
    const seed = await plant(accountId, { text: 'What if your admins went on holiday for a month?', theme: unique('skip') });
    const harvested = (await call(csm, 'POST', `/api/seeds/${seed.id}/harvest`, { statement: 'Admins off the critical path' })).json() as Seed;
    expect(harvested).toMatchObject({ stage: 'harvested', highStage: 'harvested' });
    await dropGoal(harvested.goalId);
    const after = (await call(csm, 'GET', `/api/seeds/${seed.id}`)).json() as Seed;
    expect(after).toMatchObject({ stage: 'planted', highStage: 'planted', goalId: null, goalStatement: null });
    expect(events(after)).toMatchObject([{ moved: true, fromStage: 'harvested', toStage: 'planted', goalId: harvested.goalId, summary: 'the goal it became was deleted: harvested → planted' }]);
    const q = (await call(csm, 'GET', `/api/seed-questions/${after.questionId}`)).json() as SeedQuestion;
    expect(q.record).toMatchObject({ planted: 1, sproutedShare: 0, harvestedShare: 0, medianDaysToHarvest: null });
    // Planted again: the re-ask clock runs again.
    expect(after.reaskDueAt).not.toBeNull();
  });

  it('harvested (through the events route) from sprouted: back to sprouted, high-water sprouted', async () => {
    const { accountId } = await account();
    const seed = await plant(accountId, { text: 'What if your CFO ran the onboarding?' });
    await move(seed.id, { kind: 'follow_up', note: 'They asked how it would work' });
    const planId = (await t.database.query<{ id: string }>(`INSERT INTO success_plans (account_id, title) VALUES ($1, 'Plan') RETURNING id`, [accountId])).rows[0]?.id;
    const goalId = (await t.database.query<{ id: string }>(`INSERT INTO plan_goals (plan_id, statement) VALUES ($1, 'CFO signs off the rollout') RETURNING id`, [planId])).rows[0]?.id ?? null;
    await move(seed.id, { kind: 'harvested', goalId });
    await dropGoal(goalId);
    const after = (await call(csm, 'GET', `/api/seeds/${seed.id}`)).json() as Seed;
    expect(after).toMatchObject({ stage: 'sprouted', highStage: 'sprouted', goalId: null });
    expect(events(after).map((e) => e.summary)).toEqual(['the goal it became was deleted: harvested → sprouted']);
  });

  it('woken from dormant by the harvest: back to dormant, keeping the stage it had reached', async () => {
    const { accountId } = await account();
    const seed = await plant(accountId, { text: 'What if you sold to your customers\' customers?' });
    await move(seed.id, { kind: 'reaction', strength: 'strong_positive' });
    await move(seed.id, { kind: 'dormant' });
    const harvested = (await call(csm, 'POST', `/api/seeds/${seed.id}/harvest`, {})).json() as Seed;
    expect(harvested.events.at(-1)).toMatchObject({ kind: 'harvested', fromStage: 'dormant', toStage: 'harvested' });
    await dropGoal(harvested.goalId);
    const after = (await call(csm, 'GET', `/api/seeds/${seed.id}`)).json() as Seed;
    expect(after).toMatchObject({ stage: 'dormant', highStage: 'reacted', goalId: null });
    expect(events(after).map((e) => e.summary)).toEqual(['the goal it became was deleted: harvested → dormant']);
  });
});

describe('planting from the activity form', () => {
  it('logs the activity and plants the seed in one request, asked at its time in it', async () => {
    const { accountId, contactId } = await account();
    const q = await question();
    const occurredAt = daysAgo(1);
    const res = await call(csm, 'POST', '/api/activities', { accountId, kind: 'meeting', subject: 'Monthly sync', occurredAt, seed: { questionId: q.id, contactId } });
    expect(res.statusCode, res.body).toBe(201);
    const activityId = (res.json() as { id: string }).id;
    const { items } = (await call(csm, 'GET', `/api/accounts/${accountId}/seeds`)).json() as { items: Seed[] };
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ questionId: q.id, contactId, activityId, askedAt: occurredAt, stage: 'planted', nextVariant: 'What would a zero-touch week look like?' });
  });

  it('refuses a bad seed by its field and then logs nothing', async () => {
    const { accountId } = await account();
    const other = await account();
    const subject = unique('Sync');
    const res = await call(csm, 'POST', '/api/activities', { accountId, kind: 'call', subject, seed: { text: 'What if?', contactId: other.contactId } });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'seed.invalid', fields: [{ path: 'seed.contactId' }] });
    expect((await t.database.query('SELECT 1 FROM activities WHERE subject = $1', [subject])).rows).toHaveLength(0);
  });
});

describe('the library and the funnel', () => {
  it('a csm adds a question but does not edit it; a manager archives it', async () => {
    const q = await question();
    expect((await call(csm, 'PATCH', `/api/seed-questions/${q.id}`, { archived: true })).statusCode).toBe(403);
    const res = await call(manager, 'PATCH', `/api/seed-questions/${q.id}`, { archived: true, variants: ['A', 'B'] });
    expect(res.json()).toMatchObject({ archived: true, variants: ['A', 'B'] });
    const listed = (await call(csm, 'GET', '/api/seed-questions')).json() as { items: SeedQuestion[] };
    expect(listed.items.some((x) => x.id === q.id)).toBe(false);
    const { accountId } = await account();
    const refused = await call(csm, 'POST', `/api/accounts/${accountId}/seeds`, { questionId: q.id });
    expect(refused.json()).toMatchObject({ code: 'seed.invalid', fields: [{ path: 'questionId' }] });
  });

  it('counts this month by the highest stage reached, a dormant seed included', async () => {
    const { accountId } = await account();
    const before = (await call(manager, 'GET', '/api/seeds/funnel?months=1')).json() as { items: { userId: string; planted: number; sprouted: number }[] };
    const mine = (items: typeof before.items) => items.find((i) => i.userId === csm.userId) ?? { planted: 0, sprouted: 0 };
    const seed = await plant(accountId, { text: 'What if you priced by outcome?' });
    await move(seed.id, { kind: 'follow_up', note: 'They asked for an example' });
    await move(seed.id, { kind: 'dormant' });
    const after = (await call(manager, 'GET', '/api/seeds/funnel?months=1')).json() as typeof before;
    expect(mine(after.items).planted - mine(before.items).planted).toBe(1);
    expect(mine(after.items).sprouted - mine(before.items).sprouted).toBe(1);
  });
});
