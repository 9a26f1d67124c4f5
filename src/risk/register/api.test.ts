import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../../auth/principal.js';
import { createTestApp, unique, type SignedIn, type TestApp } from '../../../test/support/app.js';
import { failureMode, failureModeList, raisedRisk, raisedRiskCreated, riskList, startedRun } from './schema.js';

/**
 * The risk register over HTTP on a real database (PGlite, or PostgreSQL with TEST_DATABASE_URL):
 * failure modes (admins and managers write, all read), risks raised by whoever may edit the account,
 * the reuse of a live risk, and the playbook started from a risk.
 */
let t: TestApp;
let admin: SignedIn;
let manager: SignedIn;
let csm: SignedIn;
let otherCsm: SignedIn;
let viewer: SignedIn;
let teamId: string;

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.signIn('admin');
  teamId = (await t.app.inject({ method: 'POST', url: '/api/teams', headers: admin.headers, payload: { name: unique('Enterprise') } })).json<{ id: string }>().id;
  manager = await t.signIn('manager');
  csm = await t.signIn('csm', { teamId });
  otherCsm = await t.signIn('csm');
  viewer = await t.signIn('viewer');
}, 60_000);
afterAll(() => t?.close());

const api = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object, who: SignedIn = admin) =>
  t.app.inject({ method, url, headers: who.headers, ...(payload ? { payload } : {}) });
const account = async (opts: { ownerId?: string | null; arr?: number } = {}) =>
  (await t.app.services.accounts.create({ name: unique('Acme'), stage: 'adoption', ownerId: opts.ownerId ?? null, arr: opts.arr ?? 120_000 }, SYSTEM_ACTOR)).id;
const playbook = async () => (await api('POST', '/api/playbooks', {
  name: unique('Save the renewal'), steps: [{ kind: 'task', title: 'Call the sponsor', dueOffsetDays: 1, assignee: 'owner' }],
})).json<{ id: string }>().id;
const modes = async (who: SignedIn = admin, qs = '') => failureModeList.parse((await api('GET', `/api/failure-modes${qs}`, undefined, who)).json());
const modeByKey = async (key: string) => {
  const m = (await modes()).items.find((i) => i.key === key);
  if (!m) throw new Error(`no mode ${key}`);
  return m;
};

describe('failure modes', () => {
  it('lists the seven seeded modes with the labels of their signal kinds, to everyone', async () => {
    const list = await modes(viewer);
    expect(list.canEdit).toBe(false);
    expect(list.items.length).toBeGreaterThanOrEqual(7);
    const champion = list.items.find((m) => m.key === 'champion_departure');
    expect(champion?.signalKinds.map((k) => k.kind)).toEqual(['champion_left', 'sponsor_left', 'champion_quiet', 'no_exec_touch']);
    expect(champion?.signalKinds.every((k) => k.label.length > 0 && k.label !== k.kind)).toBe(true);
    expect(champion).toMatchObject({ playbook: null, liveRisks: 0, archived: false });
    expect((await modes(manager)).canEdit).toBe(true);
  });

  it('is written by admins and managers only; unknown kinds, playbooks and teams are refused naming the field', async () => {
    const body = { name: unique('Reorg'), signalKinds: ['sponsor_left'] };
    for (const who of [csm, viewer]) expect((await api('POST', '/api/failure-modes', body, who)).statusCode).toBe(403);
    const unknown = await api('POST', '/api/failure-modes', { ...body, signalKinds: ['sponsor_left', 'moon_phase'] }, manager);
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json()).toMatchObject({ code: 'signal_kind.unknown', fields: [{ path: 'signalKinds.1' }] });
    const noPlaybook = await api('POST', '/api/failure-modes', { ...body, playbookId: '00000000-0000-4000-8000-000000000000' }, manager);
    expect(noPlaybook.json()).toMatchObject({ code: 'failure_mode.invalid', fields: [{ path: 'playbookId' }] });
    const noTeam = await api('POST', '/api/failure-modes', { ...body, ownerTeamId: '00000000-0000-4000-8000-000000000000' }, manager);
    expect(noTeam.json()).toMatchObject({ code: 'failure_mode.invalid', fields: [{ path: 'ownerTeamId' }] });
    expect((await api('POST', '/api/failure-modes', { ...body, surprise: 1 }, manager)).statusCode).toBe(400);

    const pb = await playbook();
    const created = await api('POST', '/api/failure-modes', { ...body, playbookId: pb, ownerTeamId: teamId }, manager);
    expect(created.statusCode, created.body).toBe(201);
    const m = failureMode.parse(created.json());
    expect(m).toMatchObject({ name: body.name, key: null, playbook: { id: pb, archived: false }, ownerTeam: { id: teamId } });
    expect((await api('POST', '/api/failure-modes', body, manager)).json()).toMatchObject({ code: 'failure_mode.name_taken' });

    const patched = await api('PATCH', `/api/failure-modes/${m.id}`, { signalKinds: ['sponsor_left', 'no_exec_touch'], playbookId: null }, manager);
    expect(patched.json()).toMatchObject({ signalKinds: [{ kind: 'sponsor_left' }, { kind: 'no_exec_touch' }], playbook: null });
    expect((await api('PATCH', `/api/failure-modes/${m.id}`, { archived: true }, csm)).statusCode).toBe(403);
    expect((await api('PATCH', `/api/failure-modes/${m.id}`, { archived: true }, manager)).json()).toMatchObject({ archived: true });
    expect((await modes()).items.some((i) => i.id === m.id)).toBe(false);
    expect((await modes(admin, '?includeArchived=true')).items.find((i) => i.id === m.id)).toMatchObject({ archived: true });
    const missing = await api('PATCH', '/api/failure-modes/00000000-0000-4000-8000-000000000000', { name: 'x' }, manager);
    expect([missing.statusCode, missing.json<{ code: string }>().code]).toEqual([404, 'failure_mode.not_found']);
    const audit = await t.database.query<{ action: string }>("SELECT action FROM audit_log WHERE object_type = 'failure_mode' AND object_id = $1 ORDER BY id", [m.id]);
    expect(audit.rows.map((r) => r.action)).toEqual(['create', 'update', 'archive']);
  });
});

describe('raised risks', () => {
  it("defaults the title to the mode's name and ARR at risk to ARR × the compound probability, and reuses a live risk", async () => {
    const acc = await account({ ownerId: csm.userId, arr: 200_000 });
    await t.database.query("INSERT INTO account_risk (account_id, score, level, probability, model) VALUES ($1, 62, 'high', 0.35, 'default')", [acc]);
    const mode = await modeByKey('budget_cut');
    const modeTeam = (await api('POST', '/api/teams', { name: unique('Finance desk') })).json<{ id: string }>().id;
    expect((await api('PATCH', `/api/failure-modes/${mode.id}`, { ownerTeamId: modeTeam }, manager)).statusCode).toBe(200);
    const signal = (await t.database.query<{ id: string }>(
      "INSERT INTO risk_signals (account_id, kind, strength, started_at, source) VALUES ($1, 'payment_failed', 0.3, now(), 'manual') RETURNING id", [acc])).rows[0]?.id;

    const res = await api('POST', `/api/accounts/${acc}/risks`, { failureModeId: mode.id, signalIds: [signal], note: 'Card declined twice' }, csm);
    expect(res.statusCode, res.body).toBe(201);
    const risk = raisedRiskCreated.parse(res.json());
    expect(risk).toMatchObject({
      title: 'Budget cut', status: 'open', arrAtRisk: 70_000, reused: false, ownerTeam: { id: modeTeam }, note: 'Card declined twice',
      failureMode: { id: mode.id, key: 'budget_cut', matchedKinds: ['payment_failed'] }, signalIds: [signal], canEdit: true, raisedBy: { id: csm.userId },
    });
    expect(risk.arrAtRiskBasis).toMatch(/200000.*0\.35/);

    const again = await api('POST', `/api/accounts/${acc}/risks`, { failureModeId: mode.id, title: 'Budget cut again' }, csm);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ id: risk.id, reused: true, title: 'Budget cut' });
    expect((await modeByKey('budget_cut')).liveRisks).toBe(1);

    // Without a mode: a title is needed; with no compound risk yet, ARR at risk stays empty and says why.
    const acc2 = await account({ ownerId: csm.userId });
    expect((await api('POST', `/api/accounts/${acc2}/risks`, { note: 'x' }, csm)).json()).toMatchObject({ code: 'account_risk.invalid', fields: [{ path: 'title' }] });
    const free = raisedRiskCreated.parse((await api('POST', `/api/accounts/${acc2}/risks`, { title: 'Board unhappy' }, csm)).json());
    expect(free).toMatchObject({ failureMode: null, arrAtRisk: null, ownerTeam: { id: teamId } });
    expect(free.arrAtRiskBasis).toMatch(/no compound risk/);
    expect((await api('POST', `/api/accounts/${acc2}/risks`, { title: 'Sig', signalIds: [signal] }, csm)).json()).toMatchObject({ fields: [{ path: 'signalIds.0' }] });
    const unknownMode = await api('POST', `/api/accounts/${acc2}/risks`, { failureModeId: '00000000-0000-4000-8000-000000000000' }, csm);
    expect([unknownMode.statusCode, unknownMode.json<{ code: string }>().code]).toEqual([404, 'failure_mode.not_found']);
  });

  it('lets whoever may edit the account raise and resolve its risks; others read', async () => {
    const acc = await account({ ownerId: csm.userId });
    for (const who of [otherCsm, viewer]) expect((await api('POST', `/api/accounts/${acc}/risks`, { title: 'Nope' }, who)).statusCode).toBe(403);
    const risk = raisedRisk.parse((await api('POST', `/api/accounts/${acc}/risks`, { title: 'Reorg', arrAtRisk: 5000 }, manager)).json());
    expect((await api('PATCH', `/api/account-risks/${risk.id}`, { status: 'resolved' }, otherCsm)).statusCode).toBe(403);
    const list = riskList.parse((await api('GET', `/api/account-risks?accountId=${acc}`, undefined, viewer)).json());
    expect(list.items.map((i) => [i.id, i.canEdit])).toEqual([[risk.id, false]]);

    const resolved = raisedRisk.parse((await api('PATCH', `/api/account-risks/${risk.id}`, { status: 'resolved', note: 'Sponsor back' }, csm)).json());
    expect(resolved).toMatchObject({ status: 'resolved', note: 'Sponsor back' });
    expect(resolved.resolvedAt).not.toBeNull();
    const reopened = raisedRisk.parse((await api('PATCH', `/api/account-risks/${risk.id}`, { status: 'open', arrAtRisk: null }, csm)).json());
    expect(reopened).toMatchObject({ status: 'open', resolvedAt: null, arrAtRisk: null });
    const bad = await api('PATCH', `/api/account-risks/${risk.id}`, { status: 'closed' }, csm);
    expect(bad.statusCode).toBe(400);
    const missing = await api('PATCH', '/api/account-risks/00000000-0000-4000-8000-000000000000', { status: 'open' }, csm);
    expect([missing.statusCode, missing.json<{ code: string }>().code]).toEqual([404, 'account_risk.not_found']);
    const audit = await t.database.query<{ action: string }>("SELECT action FROM audit_log WHERE object_type = 'account_risk' AND object_id = $1 ORDER BY id", [risk.id]);
    expect(audit.rows.map((r) => r.action)).toEqual(['create', 'resolve', 'update']);
  });

  it('filters by status and pages with a cursor', async () => {
    const acc = await account({ ownerId: csm.userId });
    const ids: string[] = [];
    for (const title of ['One', 'Two', 'Three']) ids.push(raisedRisk.parse((await api('POST', `/api/accounts/${acc}/risks`, { title }, csm)).json()).id);
    await api('PATCH', `/api/account-risks/${ids[1]}`, { status: 'accepted' }, csm);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = riskList.parse((await api('GET', `/api/account-risks?accountId=${acc}&limit=2${cursor ? `&cursor=${cursor}` : ''}`)).json());
      seen.push(...page.items.map((i) => i.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...ids].reverse());
    const live = riskList.parse((await api('GET', `/api/account-risks?accountId=${acc}&status=live`)).json());
    expect(live.items.map((i) => i.id).sort()).toEqual([ids[0], ids[2]].sort());
    const accepted = riskList.parse((await api('GET', `/api/account-risks?accountId=${acc}&status=accepted`)).json());
    expect(accepted.items.map((i) => i.id)).toEqual([ids[1]]);
    expect((await api('GET', '/api/account-risks?cursor=WyJhIiwiYiJd')).statusCode).toBe(400);
  });

  it("starts the failure mode's playbook on the account, links the run and moves the risk to mitigating", async () => {
    const acc = await account({ ownerId: csm.userId });
    const pb = await playbook();
    const mode = failureMode.parse((await api('POST', '/api/failure-modes', { name: unique('Security review stall'), signalKinds: ['no_exec_touch'] }, manager)).json());
    const risk = raisedRisk.parse((await api('POST', `/api/accounts/${acc}/risks`, { failureModeId: mode.id }, csm)).json());
    const none = await api('POST', `/api/account-risks/${risk.id}/start-playbook`, undefined, csm);
    expect([none.statusCode, none.json<{ code: string }>().code]).toEqual([409, 'account_risk.no_playbook']);
    await api('PATCH', `/api/failure-modes/${mode.id}`, { playbookId: pb }, manager);
    expect((await api('POST', `/api/account-risks/${risk.id}/start-playbook`, undefined, otherCsm)).statusCode).toBe(403);

    const res = await api('POST', `/api/account-risks/${risk.id}/start-playbook`, undefined, csm);
    expect(res.statusCode, res.body).toBe(201);
    const started = startedRun.parse(res.json());
    expect(started.risk).toMatchObject({ status: 'mitigating', playbookRun: { id: started.runId, status: 'running' }, failureMode: { playbook: { id: pb } } });
    const run = await t.database.query<{ account_id: string; playbook_id: string; started_by: string }>('SELECT account_id, playbook_id, started_by FROM playbook_runs WHERE id = $1', [started.runId]);
    expect(run.rows[0]).toEqual({ account_id: acc, playbook_id: pb, started_by: csm.userId });
    const accountRuns = (await api('GET', `/api/accounts/${acc}/playbooks`)).json<{ items: { id: string }[] }>().items;
    expect(accountRuns.map((r) => r.id)).toEqual([started.runId]);

    const again = await api('POST', `/api/account-risks/${risk.id}/start-playbook`, undefined, csm);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ runId: started.runId, reused: true });
    // The same Idempotency-Key replays the first answer, like any other create.
    const key = { ...csm.headers, 'idempotency-key': unique('k') };
    const other = raisedRisk.parse((await api('POST', `/api/accounts/${acc}/risks`, { title: 'Other' }, csm)).json());
    await api('PATCH', `/api/account-risks/${other.id}`, { status: 'accepted' }, csm);
    const closed = await t.app.inject({ method: 'POST', url: `/api/account-risks/${other.id}/start-playbook`, headers: key });
    expect(closed.json()).toMatchObject({ code: 'account_risk.closed' });
  });
});
